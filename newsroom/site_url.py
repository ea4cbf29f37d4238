"""The paper's public address: SITE_URL, or in development the address the server was reached at.

Links that leave the page (e-mails, preview links, feeds, sitemaps, canonical and share tags) name it. Production
sets SITE_URL (the settings refuse to start without it), and every link names the paper's public address whatever
host a request used. In development, left unset, links follow the scheme, host and port each request came to, so
`make run PORT=8101` links to port 8101: the host comes from request.get_host(), which ALLOWED_HOSTS has validated
(any other host is answered 400 before a link is made). Outside a request (a management command) it is
DEVELOPMENT_FALLBACK, the development server's default address.
"""

import contextvars

from django.conf import settings

DEVELOPMENT_FALLBACK = "http://127.0.0.1:8000"

_request_origin = contextvars.ContextVar("request_origin", default=None)


def site_url():
    """The paper's address, without a trailing slash."""
    configured = settings.NEWSROOM["SITE_URL"]
    return (configured or _request_origin.get() or DEVELOPMENT_FALLBACK).rstrip("/")


class RequestOriginMiddleware:
    """Without SITE_URL (development only): remember the origin of the request being answered, for site_url()."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.NEWSROOM["SITE_URL"]:
            return self.get_response(request)
        token = _request_origin.set(f"{request.scheme}://{request.get_host()}")
        try:
            return self.get_response(request)
        finally:
            _request_origin.reset(token)
