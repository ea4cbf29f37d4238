from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Redirect, Source


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    """Editors keep old addresses working; the ones articles leave behind are added by the site itself."""

    list_display = ["old_path", "leads_to", "source", "changed_by", "changed_at"]
    list_filter = ["source"]
    list_select_related = ["article", "changed_by"]
    search_fields = ["old_path", "target_path", "article__title"]
    autocomplete_fields = ["article"]

    def get_fields(self, request, obj=None):
        fields = ["old_path", "article", "target_path"]
        return fields if obj is None else [*fields, "source", "changed_by", "changed_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["source", "changed_by", "changed_at"]

    @admin.display(description=_("leads to"))
    def leads_to(self, redirect):
        path = redirect.destination_path()
        if redirect.article_id:
            return format_html("{} <span class='quiet'>{}</span>", redirect.article.title, path or "—")
        return path

    def save_model(self, request, obj, form, change):
        obj.changed_by = request.user
        if not change:
            obj.source = Source.MANUAL
        obj.save()
        Redirect.objects.collapse_onto(obj)
