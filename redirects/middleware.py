"""Old addresses answer 301 to where their content is now (redirects.models)."""

from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect
from django.utils import translation

from articles import cachekeys
from articles.cachekeys import REDIRECTS
from pagecache.middleware import describe

from .models import Redirect


class RedirectMiddleware:
    """Looks an address up only where the site has no page for it (a 404), so a page that is found never waits
    for it: when a view finds nothing (an article's former address), before the 404 page is rendered; when no route
    matches, once it is. Before the view only when the address carries a parameter of an older site that no page
    here reads (settings.NEWSROOM["REDIRECT_QUERY_PARAMETERS"], e.g. WordPress's `?p=123` on the front page).

    It sits outside the page cache, which keys pages without such parameters. The answer is public and
    cacheable like the pages it stands for.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        legacy = settings.NEWSROOM["REDIRECT_QUERY_PARAMETERS"]
        if legacy and any(name in request.GET for name in legacy):
            answer = self._answer(request, with_query_only=True)
            if answer is not None:
                return answer
        response = self.get_response(request)
        if response.status_code == 404 and not getattr(request, "_redirect_asked", False):
            return self._answer(request) or response
        return response

    def process_exception(self, request, exception):
        """A view found nothing (an article's former address, most often): answer before a 404 page is rendered."""
        if isinstance(exception, Http404) and request.method in ("GET", "HEAD"):
            request._redirect_asked = True
            return self._answer(request)
        return None

    def _answer(self, request, with_query_only=False):
        query = request.META.get("QUERY_STRING", "")
        language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        for redirect in Redirect.objects.for_request(
            request.path_info, query, with_query_only=with_query_only
        ):
            url = redirect.destination(language)
            if url is None:
                continue  # its article is not online: the old address is as gone as the article
            if query and "?" not in redirect.old_path and "?" not in url:
                url = f"{url}?{query}"  # what the reader's link carried (a page number, a campaign tag)
            # Kept by an edge like a page, until a redirect changes or its article moves or goes offline.
            keys = {REDIRECTS, *([cachekeys.article(redirect.article_id)] if redirect.article_id else [])}
            return describe(HttpResponsePermanentRedirect(url), keys)
        return None
