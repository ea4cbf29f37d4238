"""Entries: what the cache keeps (a page, a fragment), with the keys it was built from and their versions then.

An entry may be used while every one of its keys still has the version it was stored with, and until it expires.
To store one safely, the store's clock is read before the render reads the database, and the versions of its keys
after: if any is newer than that clock, something it shows changed while it was being built, and it is not kept.
So a process's own copy is never staler than the shared store, and a render racing an edit is never kept.
"""

import dataclasses
import datetime
import logging

from django.utils import timezone

from . import conf
from .context import begin, current, end
from .store import Unavailable

logger = logging.getLogger(__name__)

SCHEDULE = "sched"  # the key of what is set to change by itself at a known time (scheduled articles)
# Every entry's key, and every page's: invalidating it drops everything (after a bulk load, a release whose templates
# changed: `manage.py purges --everything`).
EVERYTHING = "site"


@dataclasses.dataclass(frozen=True)
class Entry:
    value: object
    keys: tuple
    tags: tuple  # the version of each key when the entry was stored
    expires: datetime.datetime

    def seconds_left(self, now=None):
        return (self.expires - (now or timezone.now())).total_seconds()


def fragment(name, compute, *, keys=(), named=False):
    """The value `compute()` returns, kept under `name` until a key it depends on changes.

    Its keys are `keys` and whatever the computation collects (the instances it loads, the lists it declares).
    Staff (fresh renders) and FRAGMENTS=false compute it every time. A fragment that ends up naming no key is not
    kept (nothing would ever make it stale), unless `named`: its name already says all it depends on (a template
    fragment of the values it names, which may be none).
    """
    render = current()
    token = begin() if render is None else None
    try:
        render = current()
        if not keeping(render):
            return once_per_render(render, name, compute, keys)
        entry = lookup(render, f"f:{name}", conf.near_fragments())
        if entry is not None:
            return used(render, entry)
        value, collector = computed(render, compute, keys)
        if collector.keys or named:
            keep(render, f"f:{name}", value, collector, conf.near_fragments())
        else:
            # Nothing it was built from is named: nothing would ever make it stale, so it is not kept.
            logger.warning("Fragment %r names no content key: computed every time, never kept", name)
        return value
    finally:
        if token is not None:
            end(token)


def keeping(render=None):
    """Whether this render uses and keeps fragments (not for staff's fresh renders, nor with FRAGMENTS=false)."""
    render = render or current()
    return render is not None and not render.fresh and conf.options()["FRAGMENTS"]


def kept(name):
    """The value kept under `name` if it is still valid, else None; nothing is computed. For code that can print
    many fragments at once and loads, in one query, what only the missing ones need (articles.cards)."""
    render = current()
    if not keeping(render):
        return None
    entry = lookup(render, f"f:{name}", conf.near_fragments())
    return None if entry is None else used(render, entry)


def used(render, entry):
    """An entry's value, its keys and expiry counted in the render that prints it."""
    render.collector.keys.update(entry.keys)
    render.collector.expire(entry.expires)
    return entry.value


def once_per_render(render, name, compute, keys):
    """Nothing is kept between renders (staff, FRAGMENTS=false), but a fragment one render asks for twice (the
    sections for the menu, then for a block beside it) is computed once: its name says all it depends on."""
    if name in render.memo:
        value, collected, expires = render.memo[name]
        render.collector.keys.update(collected)
        render.collector.expire(expires)
        return value
    value, collector = computed(render, compute, keys)
    render.memo[name] = (value, frozenset(collector.keys), collector.expires)
    return value


def computed(render, compute, keys=()):
    """(value, its collector): `compute()` run in a collector of its own, the clock read before it starts."""
    start_clock(render)
    collector = render.push()
    collector.keys.update(keys)
    try:
        value = compute()
    finally:
        render.pop()
    return value, collector


def start_clock(render):
    """Read the store's clock once per render, before it reads the database (see the module's docstring)."""
    if render.clock is None and not render.unavailable:
        current_versions(render, ())


