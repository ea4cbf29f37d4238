"""`manage.py purges`: the edge purges still to do, sent again on request; or a purge by hand."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pagecache import edge, journal
from pagecache.fragments import EVERYTHING


class Command(BaseCommand):
    help = (
        "List the edge purges that have not landed yet (Varnish or the CDN down or refusing); --send sends them "
        "again now; --keys purges the given keys everywhere; --everything drops every cached page; --hard removes "
        "the edge's copies outright (a takedown) instead of serving them while it refetches."
    )

    def add_arguments(self, parser):
        parser.add_argument("--send", action="store_true", help="send every pending purge again now")
        parser.add_argument(
            "--keys", nargs="+", metavar="KEY", help="invalidate these keys (the cache and the edge)"
        )
        parser.add_argument(
            "--everything",
            action="store_true",
            help="invalidate every page and fragment (after a release that changed templates, a bulk load)",
        )
        parser.add_argument(
            "--hard",
            action="store_true",
            help="with --keys or --everything: the edge drops its copies at once (a takedown), no stale copy served",
        )

    def handle(self, *args, send, keys, everything, hard, **options):
        if hard and not (keys or everything):
            raise CommandError("--hard goes with --keys or --everything.")
        if keys or everything:
            row = journal.invalidate(
                [EVERYTHING] if everything else keys, reason="by hand (manage.py purges)", hard=hard
            )
            self.stdout.write(f"Invalidated {row.keys} (journal row {row.pk}).")
            return
        if not edge.targets():
            self.stdout.write("No edge cache is configured (EDGE_PURGE_URLS is empty): nothing to purge.")
        if send:
            sent, failed = journal.retry_pending(due_only=False, limit=100_000)
            self.stdout.write(f"Sent {sent} pending purge(s); {failed} failed again.")
            if failed:
                raise CommandError("Some purges failed again: see the list below and the edge's logs.")
        rows = list(journal.pending(due_only=False)[:1000])
        if not rows:
            self.stdout.write("No purge is pending.")
            return
        now = timezone.now()
        self.stdout.write(f"{len(rows)} pending purge(s):")
        for row in rows:
            due = (
                "now"
                if row.next_purge_at is None or row.next_purge_at <= now
                else f"at {row.next_purge_at:%H:%M:%S}"
            )
            error = f" — {row.purge_error}" if row.purge_error else ""
            hard = ", a takedown: dropped outright" if row.hard else ""
            self.stdout.write(
                f"#{row.pk} {row.created_at:%Y-%m-%d %H:%M:%S} {row.reason}: {row.keys} "
                f"(sent {row.purges}, failed {row.failures}, next {due}{hard}){error}"
            )
