import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from newsroom.progress import Progress
from wordpress import wxr
from wordpress.importer import DEFAULT_SECTION, Importer, ImportRefused, Options, read_section_map


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR) as articles: posts, authors, categories, tags and photos. Idempotent; "
        "--dry-run writes nothing and prints the same report. See docs/wordpress-migration.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", help="The WXR file WordPress exported (Tools → Export).")
        parser.add_argument(
            "--user",
            required=True,
            help="The editor responsible for the import: the audit log names them on every article.",
        )
        parser.add_argument(
            "--media-dir",
            help="A copy of the site's wp-content/uploads; nothing is fetched from the network.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Write nothing; print the same report.")
        parser.add_argument(
            "--section-map",
            help="A CSV file of category,section[,section name] lines: map or merge categories.",
        )
        parser.add_argument(
            "--default-section",
            default=DEFAULT_SECTION,
            help="The section (slug) for posts whose categories match no section; created, hidden from the "
            "navigation, if it does not exist (default: %(default)s).",
        )
        parser.add_argument(
            "--site-url",
            help="The address to remember the posts by, when the export's own would mix two sites (e.g. a copy "
            "of the site under another address, or two test exports that give the same one).",
        )
        parser.add_argument("--report", help="Also write the whole report as JSON to this file.")
        parser.add_argument("--batch-size", type=int, default=200, help=("Posts per transaction."))

    def handle(
        self, *args, export, user, media_dir, dry_run, section_map, default_section, report, **options
    ):
        account = get_user_model().objects.filter(username=user).first()
        if account is None:
            raise CommandError(_("There is no user “%(user)s”.") % {"user": user})
        try:
            mapping = read_section_map(section_map) if section_map else {}
            importer = Importer(
                export,
                Options(
                    user=account,
                    media_dir=media_dir,
                    dry_run=dry_run,
                    section_map=mapping,
                    default_section=default_section,
                    batch_size=max(1, options["batch_size"]),
                    site_url=options["site_url"] or "",
                ),
                progress=Progress(self.stderr, 0, _("posts")),
            )
            result = importer.run()
        except (wxr.ExportError, ImportRefused) as error:
            raise CommandError(str(error)) from error
        self.stdout.write("\n".join(result.lines()))
        if report:
            with open(report, "w", encoding="utf-8") as handle:
                json.dump(result.as_dict(), handle, ensure_ascii=False, indent=2, default=str)
