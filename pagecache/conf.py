"""The page cache's settings (`settings.PAGECACHE`), with defaults, and the store and near caches they describe."""

import functools

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from .store import Breaker, LocalStore, Near, RedisStore

DEFAULTS = {
    # Whole anonymous pages kept and served by the middleware; fragments are the parts of pages kept between renders.
    "ENABLED": True,
    "FRAGMENTS": True,
    # "local" (one process: development, tests) or a redis:// URL shared by every app server.
    "STORE": "local",
    # Seconds a call to the store may take before it counts as failed; failures in a row before the store is
    # skipped, and for how long.
    "TIMEOUT": 0.1,
    "BREAKER_FAILURES": 3,
    "BREAKER_SECONDS": 5.0,
    # How long a page or fragment may be kept. Edits purge what they change at once, so this can be long; a page
    # showing what a scheduled article will change expires when it comes out.
    "SECONDS": 6 * 60 * 60,
    # Cache-Control for readers' browsers (they revalidate: 304) and for the edge (s-maxage, stale-if-error).
    "BROWSER_SECONDS": 0,
    "STALE_IF_ERROR_SECONDS": 24 * 60 * 60,
    # How many pages and fragments each process also keeps in its own memory.
    "NEAR_PAGES": 300,
    "NEAR_FRAGMENTS": 5000,
    # Edge caches to purge by key after each change: http(s)://host:port/ of each Varnish, or fastly://SERVICE_ID.
    "EDGE_PURGE_URLS": [],
    "EDGE_TIMEOUT": 0.5,
    # A second purge this long after the first, for a page that was on its way to the edge during the first.
    "EDGE_REPURGE_SECONDS": 2.0,
    # At most how long past its time (a soft purge ends it at once) the edge serves a page while it refetches it in
    # the background, the app answering; goes into the VCL (pagecache/varnishd.py). Readers never wait for a render
    # that takes less; every reader gets a change within this long of its commit.
    "EDGE_REFETCH_GRACE": 2.0,
    # How often each process looks in the journal for invalidations the store missed (0: only after failures).
    "SYNC_CHECK_SECONDS": 1.0,
    # Journal rows are kept this long (for operators), then removed.
    "JOURNAL_DAYS": 14,
}


@functools.cache
def options():
    """The settings with their defaults: read once (every fragment of every page asks), again when they change."""
    return {**DEFAULTS, **getattr(settings, "PAGECACHE", {})}


# How a store that missed invalidations catches up: replaying the journal (pagecache.journal registers it, since
# the journal itself reads these settings).
_replay = []


def replay_with(function):
    """`function(full)` is what a store calls before it is trusted again (pagecache.journal.catch_up)."""
    _replay[:] = [function]


def _catch_up(full):
    for function in _replay:
        function(full)


@functools.cache
def _store(url, timeout, failures, seconds):
    breaker = Breaker(failures, seconds)
    if url == "local":
        store = LocalStore(breaker)
    else:
        store = RedisStore(url, timeout=timeout, prefix=_prefix(), breaker=breaker)
    store.on_sync = _catch_up
    return store


def _prefix():
    return f"{getattr(settings, 'PAGECACHE_KEY_PREFIX', 'newsroom')}:pc"


def store():
    option = options()
    return _store(option["STORE"], option["TIMEOUT"], option["BREAKER_FAILURES"], option["BREAKER_SECONDS"])


@functools.cache
def near(kind, entries):
    return Near(entries)


def near_pages():
    return near("pages", options()["NEAR_PAGES"])


def near_fragments():
    return near("fragments", options()["NEAR_FRAGMENTS"])


@receiver(setting_changed)
def _forget(setting, **_kwargs):
    if setting in ("PAGECACHE", "PAGECACHE_KEY_PREFIX"):
        options.cache_clear()
        _store.cache_clear()
        near.cache_clear()


def clear():
    """Empty the shared store and this process's near caches (tests; an operator starting over)."""
    store().clear()
    near_pages().clear()
    near_fragments().clear()
