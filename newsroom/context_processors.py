from django.conf import settings
from django.utils.functional import SimpleLazyObject

from articles.models import latest_articles, site_updated_at
from sections.models import navigation


def site(request):
    """The site's chrome: its name, navigation and update stamp, queried only when a template prints them."""
    return {
        "site_name": settings.NEWSROOM["SITE_NAME"],
        "nav_sections": SimpleLazyObject(navigation),
        "site_updated_at": SimpleLazyObject(site_updated_at),
        # Only the pages with a "Latest news" column print it.
        "latest_articles": SimpleLazyObject(latest_articles),
    }
