from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from articles.workflow import reviewers

from .models import Section


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "is_active", "desk"]
    list_editable = ["position", "is_active"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["editors"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("editors")

    def get_readonly_fields(self, request, obj=None):
        # Who sits on which desk decides who may publish where: a chief editor's call, not each editor's own.
        return [] if request.user.has_perm("sections.assign_desk") else ["editors"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "editors":
            kwargs["queryset"] = reviewers()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("desk editors"))
    def desk(self, section):
        return (
            ", ".join(editor.get_full_name() or editor.get_username() for editor in section.editors.all())
            or "—"
        )
