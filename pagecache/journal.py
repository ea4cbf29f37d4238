"""Invalidating: a change names the keys it made stale; they are journaled with it and applied once it commits.

`invalidate(keys)` writes a journal row (pagecache.models.Invalidation) in the change's own transaction, so a change
that rolls back purges nothing and a committed one can never be forgotten. After the commit, the keys get new
versions in the shared store (so every process's pages and fragments showing them give way at once), then every
edge purges them. What could not be done then is done later, from the journal:

- a store that failed or restarted replays it before it is trusted again (`catch_up`, called by the store);
- each process looks for rows the store missed at most every SYNC_CHECK_SECONDS (`check_missed`), which covers a
  process that was idle while the store was away;
- purges that failed are retried with growing pauses by a background thread in each process, and listed and sent
  again by `manage.py purges`.
"""

import datetime
import logging
import threading
import time

from django.db import DatabaseError, close_old_connections, connections, router, transaction
from django.db.models import Q
from django.utils import timezone

from . import conf, edge
from .models import Invalidation
from .store import Unavailable

logger = logging.getLogger(__name__)


def _journal():
    """The journal on the primary database: a replica may not have the newest rows yet."""
    return Invalidation.objects.using(router.db_for_write(Invalidation))


def invalidate(keys, reason="", using=None, hard=False):
    """Make `keys` stale everywhere once the current transaction commits (at once outside one).

    The edge serves its copy of a page for the moment it takes to fetch the new one, so that no reader waits for
    a render; `hard` (a takedown) makes it drop the copy outright."""
    keys = sorted({key for key in keys if key})
    if not keys:
        return None
    using = using or router.db_for_write(Invalidation)
    row = Invalidation.objects.using(using).create(keys=" ".join(keys), reason=reason[:200], hard=hard)
    if not connections[using].in_atomic_block:  # autocommit: the change and its row are committed already
        apply([row], using=using)
        return row
    # robust: the change is committed by then; a failing cache or edge must not turn it into an error page.
    transaction.on_commit(_Apply(row, using), using=using, robust=True)
    return row


class _Apply:
    """Applies its row once the transaction commits, with the rows of every other one committed with it.

    Django forgets the callbacks of a transaction (or savepoint) that rolls back, so a row written there is never
    applied; and when a commit runs its callbacks, the first of ours takes the rows of all the others still waiting
    in that commit, so that one transaction is one store update and one purge.
    """

    def __init__(self, row, using):
        self.row = row
        self.using = using
        self.done = False

    def __call__(self):
        if self.done:
            return
        waiting = [function for _ids, function, _robust in connections[self.using].run_on_commit]
        batch = [self, *(each for each in waiting if isinstance(each, _Apply) and not each.done)]
        for each in batch:
            each.done = True
        apply([each.row for each in batch], using=self.using)


def apply(rows, using="default"):
    """Give the rows' keys new versions in the store, purge them at the edge, and note what was done."""
    if not rows:
        return
    keys, hard = _keys(rows)
    now = timezone.now()
    changes = {}
    try:
        conf.store().bump(keys)
        changes["cached_at"] = now
    except Unavailable as error:
        logger.warning(
            "Invalidation %s not applied to the page cache yet (%s); replayed when it is back",
            rows[0].pk,
            error,
        )
    changes.update(_purge(keys, hard, purges=0, failures=0, now=now))
    try:
        Invalidation.objects.using(using).filter(pk__in=[row.pk for row in rows]).update(**changes)
    except DatabaseError as error:
        logger.warning("Could not note invalidations %s as done: %s", [row.pk for row in rows], error)
    if changes.get("purged_at") is None and edge.targets():
        purger.wake()


def _keys(rows):
    """The rows' keys, and those among them to purge outright (a takedown's)."""
    keys = sorted({key for row in rows for key in row.key_list})
    return keys, sorted({key for row in rows if row.hard for key in row.key_list})


def _purge(keys, hard, *, purges, failures, now):
    """The journal fields after one purge of `keys` (`hard` ones outright) at every edge."""
    targets = edge.targets()
    if not targets:
        return {"purged_at": now, "next_purge_at": None, "purge_error": ""}
    option = conf.options()
    try:
        edge.purge(keys, hard)
    except edge.PurgeFailed as error:
        failures += 1
        pause = _pause(failures)
        logger.warning("Edge purge failed (%s); retrying in %ss: %s", error, pause, " ".join(keys[:20]))
        return {
            "failures": failures,
            "next_purge_at": now + datetime.timedelta(seconds=pause),
            "purge_error": str(error)[:2000],
        }
    purges += 1
    # A page can be on its way to the edge while the first purge passes it: a second one, a moment later.
    if purges < 2 and option["EDGE_REPURGE_SECONDS"] > 0:
        return {
            "purges": purges,
            "next_purge_at": now + datetime.timedelta(seconds=option["EDGE_REPURGE_SECONDS"]),
            "purge_error": "",
        }
    return {"purges": purges, "purged_at": now, "next_purge_at": None, "purge_error": ""}


