from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RedirectsConfig(AppConfig):
    name = "redirects"
    verbose_name = _("Redirects")

    def ready(self):
        from articles.signals import address_changed

        from .models import follow_moved_article

        address_changed.connect(follow_moved_article, dispatch_uid="redirects.follow_moved_article")
