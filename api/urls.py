"""/api/v1/: the endpoints opted into the page cache like the pages, with the query parameters each one reads."""

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
