from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrontPageConfig(AppConfig):
    name = "frontpage"
    verbose_name = _("Front page")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from exchange.kinds import USER, Kind, register

        # The arrangement travels in the content archive (docs/export-format.md).
        register(Kind("front_page", "frontpage.FrontPage", after=(USER,)))
        register(Kind("front_page_slot", "frontpage.Slot", after=("front_page", "article", "section")))

        from .models import FrontPage, Slot, arrangement_changed

        # However the arrangement changes (the admin, load_demo, the shell), the home page learns of it.
        for model in (FrontPage, Slot):
            post_save.connect(arrangement_changed, sender=model, dispatch_uid=f"frontpage-{model.__name__}")
            post_delete.connect(
                arrangement_changed, sender=model, dispatch_uid=f"frontpage-del-{model.__name__}"
            )
