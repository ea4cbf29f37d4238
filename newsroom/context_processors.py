from django.conf import settings
from django.utils.functional import SimpleLazyObject

from sections.models import navigation


def site(request):
    """The site's chrome: its name, navigation and update stamp, queried only when a template prints them."""
    return {
        "site_name": settings.NEWSROOM["SITE_NAME"],
        "nav_sections": SimpleLazyObject(navigation),
    }
