"""The readers' page cache: whole public pages served from Django's cache, never stale after an edit.

Every key embeds a site-wide *generation* number. Any change to published content (an article, its photos,
pull-quotes, bylines or tags, a section, a byline) bumps the generation through model signals, so the next
request renders afresh: no per-URL purging, no list of "affected pages" to get wrong. Scheduled articles need no
edit to appear: cached entries never outlive the next scheduled publication time.
"""

import hashlib
import time

from asgiref.local import Local
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, urlencode

GENERATION_KEY = "newsroom:generation"
# Every query parameter a public page reads. Anything else (utm_*, fbclid, typos) changes nothing on the page, so
# it is left out of the cache key: a story shared with tracking tags is still one cache entry, not one per click.
PAGE_PARAMETERS = ("q", "section", "from", "to", "author", "date", "page")


def page_query(request):
    """The part of a request's query string that can change a public page, in a stable order."""
    return urlencode([(name, value) for name in PAGE_PARAMETERS for value in request.GET.getlist(name)])


def page_cache_settings():
    return settings.NEWSROOM["PAGE_CACHE"]


# Within one request the generation is read once: a page asks for it for its own key and for each fragment, and
# every read is a round trip to Redis. A change made by another process mid-request then shows from the next
# request on, and the page stays consistent with itself; a change made by this request forgets the memo.
_request = Local()


def _request_started(**_signal_kwargs):
    _request.in_request, _request.generation, _request.fresh = True, None, False


def _request_finished(**_signal_kwargs):
    _request.in_request, _request.generation, _request.fresh = False, None, False


request_started.connect(_request_started, dispatch_uid="newsroom.cache.request_started")
request_finished.connect(_request_finished, dispatch_uid="newsroom.cache.request_finished")


def generation() -> int:
    value = getattr(_request, "generation", None)
    if value is None:
        value = cache.get(GENERATION_KEY)
        if value is None:
            # Start from the clock, in milliseconds: a shared cache that was flushed or restarted must not
            # bring back a generation that pages or fragments (here or in another process's memory) were
            # stored under. A generation only grows by one per edit, far slower than the clock.
            initial = time.time_ns() // 1_000_000
            cache.add(GENERATION_KEY, initial, timeout=None)
            value = cache.get(GENERATION_KEY, initial)
        if getattr(_request, "in_request", False):
            _request.generation = value
    return value


def bump_generation(using=None, **_signal_kwargs):
    """Make every cached page and fragment stale at once: now, and again when the transaction commits.

    Between a write and its commit, readers still read the old rows; a page rendered in that moment would be
    stored under the new generation and outlive the change. The second bump, after the commit, retires it.
    """
    _bump()
    if transaction.get_connection(using).in_atomic_block:
        # robust: the change is committed by then; a cache that fails to answer must not turn it into an error.
        transaction.on_commit(_bump, using=using, robust=True)


def _bump():
    _request.generation = None
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not there yet (or evicted): any new value differs from what keys were built with
        cache.set(GENERATION_KEY, generation() + 1, timeout=None)


def seconds_until_next_publication() -> int | None:
    """How long until a scheduled article becomes due (cached per generation), or None when none is scheduled."""
    key = f"newsroom:next-due:{generation()}"
    due = _get_near_or_shared(key, lambda due: _ttl_until(due, page_cache_settings()["SECONDS"]))
    if due is None:
        from articles.models import Article, Status

        due = (
            Article.objects.filter(status=Status.PUBLISHED, published_at__gt=timezone.now())
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        ) or "none"
        _set_near_and_shared(key, due, _ttl_until(due, page_cache_settings()["SECONDS"]))
    return None if due == "none" else max(1, int((due - timezone.now()).total_seconds()) + 1)


def _ttl_until(due, default):
    if due == "none":
        return default
    return max(1, min(default, int((due - timezone.now()).total_seconds()) + 1))


def fragment(name, compute):
    """A value shared by many pages (navigation, update stamp), cached with the same freshness rules as pages."""
    # Staff and anyone with a session get it straight from the database, as does everyone when fragments are off.
    if getattr(_request, "fresh", False) or not page_cache_settings()["FRAGMENTS"]:
        return compute()
    key = f"newsroom:fragment:{name}:{generation()}"
    stored = _get_near_or_shared(key, lambda _stored: cache_timeout())
    if stored is None:
        stored = (compute(),)  # wrapped, so that a computed None is cached too
        _set_near_and_shared(key, stored, cache_timeout())
    return stored[0]


# Fragments are read from the process's own memory first (the "fragments" cache, a bounded LocMemCache), then
# from the shared cache. Their keys carry the generation, which every request reads from the shared cache, so a
# copy in one process can never be staler than the shared one: an edit anywhere changes the keys everywhere, and
# a copy expires no later than the next scheduled publication, like the shared one. What it saves is a round
# trip to Redis for each of the half-dozen fragments of a page.
def _get_near_or_shared(key, timeout_for, near_alias="fragments"):
    near = caches[near_alias]
    value = near.get(key)
    if value is None:
        value = cache.get(key)
        if value is not None:
            near.set(key, value, timeout=timeout_for(value))
    return value


