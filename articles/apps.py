from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        from . import cachekeys, workflow

        checks.register(workflow.check_publish_checklist)
        cachekeys.connect()

        from . import search  # noqa: F401 - connects the receivers that keep search documents current
