from django.contrib import admin

from .models import ImportedPost


@admin.register(ImportedPost)
class ImportedPostAdmin(admin.ModelAdmin):
    """Where each imported article came from: read-only, the import command alone writes these rows."""

    list_display = ["post_id", "article", "status", "permalink", "updated_at"]
    list_filter = ["site", "status"]
    search_fields = ["permalink", "=post_id", "article__title"]
    list_select_related = ["article"]
    readonly_fields = [
        "site",
        "post_id",
        "article",
        "permalink",
        "status",
        "local_date",
        "gmt_date",
        "embeds",
        "imported_at",
        "updated_at",
    ]
    exclude = ["digest", "article_version"]
    date_hierarchy = "imported_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
