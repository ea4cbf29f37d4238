"""`manage.py edge`: Varnish in front of the app, from the repo's VCL (`make edge` runs it with the app)."""

import os
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from pagecache import varnishd


class Command(BaseCommand):
    help = (
        "Start Varnish (deploy/varnish.vcl) in front of the app; with --with-app, the development server too."
    )

    def add_arguments(self, parser):
        parser.add_argument("--backend", default="127.0.0.1:8000", help="the app server, host:port")
        parser.add_argument("--listen", default="127.0.0.1:6081", help="where Varnish answers, host:port")
        parser.add_argument(
            "--purger", action="append", default=[], help="an address allowed to purge (repeat)"
        )
        parser.add_argument("--memory", default="256m", help="Varnish's cache size (malloc)")
        parser.add_argument(
            "--with-app", action="store_true", help="also run the development server on --backend"
        )

    def handle(self, *args, backend, listen, purger, memory, with_app, **options):
        if not varnishd.ensure_installed():
            raise CommandError(
                "Varnish is not installed: run 'sudo apt-get install varnish varnish-modules' (Debian), then again."
            )
        purgers = purger or ["127.0.0.1", "::1"]
        if not with_app:
            command, _workdir = varnishd.start(
                backend, listen, foreground=True, memory=memory, purgers=purgers
            )
            os.execv(command[0], [*command, "-F"])  # docker: Varnish is the container's process
        if (
            os.environ.get("RUN_MAIN") == "true"
        ):  # the development server's reloaded child: Varnish is running
            call_command("runserver", backend, stdout=sys.stdout)
            return
        varnish = varnishd.start(backend, listen, memory=memory, purgers=purgers)
        # The development server (and its reloaded children) purge this Varnish after every edit.
        os.environ["EDGE_PURGE_URLS"] = varnish.url
        self.stdout.write(
            f"Varnish on http://{listen}/ in front of http://{backend}/ (purged after every edit)"
        )
        try:
            call_command("runserver", backend, stdout=sys.stdout)
        finally:
            varnish.stop()
