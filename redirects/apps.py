from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RedirectsConfig(AppConfig):
    name = "redirects"
    verbose_name = _("Redirects")

    def ready(self):
        from articles.signals import address_changed

        from .models import follow_moved_article

        address_changed.connect(follow_moved_article, dispatch_uid="redirects.follow_moved_article")

        from django.db.models.signals import post_delete, post_save, pre_save

        from .models import Redirect, redirects_changed, remember_answer

        # Every cached redirect and every cached 404 name this key: a new, changed or removed redirect purges them.
        pre_save.connect(remember_answer, sender=Redirect, dispatch_uid="redirects.remember")
        post_save.connect(redirects_changed, sender=Redirect, dispatch_uid="redirects.changed")
        post_delete.connect(redirects_changed, sender=Redirect, dispatch_uid="redirects.deleted")
