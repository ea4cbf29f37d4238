from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .forms import BylineForm, PhotoForm
from .models import Article, ArticleByline, Byline, Photo, PullQuote, Tag


class ArticleBylineInline(admin.TabularInline):
    model = ArticleByline
    extra = 0
    min_num = 0
    autocomplete_fields = ["byline"]
    fields = ["byline", "position"]


class PhotoInline(admin.StackedInline):
    model = Photo
    form = PhotoForm
    extra = 0
    fields = ["preview", "image", "caption", "credit", "alt_text", "placement", "is_lead", "position"]
    readonly_fields = ["preview"]

    @admin.display(description=_("preview"))
    def preview(self, photo):
        if not photo.pk or not photo.image:
            return "—"
        return format_html(
            '<img src="{}" alt="{}" width="240">',
            photo.image.url,
            photo.alt_text,
        )


class PullQuoteInline(admin.StackedInline):
    model = PullQuote
    extra = 0
    fields = ["text", "attribution_name", "attribution_title", "placement"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "section", "status", "published_at", "byline_names"]
    list_filter = ["status", "section", "bylines"]
    list_select_related = ["section"]
    search_fields = ["title", "lead", "slug"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["related"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "section", "lead", "body"]}),
        (_("Publication"), {"fields": ["status", "published_at", "correction_note"]}),
        (_("Topics"), {"fields": ["tags", "related"]}),
    ]
    inlines = [ArticleBylineInline, PhotoInline, PullQuoteInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("byline_links__byline")

    @admin.display(description=_("bylines"))
    def byline_names(self, article):
        return format_html_join(", ", "{}", ((link.byline.name,) for link in article.byline_links.all()))

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Byline)
class BylineAdmin(admin.ModelAdmin):
    form = BylineForm
    list_display = ["name", "role", "user"]
    search_fields = ["name", "role"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
