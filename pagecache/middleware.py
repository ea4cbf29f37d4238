"""The page cache: anonymous GET/HEAD of public views served whole from the cache, with their keys and CDN headers.

Only views marked `@cacheable` are cached, each keyed by its path and the query parameters it declares it reads
(`?utm_source=…` shares the page; `?page=2` and the sitemap's `?p=2` do not). Every response of such a view names
its content keys in `Surrogate-Key` and `xkey`, so an edge cache in front purges exactly what an edit changed.

Who bypasses it: staff with a valid session (checked against the session store: a made-up `sessionid` or any other
cookie gets the cached page), and every request to a view that is not marked (the admin, previews).
"""

import dataclasses
import functools
import hashlib
import re
import time
from types import SimpleNamespace

from django.conf import settings
from django.contrib import auth
from django.db import DatabaseError
from django.http import HttpResponse
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, urlencode
from django.utils.module_loading import import_string

from . import conf, holes, journal
from .context import begin, current, end
from .fragments import EVERYTHING, Entry, computed, expiry, keep, lookup, start_clock, versions_after
from .store import Unavailable


@dataclasses.dataclass(frozen=True)
class Policy:
    parameters: tuple = ()  # the query parameters the view reads: each value is its own page
    not_found: bool = False  # its 404 is an answer about content too (a dated URL): keep it like a page


def cacheable(parameters=(), *, not_found=False):
    """Mark a public view: its anonymous responses are cached under their path and `parameters`, with keys."""
    policy = Policy(tuple(parameters), not_found)

    def mark(view):
        view.pagecache = policy
        return view

    return mark


@functools.lru_cache(maxsize=4096)
def path_policy(_urlconf, path):
    """The policy of the view `path` leads to, or None: remembered, since it depends on the URL patterns alone (every
    request asked it before Django resolves the same path again)."""
    language = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            match = resolve(path)
    except Resolver404:
        return None
    return policy_of(match.func)


def policy_of(view):
    return getattr(view, "pagecache", None) or getattr(getattr(view, "view_class", None), "pagecache", None)


# Headers a stored page keeps; the rest are made again when it is served (caching headers, length, validators) or
# added by the middleware outside this one (security headers).
DROPPED_HEADERS = {
    "cache-control",
    "content-length",
    "date",
    "etag",
    "expires",
    "last-modified",
    "set-cookie",
    "surrogate-control",
    "surrogate-key",
    "vary",
    "xkey",
    "x-page-cache",
}
# What the content of a public page never varies on for an anonymous reader (the language is in the path).
IRRELEVANT_VARY = {"cookie", "accept-language"}
ESI_INCLUDE = re.compile(rb'<esi:include src="([^"]+)"/>')


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        policy = self.policy(request)
        fresh = policy is None or self.is_staff(request)
        enabled = conf.options()["ENABLED"]
        # Holes are left as includes when this cache fills them on the way out, or when an edge in front does.
        assemble = not fresh and (enabled or accepts_esi(request))
        token = begin(fresh=fresh, assemble=assemble)
        try:
            if policy is None:
                return self.get_response(request)
            if fresh:
                response = self.get_response(request)
                patch_cache_control(response, private=True, no_cache=True)
                return response
            request.get_host()  # a page answers only the hosts the site serves, from the cache too
            journal.check_missed()
            render = current()
            name = page_name(request, policy)
            if enabled:
                entry = lookup(render, name, conf.near_pages())
                if entry is not None:
                    return deliver(request, entry, render, "hit")
            start_clock(render)
            response = self.get_response(request)
            if not storable(response, policy):
                if response.status_code >= 400 or not response.has_header("Cache-Control"):
                    patch_cache_control(response, no_cache=True)
                return response
            return self.finish(request, response, name, render, enabled)
        finally:
            end(token)

    @staticmethod
    def policy(request):
        if request.method not in ("GET", "HEAD"):
            return None
        return path_policy(get_urlconf() or settings.ROOT_URLCONF, request.path_info)

    @staticmethod
    def is_staff(request):
        """A valid session of an active staff member (a junk or expired cookie is no session at all)."""
        key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if not key:
            return False
        session = import_string(f"{settings.SESSION_ENGINE}.SessionStore")(key)
        try:
            user = auth.get_user(SimpleNamespace(session=session))
        except DatabaseError:
            return False  # the database is away: everyone reads the cached pages
        return user.is_active and user.is_staff

    @staticmethod
    def finish(request, response, name, render, enabled):
        page = {
            "status": response.status_code,
            "body": response.content,
            "headers": {
                header: value for header, value in response.items() if header.lower() not in DROPPED_HEADERS
            },
            "vary": [
                value.strip()
                for value in response.get("Vary", "").split(",")
                if value.strip() and value.strip().lower() not in IRRELEVANT_VARY
            ],
            "stored": int(time.time()),
        }
        page["holes"] = [src.decode() for src in ESI_INCLUDE.findall(page["body"])]
        page["etag"] = None if page["holes"] else _etag(page["body"])
        collector = render.collector
        entry = keep(render, name, page, collector, conf.near_pages()) if enabled else None
        if entry is None:
            # Not kept (the page cache is off, the store is away, or it raced an edit): still described to the
            # edge, with no time to keep it if it raced.
            raced = render_raced(render, collector)
            keys = tuple(sorted(collector.keys | {EVERYTHING}))
            entry = Entry(page, keys, (), timezone.now() if raced else expiry(collector, keys))
        return deliver(request, entry, render, "miss")


