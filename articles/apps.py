from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.utils.translation import gettext_lazy as _


def check_publish_checklist(app_configs, **kwargs):
    """A misspelt item in PUBLISH_CHECKLIST_REQUIRED would silently block nothing: refuse to start instead."""
    from .workflow import CHECKLIST

    unknown = sorted(set(settings.NEWSROOM["PUBLISH_CHECKLIST_REQUIRED"]) - set(CHECKLIST))
    if not unknown:
        return []
    return [
        checks.Error(
            f"PUBLISH_CHECKLIST_REQUIRED names items the checklist does not have: {', '.join(unknown)}.",
            hint=f"Choose among: {', '.join(CHECKLIST)}.",
            id="articles.E001",
        )
    ]


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        checks.register(check_publish_checklist)

        from . import cachekeys

        cachekeys.connect()

        from . import search  # noqa: F401 - connects the receivers that keep search documents current
