"""/api/v1/: the endpoints opted into the page cache like the pages, with the query parameters each one reads."""

from django.views.decorators.http import require_safe
from django.views.generic import RedirectView

from pagecache.middleware import Policy

from .views import ARTICLE_FILTERS, LIST_PARAMETERS, api

POLICIES = {
    "articles": Policy(parameters=(*ARTICLE_FILTERS, *LIST_PARAMETERS)),
    "article": Policy(),
    "sections": Policy(),
    "bylines": Policy(parameters=LIST_PARAMETERS),
    "tags": Policy(parameters=LIST_PARAMETERS),
}

app_name = "api"  # the namespace ninja's own views reverse (api.urls_namespace)
urlpatterns = api.urls[0]
for _pattern in urlpatterns:
    if _pattern.name in POLICIES:
        _pattern.callback.pagecache = POLICIES[_pattern.name]
    elif _pattern.name == "api-root":
        # Ninja's root only answers 404 (its route exists for reversing): a person who opens it wants the docs.
        _pattern.callback = require_safe(RedirectView.as_view(pattern_name="api:openapi-view"))
    else:
        # Ninja's schema and docs views answer any method; the API is read-only for everyone.
        _pattern.callback = require_safe(_pattern.callback)
