import os
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from exchange import archive
from newsroom.progress import Progress


class Command(BaseCommand):
    help = (
        "Write everything readers and editors see (sections, bylines, tags, articles with their photos and files, "
        "pull-quotes, corrections, revisions, the audit log) to one archive. See docs/export-format.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "out",
            help="The archive to write: NAME.tar, or NAME.tar.gz to compress it; - for standard output.",
        )

    def handle(self, *args, out, **options):
        progress = Progress(self.stderr, 0, _("records"))
        if out == "-":
            manifest = archive.export(sys.stdout.buffer, progress=progress)
        else:
            partial = f"{out}.partial"
            try:
                with open(partial, "wb") as stream:
                    manifest = archive.export(stream, name=out, progress=progress)
            except OSError as error:
                raise CommandError(
                    _("Cannot write %(path)s: %(error)s") % {"path": out, "error": error}
                ) from error
            except BaseException:
                if os.path.exists(partial):
                    os.remove(partial)
                raise
            # Only a complete archive carries the name asked for.
            os.replace(partial, out)
        progress.finish()
        counts = ", ".join(f"{name} {count}" for name, count in manifest["counts"].items() if count)
        message = _("Exported %(counts)s; %(files)s media files.") % {
            "counts": counts or "—",
            "files": manifest["media_files"],
        }
        if manifest["media_missing"]:
            message += " " + _("%(count)s files named by records were missing from the storage.") % {
                "count": manifest["media_missing"]
            }
        (self.stderr if out == "-" else self.stdout).write(message)
