from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "exchange"
    verbose_name = _("Content export and import")

    def ready(self):
        from . import kinds  # noqa: F401 - registers the site's own kinds of record
