"""Where the page cache keeps what processes share, and what each process keeps for itself.

The shared store holds page and fragment entries and one version number per content key. It is Redis in
production and a process-local stand-in in development and tests; both answer the same few calls and both raise
`Unavailable` rather than fail slowly: a cache is an optimisation, and a dead one must cost a reader nothing.

Versions come from one clock per store, `max(clock + 1, the server's time in microseconds)`, taken inside the
same atomic script that sets them. So a version is never issued twice, even by a Redis that restarted from an old
snapshot: a copy of a page kept in some process's memory under a version can only be valid while that version is
the current one.
"""

import logging
import pickle
import threading
import time
from collections import OrderedDict

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger(__name__)

CLOCK = "clock"
# Versions a process remembers at one clock value before it starts over: a quiet site read end to end by a crawler
# would otherwise keep one per article.
KNOWN_LIMIT = 50_000
RUN_MARKER = "run"


class Unavailable(Exception):
    """The shared store did not answer (or is being skipped after failing): read from the database instead."""


class Breaker:
    """Skips a failing store for a while: after `failures` errors in a row, for `seconds`; then one call tries again.

    Process-wide (Django builds cache objects per thread; the outage is the same for every thread).
    """

    def __init__(self, failures=3, seconds=5.0):
        self.failures = failures
        self.seconds = seconds
        self._lock = threading.Lock()
        self._errors = 0
        self._open_until = 0.0

    @property
    def is_open(self):
        return time.monotonic() < self._open_until

    def failed(self):
        with self._lock:
            self._errors += 1
            if self._errors >= self.failures:
                self._open_until = time.monotonic() + self.seconds
                return True
            return False

    def succeeded(self):
        """True when this success ends a run of failures: what the store missed meanwhile must be caught up."""
        with self._lock:
            recovered = self._errors > 0
            self._errors, self._open_until = 0, 0.0
            return recovered


class Store:
    """The calls the page cache makes on its shared store; each raises Unavailable when the store cannot answer.

    - `get_many(names)` / `set(name, value, seconds)`: entries (pickled), missing names left out;
    - `versions(keys)`: (clock, {key: version}) in one round trip; a key never invalidated has version 0;
    - `bump(keys)`: give each key a new version (one new clock value for all), atomically; returns it.

    Every bump moves the clock, so versions read together with a clock value stay the current ones for as long as
    the clock reads the same: `known(clock)` is what this process has read at that value, and a render that finds
    the clock unchanged takes its versions from there instead of asking the store for each key again.

    A store may find it missed invalidations (it restarted, or calls failed): it then calls `on_sync(full)` before
    answering again; the page cache replays the invalidation journal from the database there.
    """

    on_sync = None  # set by the page cache: a callable(full: bool) that replays the journal

    def __init__(self, breaker=None):
        self.breaker = breaker or Breaker()
        self._sync_needed = None  # None, "missed" (calls failed) or "full" (the server restarted)
        self._syncing = threading.local()
        self._known = (None, {})

    def known(self, clock):
        """{key: version} read at `clock` by this process: current while the clock reads `clock`. Read it, and
        add what `versions()` answered at that clock; a new clock starts an empty one."""
        known_clock, versions = self._known
        if known_clock != clock or len(versions) >= KNOWN_LIMIT:
            versions = {}
            self._known = (clock, versions)  # one assignment: threads see the old pair or the new one
        return versions

    def need_sync(self, full=False):
        self._sync_needed = "full" if full or self._sync_needed == "full" else "missed"

    def _call(self, operation):
        if self.breaker.is_open:
            raise Unavailable("skipped after repeated failures")
        try:
            result = operation()
        except (redis.RedisError, OSError) as error:
            if self.breaker.failed():
                logger.warning(
                    "Page cache store unavailable (%s); skipping it for %ss", error, self.breaker.seconds
                )
            raise Unavailable(str(error)) from error
        if self.breaker.succeeded():
            logger.warning("Page cache store answers again; replaying what it missed")
            self.need_sync()
        if self._sync_needed and not getattr(self._syncing, "active", False):
            self._sync()
            result = operation()
        return result

    def _sync(self):
        full = self._sync_needed == "full"
        self._syncing.active = True
        try:
            if self.on_sync is not None:
                self.on_sync(full)
            self._sync_needed = None
        except Exception as error:  # the database is down too: nothing shared can be trusted until it is back
            logger.warning("Could not replay the invalidation journal into the page cache: %s", error)
            raise Unavailable("not caught up with the invalidation journal") from error
        finally:
            self._syncing.active = False

    # Implemented by each store.

    def get_many(self, names):
        raise NotImplementedError

    def set(self, name, value, seconds):
        raise NotImplementedError

    def versions(self, keys):
        raise NotImplementedError

    def bump(self, keys):
        raise NotImplementedError

    def mark_synced(self):
        """Note that the store now holds every invalidation of the journal (after a full replay)."""

    def clear(self):
        raise NotImplementedError


# Redis.

# Atomic: a new clock value, never lower than the server's time in microseconds (so never one issued before a
# restart from an older snapshot), given to every key. string.format keeps the value an integer in the string.
_BUMP = """
local now = redis.call('TIME')
local clock = math.max(tonumber(redis.call('GET', KEYS[1]) or '0') + 1, tonumber(now[1]) * 1000000 + tonumber(now[2]))
local value = string.format('%d', clock)
for i = 1, #KEYS do redis.call('SET', KEYS[i], value) end
return value
"""


