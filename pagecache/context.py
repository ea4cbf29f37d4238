"""What a render depends on, collected while it runs: content keys, and the moment it stops being true.

A render (a page, a fragment) opens a collector. Views name the lists they show (`depends_on("sl3", "d20170929")`);
the instances they load name themselves (every model registered with `register` adds its keys when Django builds
an instance); a fragment taken from the cache adds the keys it was stored with. What a collector gathered also
counts for the collector around it, so a page knows the keys of every fragment it printed.
"""

import contextlib
import datetime
from contextvars import ContextVar

from django.db.models.signals import post_init
from django.utils import timezone

_render = ContextVar("pagecache_render", default=None)


class Render:
    """One request's (or one command's) dealings with the cache: its collectors, its reading of the store."""

    def __init__(self, *, fresh=False, assemble=False):
        self.fresh = fresh  # staff: read past every cache, straight from the database
        self.assemble = assemble  # holes are left as ESI includes, filled in on the way out
        self.clock = None  # the store's clock before this render read anything: see pagecache.fragments
        self.versions = {}  # versions read during this request, so that each key is asked for once
        self.known = {}  # versions this process read at `clock` before (pagecache.store.Store.known)
        self.unavailable = False
        self.memo = {}  # fragments computed in this render when nothing is kept between renders: pagecache.fragments
        self._collectors = [Collector()]

    @property
    def collector(self):
        return self._collectors[-1]

    def push(self):
        collector = Collector()
        self._collectors.append(collector)
        return collector

    def pop(self, merge=True):
        collector = self._collectors.pop()
        if merge:
            self.collector.merge(collector)
        return collector

    @contextlib.contextmanager
    def isolated(self):
        """Collect into a collector of its own that the render around it never sees."""
        self.push()
        try:
            yield
        finally:
            self.pop(merge=False)


class Collector:
    __slots__ = ("keys", "expires", "coarse")

    def __init__(self):
        self.keys = set()
        self.expires = None  # an aware datetime, or None
        self.coarse = False  # instance keys are not collected: the render declared broader keys itself

    def merge(self, other):
        self.keys |= other.keys
        self.expire(other.expires)

    def expire(self, when):
        if when is not None and (self.expires is None or when < self.expires):
            self.expires = when


def current():
    """The render under way in this request or task, or None outside one."""
    return _render.get()


def begin(**options):
    return _render.set(Render(**options))


def end(token):
    _render.reset(token)


def depends_on(*keys):
    """Say that what is being rendered shows `keys`: a change to any of them makes it stale."""
    render = _render.get()
    if render is not None:
        render.collector.keys.update(keys)


def expires_at(when):
    """Say that what is being rendered stops being true at `when` (a day ends, an item leaves a window)."""
    render = _render.get()
    if render is not None and when is not None:
        render.collector.expire(when)


def expires_in(seconds):
    expires_at(timezone.now() + datetime.timedelta(seconds=seconds))


def coarse(*keys):
    """Declare `keys` for what is being rendered and collect no instance keys: for pages listing thousands of
    items (sitemaps), whose broad keys already cover every item."""
    render = _render.get()
    if render is not None:
        render.collector.keys.update(keys)
        render.collector.coarse = True


# Instance keys: each registered model says which keys an instance of it stands for.

_registry = {}


def register(model, keys):
    """Instances of `model` loaded during a render add `keys(instance)` to it (e.g. an article: "a12").

    `keys` must read only the instance's own loaded fields (`instance.__dict__`), never a deferred one or a
    relation: it runs for every row Django builds.
    """
    _registry[model] = keys
    post_init.connect(_instance_loaded, sender=model, dispatch_uid=f"pagecache-keys-{model._meta.label}")


def keys_of(instance):
    keys = _registry.get(type(instance))
    return set(keys(instance)) if keys else set()


def _instance_loaded(sender, instance, **_kwargs):
    render = _render.get()
    if render is not None and not render.collector.coarse:
        render.collector.keys.update(_registry[sender](instance))
