"""The page cache's own addresses: holes for the edge to include, the edge's session check, and a health check."""

import time

from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache

from . import holes
from .middleware import PageCacheMiddleware, cacheable


@cacheable()
def hole(request, name, arg=""):
    """One hole, for an edge cache filling an Edge Side Include (and for anyone asking: it is public)."""
    if not holes.exists(name):
        raise Http404
    response = HttpResponse(holes.render(name, arg))
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
def edge_session(request):
    """For the edge: does this request carry a valid staff session? Varnish keeps the answer a minute per cookie,
    passes staff to the app and serves everyone else (any other cookie, a made-up session) from its cache."""
    response = HttpResponse(status=204)
    response["X-Staff"] = "1" if PageCacheMiddleware.is_staff(request) else "0"
    return response


_health = {"checked": 0.0, "ok": False}


@never_cache
def health(request):
    """200 while the database answers (asked at most once a second per process), 503 otherwise: the edge's probe.

    While it says 503, Varnish serves what it holds, however old, and still sends the rest here (the page cache, or
    a page saying the site is briefly unavailable)."""
    now = time.monotonic()
    if now - _health["checked"] >= 1.0:
        _health["checked"] = now
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            _health["ok"] = True
        except DatabaseError:
            _health["ok"] = False
    return HttpResponse(
        "ok" if _health["ok"] else "database unavailable",
        status=200 if _health["ok"] else 503,
        content_type="text/plain",
    )