class _Connection(redis.Connection):
    """A connection that notices, when it connects, that the server restarted since the journal was last replayed.

    A restarted Redis comes back empty or from an older snapshot: it may lack invalidations made since, and the
    page cache must replay them before trusting it. The server's run_id changes at every start; the store keeps
    the run_id it was last fully caught up under, so a restart is told apart from a new process connecting.
    """

    store = None  # the RedisStore, set on the subclass each store makes

    def on_connect_check_health(self, check_health=True):
        super().on_connect_check_health(check_health)
        self.send_command("INFO", "server")
        info = self.read_response()
        info = info.decode() if isinstance(info, bytes) else str(info)
        run_id = next(
            (line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("run_id:")), ""
        )
        self.send_command("GET", self.store.name(RUN_MARKER))
        marker = self.read_response()
        marker = marker.decode() if isinstance(marker, bytes) else marker
        self.store.run_id = run_id
        if marker != run_id:
            self.store.need_sync(full=True)


class RedisStore(Store):
    def __init__(self, url, *, timeout=0.1, prefix="pc", breaker=None):
        super().__init__(breaker)
        self.prefix = prefix
        self.run_id = None
        connection_class = type("PageCacheConnection", (_Connection,), {"store": self})
        # No retries, short timeouts: a dead or hung Redis costs at most `timeout`, then the breaker skips it.
        self.pool = redis.ConnectionPool.from_url(
            url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 0),
            connection_class=connection_class,
        )
        self.client = redis.Redis(connection_pool=self.pool)
        self._bump = self.client.register_script(_BUMP)

    def name(self, suffix):
        return f"{self.prefix}:{suffix}"

    def get_many(self, names):
        if not names:
            return {}
        values = self._call(lambda: self.client.mget([self.name(f"e:{name}") for name in names]))
        return {
            name: pickle.loads(value) for name, value in zip(names, values, strict=False) if value is not None
        }

    def set(self, name, value, seconds):
        data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        self._call(lambda: self.client.set(self.name(f"e:{name}"), data, ex=max(1, int(seconds))))

    def versions(self, keys):
        keys = list(keys)
        names = [self.name(CLOCK), *(self.name(f"v:{key}") for key in keys)]
        values = self._call(lambda: self.client.mget(names))
        clock, *found = (int(value) if value is not None else 0 for value in values)
        return clock, dict(zip(keys, found, strict=False))

    def bump(self, keys):
        names = [self.name(CLOCK), *(self.name(f"v:{key}") for key in keys)]
        return int(self._call(lambda: self._bump(keys=names)))

    def mark_synced(self):
        if self.run_id:
            self._call(lambda: self.client.set(self.name(RUN_MARKER), self.run_id))

    def clear(self):
        cursor = 0
        while True:
            cursor, names = self.client.scan(cursor, match=f"{self.prefix}:*", count=500)
            if names:
                self.client.delete(*names)
            if cursor == 0:
                return


class LocalStore(Store):
    """The shared store of a single process: development (runserver) and tests. Same rules, no network."""

    def __init__(self, breaker=None):
        super().__init__(breaker)
        self._lock = threading.Lock()
        self._entries = {}
        self._versions = {}
        self._clock = 0

    def get_many(self, names):
        now = time.monotonic()
        with self._lock:
            found = {name: self._entries.get(name) for name in names}
        return {name: pickle.loads(item[1]) for name, item in found.items() if item and item[0] > now}

    def set(self, name, value, seconds):
        item = (time.monotonic() + seconds, pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
        with self._lock:
            self._entries[name] = item

    def versions(self, keys):
        with self._lock:
            return self._clock, {key: self._versions.get(key, 0) for key in keys}

    def bump(self, keys):
        with self._lock:
            self._clock = max(self._clock + 1, time.time_ns() // 1000)
            for key in keys:
                self._versions[key] = self._clock
            return self._clock

    def clear(self):
        with self._lock:
            self._entries.clear()
            self._versions.clear()
            # Versions went back to 0 without a bump: the clock moves, so no process keeps the ones it knew.
            self._clock = max(self._clock + 1, time.time_ns() // 1000)


class Near:
    """What one process keeps for itself: a bounded, least-recently-used map with expiry times.

    Values are shared between the requests of the process as they are (no copy, no pickling): callers treat them as
    read-only. Whether a value may still be used is decided by the versions in the shared store, never here.
    """

    def __init__(self, entries):
        self.limit = entries
        self._lock = threading.Lock()
        self._items = OrderedDict()

    def get(self, name):
        with self._lock:
            item = self._items.get(name)
            if item is None:
                return None
            if item[0] <= time.monotonic():
                del self._items[name]
                return None
            self._items.move_to_end(name)
            return item[1]

    def set(self, name, value, seconds):
        if self.limit <= 0:
            return
        with self._lock:
            self._items[name] = (time.monotonic() + seconds, value)
            self._items.move_to_end(name)
            while len(self._items) > self.limit:
                self._items.popitem(last=False)

    def clear(self):
        with self._lock:
            self._items.clear()