def storable(response, policy):
    cache_control = response.get("Cache-Control", "").lower()
    # DEBUG's 404 is Django's technical page, not the site's: never kept.
    not_found = response.status_code == 404 and policy.not_found and not settings.DEBUG
    return (
        (response.status_code == 200 or not_found)
        and not response.streaming
        and not response.cookies
        and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
    )


def render_raced(render, collector):
    """Whether a key the render collected got a new version after it started (an edit committed meanwhile)."""
    if render.unavailable or render.clock is None:
        return False
    try:
        versions = versions_after(render, tuple(collector.keys))
    except Unavailable:
        return False
    return any(version > render.clock for version in versions.values())


def page_query(request, policy):
    """The part of the query string the view reads, in a stable order: what tells its pages apart."""
    return urlencode([(name, value) for name in policy.parameters for value in request.GET.getlist(name)])


def page_name(request, policy):
    return entry_name(request.path, page_query(request, policy))


def entry_name(path, query=""):
    return "p:" + hashlib.md5(f"{path}?{query}".encode(), usedforsecurity=False).hexdigest()


def _etag(body):
    return f'"{hashlib.md5(body, usedforsecurity=False).hexdigest()}"'


def deliver(request, entry, render, outcome):
    """The HTTP response for a page entry: its holes filled (or left to the edge), its keys and caching headers."""
    page = entry.value
    body, keys, expires, stored = page["body"], set(entry.keys), entry.expires, page["stored"]
    esi = bool(page["holes"]) and accepts_esi(request)
    if page["holes"] and not esi:
        for path in page["holes"]:
            hole = hole_entry(render, path)
            body = body.replace(holes.include_tag(path).encode(), hole.value["body"])
            keys |= set(hole.keys)
            expires = min(expires, hole.expires)
            stored = max(stored, hole.value["stored"])
    response = HttpResponse(body, status=page["status"])
    for header, value in page["headers"].items():
        response[header] = value
    if page["vary"]:
        response["Vary"] = ", ".join(page["vary"])
    option = conf.options()
    patch_cache_control(
        response,
        public=True,
        max_age=option["BROWSER_SECONDS"],
        s_maxage=max(0, int(entry_seconds(expires))),
        stale_if_error=option["STALE_IF_ERROR_SECONDS"],
    )
    response["Surrogate-Key"] = response["xkey"] = " ".join(sorted(keys))
    response["X-Page-Cache"] = outcome
    if esi:
        response["Surrogate-Control"] = 'content="ESI/1.0"'
        return response
    etag = page["etag"] if not page["holes"] else _etag(body)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(stored)
    if page["status"] != 200:
        return response
    return get_conditional_response(request, etag=etag, last_modified=stored, response=response)


def describe(response, keys, seconds=None):
    """Give a public response made outside the page cache (a redirect) the same edge headers as a cached page."""
    option = conf.options()
    patch_cache_control(
        response,
        public=True,
        max_age=option["BROWSER_SECONDS"],
        s_maxage=option["SECONDS"] if seconds is None else seconds,
        stale_if_error=option["STALE_IF_ERROR_SECONDS"],
    )
    response["Surrogate-Key"] = response["xkey"] = " ".join(sorted({*keys, EVERYTHING}))
    return response


def accepts_esi(request):
    """An edge cache in front that fills Edge Side Includes itself (our VCL says so in Surrogate-Capability)."""
    return "ESI/1.0" in request.headers.get("Surrogate-Capability", "")


def entry_seconds(expires):
    return (expires - timezone.now()).total_seconds()


def hole_entry(render, path):
    """The entry of the hole at `path` (its own page), from the cache or rendered now."""
    name = entry_name(path)
    entry = lookup(render, name, conf.near_pages())
    if entry is not None:
        return entry
    language = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
    with translation.override(language):
        match = resolve(path)
        html, collector = computed(
            render, lambda: holes.render(match.kwargs["name"], match.kwargs.get("arg", ""))
        )
    page = {
        "status": 200,
        "body": html.encode(),
        "headers": {"Content-Type": "text/html; charset=utf-8", "X-Robots-Tag": "noindex"},
        "vary": [],
        "stored": int(time.time()),
        "holes": [],
    }
    page["etag"] = _etag(page["body"])
    entry = keep(render, name, page, collector, conf.near_pages())
    if entry is None:
        keys = tuple(sorted(collector.keys | {EVERYTHING}))
        entry = Entry(
            page, keys, (), timezone.now() if render_raced(render, collector) else expiry(collector, keys)
        )
    return entry
