import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from exchange import archive
from newsroom.progress import Progress


class Command(BaseCommand):
    help = (
        "Load an archive written by export_content into this site, which must have no content yet. "
        "See docs/export-format.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="The archive (.tar or .tar.gz); - for standard input.")

    def handle(self, *args, source, **options):
        progress = Progress(self.stderr, 0, _("records"))
        try:
            if source == "-":
                manifest = archive.load(sys.stdin.buffer, progress=progress)
            else:
                with open(source, "rb") as stream:
                    manifest = archive.load(stream, name=source, progress=progress)
        except OSError as error:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": source, "error": error}
            ) from error
        except archive.ArchiveError as error:
            raise CommandError(str(error)) from error
        progress.finish()
        counts = ", ".join(f"{name} {count}" for name, count in manifest["loaded"].items() if count)
        self.stdout.write(
            _(
                "Imported %(counts)s from the archive of %(site)s made %(created)s. Staff accounts that were new "
                "here have no password yet: set one with manage.py changepassword."
            )
            % {
                "counts": counts or "—",
                "site": manifest.get("site", "?"),
                "created": manifest.get("created", "?"),
            }
        )
