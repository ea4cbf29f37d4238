"""The newsroom's admin site: Django's, with a "view on site" redirect that asks the model's admin first.

Django's own `admin/r/<content type>/<id>/` redirects any staff member to any object's get_absolute_url(). For
an article that readers cannot see, that address carries the slug (the title) of a draft, so a reporter could
read the titles of a colleague's drafts by counting ids.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404
from django.urls import path


class NewsroomAdminSite(admin.AdminSite):
    def get_urls(self):
        urls = super().get_urls()
        guarded = path(
            "r/<path:content_type_id>/<path:object_id>/",
            self.admin_view(self.view_on_site),
            name="view_on_site",
        )
        return [guarded if getattr(url, "name", None) == "view_on_site" else url for url in urls]

    def view_on_site(self, request, content_type_id, object_id):
        """Only objects this user may see in the admin, and only where their admin offers a public page."""
        # Imported here: this module is loaded with the app registry, before any model may be.
        from django.contrib.contenttypes import views as contenttype_views
        from django.contrib.contenttypes.models import ContentType

        try:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
        except (ObjectDoesNotExist, ValueError):
            raise Http404 from None
        model_admin = self._registry.get(model)
        if model_admin is None:
            raise Http404
        try:
            obj = model_admin.get_object(request, object_id)
        except PermissionDenied:
            raise Http404 from None  # the same answer as for an id that does not exist
        if obj is None or not model_admin.has_view_permission(request, obj):
            raise Http404
        if not model_admin.get_view_on_site_url(obj):
            raise Http404
        return contenttype_views.shortcut(request, content_type_id, object_id)


class NewsroomAdminConfig(AdminConfig):
    default_site = "newsroom.admin_site.NewsroomAdminSite"