def catch_up(full=False):
    """Replay into the store what it may have missed: rows never applied, and after a restart (`full`) every row
    recent enough that an entry could still be stored under the versions it replaced."""
    now = timezone.now()
    missed = Q(cached_at__isnull=True)
    if full:
        window = datetime.timedelta(seconds=conf.options()["SECONDS"]) + datetime.timedelta(minutes=10)
        missed |= Q(created_at__gte=now - window)
    rows = list(_journal().filter(missed).only("pk", "keys", "cached_at"))
    if rows:
        conf.store().bump(sorted({key for row in rows for key in row.key_list}))
        late = [row.pk for row in rows if row.cached_at is None]
        if late:
            # Purged at the edge before they reached the store: a page refetched meanwhile may have come from a
            # process still reading the old versions, so purge them once more now.
            _journal().filter(pk__in=late).update(cached_at=now, purged_at=None, purges=0, next_purge_at=now)
            purger.wake()
    if full:
        conf.store().mark_synced()
    logger.warning(
        "Page cache caught up with %s journal rows%s", len(rows), " after a restart" if full else ""
    )


conf.replay_with(catch_up)


_last_check = [0.0, 0.0]  # monotonic times of the last look for missed rows and for stuck purges


def check_missed():
    """At most every SYNC_CHECK_SECONDS: are there committed invalidations the store has not applied?"""
    interval = conf.options()["SYNC_CHECK_SECONDS"]
    moment = time.monotonic()
    if not interval or moment - _last_check[0] < interval:
        return
    _last_check[0] = moment
    now = timezone.now()
    try:
        if (
            _journal()
            .filter(cached_at__isnull=True, created_at__lt=now - datetime.timedelta(seconds=2))
            .exists()
        ):
            conf.store().need_sync()
        if moment - _last_check[1] >= 60:
            _last_check[1] = moment
            stuck = Q(purged_at__isnull=True, next_purge_at__lt=now - datetime.timedelta(seconds=30))
            if edge.targets() and _journal().filter(stuck).exists():
                purger.wake()  # its process is gone, or its thread died: this one takes over
            prune(now)
    except DatabaseError:
        pass  # the database is away: cached pages are still served; nothing to learn until it is back


def prune(now=None):
    """Forget rows older than JOURNAL_DAYS once they are fully done."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=conf.options()["JOURNAL_DAYS"])
    _journal().filter(created_at__lt=cutoff, cached_at__isnull=False, purged_at__isnull=False).delete()


def pending(due_only=True):
    rows = _journal().filter(purged_at__isnull=True).order_by("pk")
    if due_only:
        rows = rows.filter(Q(next_purge_at__isnull=True) | Q(next_purge_at__lte=timezone.now()))
    return rows


def retry_pending(due_only=True, limit=1000):
    """Send the purges that are due (or every pending one) again, together; return (purges sent, failed)."""
    with transaction.atomic(using=router.db_for_write(Invalidation)):
        rows = pending(due_only)
        if connections[rows.db].features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        rows = list(rows[:limit])
        if not rows:
            return 0, 0
        keys, hard = _keys(rows)
        now = timezone.now()
        try:
            edge.purge(keys, hard)
        except edge.PurgeFailed as error:
            logger.warning("Edge purge failed again (%s): %s", error, " ".join(keys[:20]))
            failure = str(error)[:2000]
            for row in rows:
                row.failures += 1
                row.next_purge_at = now + datetime.timedelta(seconds=_pause(row.failures))
                row.purge_error = failure
            Invalidation.objects.using(rows[0]._state.db).bulk_update(
                rows, ["failures", "next_purge_at", "purge_error"]
            )
            return 0, 1
        repurge = conf.options()["EDGE_REPURGE_SECONDS"]
        for row in rows:
            row.purges += 1
            row.purge_error = ""
            if row.purges < 2 and repurge > 0:
                row.next_purge_at = now + datetime.timedelta(seconds=repurge)
            else:
                row.purged_at, row.next_purge_at = now, None
        Invalidation.objects.using(rows[0]._state.db).bulk_update(
            rows, ["purges", "purge_error", "purged_at", "next_purge_at"]
        )
        return 1, 0


def _pause(failures):
    """Seconds before the next try after `failures` failures in a row: 2, 4, 8… up to five minutes."""
    return min(300, 2 ** min(failures, 9))


class Purger:
    """Each process's background thread for purges that are due later: retries and second purges."""

    def __init__(self):
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread = None

    def wake(self):
        if not conf.options().get("EDGE_PURGE_THREAD", True):
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="pagecache-purger", daemon=True)
                self._thread.start()
        self._wake.set()

    def _run(self):
        idle = 0
        while idle < 60:  # a quiet minute: the thread ends; the next failure starts another
            self._wake.clear()
            try:
                close_old_connections()
                sent, failed = retry_pending()
                upcoming = (
                    pending(due_only=False).exclude(next_purge_at__isnull=True).order_by("next_purge_at")
                )
                nearest = upcoming.values_list("next_purge_at", flat=True).first()
            except DatabaseError as error:
                logger.warning("Edge purge retries wait for the database: %s", error)
                sent, failed, nearest = 0, 0, None
            finally:
                connections.close_all()
            idle = 0 if sent or failed or nearest else idle + 5
            pause = 5.0 if nearest is None else max(0.2, min(5.0, (nearest - timezone.now()).total_seconds()))
            self._wake.wait(pause)


purger = Purger()