def current_versions(render, keys):
    """{key: version} for `keys`, each asked of the store at most once per render; None if it cannot answer.

    While the store's clock reads what it read when this render began, the versions this process already read at
    that clock are current (`Store.known`): a page whose fragments were all seen since the last edit anywhere asks
    the store for its clock and nothing else.
    """
    if render.unavailable:
        return None
    read, known = render.versions, render.known
    missing = [key for key in keys if key not in read and key not in known]
    if missing or render.clock is None:
        store = conf.store()
        try:
            clock, found = store.versions(missing)
        except Unavailable:
            render.unavailable = True
            return None
        if render.clock is None:
            render.clock = clock
            render.known = known = store.known(clock)
        read.update(found)
        store.known(clock).update(found)
    return {key: read[key] if key in read else known[key] for key in keys}


def versions_after(render, keys):
    """{key: version} for `keys` now that something was built, in one round trip: the store's clock, with the
    versions this process does not know. While the clock reads what it read when the render began, nothing was
    bumped since, and the versions known are current; once it moved, every key is read again. Raises Unavailable.
    """
    store = conf.store()
    read, known = render.versions, render.known
    clock, found = store.versions([key for key in keys if key not in read and key not in known])
    if clock == render.clock:
        versions = {key: found[key] if key in found else read.get(key, known.get(key)) for key in keys}
    else:
        clock, found = store.versions(keys)
        versions = found
    store.known(clock).update(found)
    return versions


def is_valid(render, entry, now=None):
    if entry.seconds_left(now) <= 0:
        return False
    versions = current_versions(render, entry.keys)
    return versions is not None and all(
        versions[key] == tag for key, tag in zip(entry.keys, entry.tags, strict=False)
    )


def lookup(render, name, near):
    """The entry `name` from this process's memory or the shared store, if it is still valid."""
    entry = near.get(name)
    shared = entry is None
    if shared:
        if render.unavailable:
            return None
        try:
            entry = conf.store().get_many([name]).get(name)
        except Unavailable:
            render.unavailable = True
            return None
        if entry is None:
            return None
    if not is_valid(render, entry):
        return None
    if shared:
        near.set(name, entry, entry.seconds_left())
    return entry


def keep(render, name, value, collector, near):
    """Store `value` under `name` if nothing it shows changed while it was built; return the entry or None."""
    if render.unavailable or render.clock is None:
        return None
    keys = tuple(sorted(collector.keys | {EVERYTHING}))
    try:
        versions = versions_after(render, keys)
    except Unavailable:
        render.unavailable = True
        return None
    if any(version > render.clock for version in versions.values()):
        return None  # an edit of what it shows committed while it was built: the next render keeps it
    render.versions.update(versions)
    entry = Entry(value, keys, tuple(versions[key] for key in keys), expiry(collector, keys))
    seconds = entry.seconds_left()
    if seconds < 1:
        return None
    try:
        conf.store().set(name, entry, seconds)
    except Unavailable:
        render.unavailable = True
        return None
    near.set(name, entry, seconds)
    return entry


def expiry(collector, keys):
    """When an entry with these keys stops being true: the configured time, a time the render named, or the moment
    a scheduled change touching one of its keys happens, whichever comes first."""
    now = timezone.now()
    candidates = [now + datetime.timedelta(seconds=conf.options()["SECONDS"])]
    if collector.expires is not None:
        candidates.append(collector.expires)
    if SCHEDULE not in keys:  # the schedule itself expires at its first change
        due = next_change(set(keys))
        if due is not None:
            candidates.append(due)
    return min(candidates)


# The schedule: changes that happen by themselves at a known time (an article scheduled for 18:00 comes out with no
# edit at 18:00). The content apps provide it; it is a fragment like any other.

_schedule_provider = None


def register_schedule(provider):
    """`provider()` returns [(when, keys)] for the changes to come: when each happens and the keys it touches."""
    global _schedule_provider
    _schedule_provider = provider


def next_change(keys):
    if _schedule_provider is None:
        return None
    # Apart: what the schedule was built from is not what the entry asking about it shows.
    with current().isolated():
        changes = fragment("schedule", _schedule, keys=(SCHEDULE,))
    return next((when for when, touched in changes if touched & keys), None)


def _schedule():
    changes = sorted(_schedule_provider(), key=lambda change: change[0])
    if changes:
        current().collector.expire(changes[0][0])
    return [(when, frozenset(touched)) for when, touched in changes]