def _set_near_and_shared(key, value, timeout, near_alias="fragments"):
    cache.set(key, value, timeout=timeout)
    caches[near_alias].set(key, value, timeout=timeout)


def cache_timeout() -> int:
    """Seconds a page may be kept: the configured time, cut short by the next scheduled publication."""
    default = page_cache_settings()["SECONDS"]
    due = seconds_until_next_publication()
    return default if due is None else min(default, due)


class PageCacheMiddleware:
    """Serve anonymous GET/HEAD requests for public pages from the cache, with CDN headers and 304s.

    Staff and anyone with a session cookie always get a fresh page. Only plain 200 responses without cookies
    and without `private`/`no-store` (the admin and previews send `never_cache`) are stored.
    """

    EXCLUDED_PREFIXES = (
        "/admin/",
        "/en/admin/",
        "/preview/",
        "/en/preview/",
        "/media/",
        "/static/",
        "/__bench__/",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Staff and anyone with a session see what the database holds now: no cached page, no cached fragment.
        _request.fresh = settings.SESSION_COOKIE_NAME in request.COOKIES
        if not self._cacheable_request(request):
            return self.get_response(request)
        key = self._key(request)
        # The most read pages are also kept in this process's memory, keyed by the generation like fragments.
        entry = _get_near_or_shared(key, lambda _entry: cache_timeout(), near_alias="pages")
        if entry is not None:
            response = self._from_entry(entry)
            response["X-Page-Cache"] = "hit"
            return get_conditional_response(
                request, etag=response["ETag"], last_modified=entry["last_modified"], response=response
            )
        response = self.get_response(request)
        if self._cacheable_response(response):
            last_modified = self._add_validators_and_cdn_headers(response)
            _set_near_and_shared(
                key, self._to_entry(response, last_modified), cache_timeout(), near_alias="pages"
            )
            response["X-Page-Cache"] = "miss"
            return get_conditional_response(
                request, etag=response["ETag"], last_modified=last_modified, response=response
            )
        return response

    def _cacheable_request(self, request):
        return (
            page_cache_settings()["ENABLED"]
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith(self.EXCLUDED_PREFIXES)
        )

    @staticmethod
    def _cacheable_response(response):
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in cache_control
            and "no-store" not in cache_control
            and "no-cache" not in cache_control
        )

    @staticmethod
    def _key(request):
        address = f"{request.path}?{page_query(request)}"
        digest = hashlib.md5(address.encode(), usedforsecurity=False).hexdigest()
        return f"newsroom:page:{generation()}:{digest}"

    @staticmethod
    def _add_validators_and_cdn_headers(response):
        options = page_cache_settings()
        last_modified = int(time.time())
        response["ETag"] = f'"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"'
        response["Last-Modified"] = http_date(last_modified)
        patch_cache_control(
            response,
            public=True,
            max_age=options["BROWSER_SECONDS"],
            s_maxage=options["CDN_SECONDS"],
            stale_while_revalidate=options["CDN_STALE_SECONDS"],
        )
        return last_modified

    @staticmethod
    def _to_entry(response, last_modified):
        return {
            "content": response.content,
            "headers": dict(response.items()),
            "last_modified": last_modified,
        }

    @staticmethod
    def _from_entry(entry):
        response = HttpResponse(entry["content"])
        for header, value in entry["headers"].items():
            response[header] = value
        return response


def connect_invalidation():
    """Bump the generation whenever anything a public page prints changes."""
    from articles.models import (
        Article,
        ArticleByline,
        Byline,
        Correction,
        Embed,
        Photo,
        PullQuote,
        Tag,
        TaggedArticle,
    )
    from sections.models import Section

    models = (
        Article,
        ArticleByline,
        Byline,
        Correction,
        Embed,
        Photo,
        PullQuote,
        Tag,
        TaggedArticle,
        Section,
    )
    for model in models:
        post_save.connect(bump_generation, sender=model, dispatch_uid=f"page-cache-save-{model.__name__}")
        post_delete.connect(bump_generation, sender=model, dispatch_uid=f"page-cache-delete-{model.__name__}")
    m2m_changed.connect(bump_generation, sender=Article.related.through, dispatch_uid="page-cache-related")


class _ReusingRedisClient(RedisCacheClient):
    """Django's client builds a new redis.Redis per call; redis-py 8 fills ~170 response callbacks in each,
    which costs more than the round trip itself. A Redis object is thread-safe, so keep one per pool."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    """The production cache backend: Django's Redis cache with its clients reused."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusingRedisClient
