from django.contrib import admin, messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Max
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag as UnusedTaggitTag

from . import previews, revisions, workflow
from .admin_views import ArticleWorkflowViews
from .forms import CONFLICT_MESSAGE, ArticleAdminForm, BylineForm, PhotoForm
from .models import (
    Article,
    ArticleByline,
    ArticleTransition,
    Byline,
    Photo,
    PullQuote,
    Revision,
    Status,
    Tag,
)
from .templatetags.news import zoned_time


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
            '<img class="photo-preview" src="{}" alt="{}" width="240">', photo.image.url, photo.alt_text
        )


class PullQuoteInline(admin.StackedInline):
    model = PullQuote
    extra = 0
    fields = ["text", "attribution_name", "attribution_title", "placement"]


# Articles are tagged with articles.Tag (through TaggedArticle); taggit's own tag table stays empty. Its admin
# would only add a second "Tags" page and a merge view that checks no permission at all (any staff member could
# create and merge tags there), so it is taken out.
if admin.site.is_registered(UnusedTaggitTag):
    admin.site.unregister(UnusedTaggitTag)


@admin.register(Article)
class ArticleAdmin(ArticleWorkflowViews, admin.ModelAdmin):
    form = ArticleAdminForm
    save_on_top = True
    list_display = ["title", "section", "state", "publication_time", "byline_names"]
    list_filter = ["status", "section", ("assigned_editor", admin.RelatedOnlyFieldListFilter), "bylines"]
    list_select_related = ["section", "assigned_editor"]
    search_fields = ["title", "lead", "slug"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["related"]
    inlines = [ArticleBylineInline, PhotoInline, PullQuoteInline]
    actions = ["approve_selected", "publish_selected_now"]

    class Media:
        css = {"all": ["css/admin.css"]}

    # Who sees and edits what.

    def get_queryset(self, request):
        articles = super().get_queryset(request).prefetch_related("byline_links__byline")
        return workflow.visible_articles(request.user, articles)

    def get_object(self, request, object_id, from_field=None):
        article = super().get_object(request, object_id, from_field)
        if article is None and from_field is None and str(object_id).isdigit():
            # Someone else's draft: refuse plainly rather than pretend it does not exist.
            if Article.objects.filter(pk=object_id).exists():
                raise PermissionDenied
        return article

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return super().has_view_permission(request)
        return workflow.can_view(request.user, obj) or workflow.can_edit(request.user, obj)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return workflow.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        # Only drafts are deleted; what readers have seen is unpublished instead, and stays in the record.
        allowed = super().has_delete_permission(request, obj)
        return allowed and (
            obj is None or (obj.status == Status.DRAFT and workflow.can_edit(request.user, obj))
        )

    def has_approve_permission(self, request):
        return request.user.has_perm("articles.approve_article")

    def has_publish_permission(self, request):
        return request.user.has_perm("articles.publish_article")

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # it would not check each article's state
        return actions

    def get_fieldsets(self, request, obj=None):
        main = ["title", "slug", "section", "lead", "body"]
        if obj is not None:
            if self.has_change_permission(request, obj):
                main.append("opened_version")
            else:
                main[-1] = "body_text"  # read, not edited: the body as readers see it, not its markup
        return [(None, {"fields": main}), (_("Topics"), {"fields": ["tags", "related"]})]

    def get_readonly_fields(self, request, obj=None):
        readonly = ["body_text"]
        if obj is not None and obj.published_on:
            readonly.append("slug")  # part of the published address: readers' links must not break
        return readonly

    @admin.display(description=_("body"))
    def body_text(self, article):
        return format_html('<div class="readonly-body">{}</div>', article.body_html)

    def view_on_site(self, article):
        """The public page once readers can see it; before that the Preview link is the way to look."""
        return article.get_absolute_url() if article.is_published else None

    # Saving: the version check is in ArticleAdminForm.clean, under a row lock held until the transaction ends.

    def save_model(self, request, obj, form, change):
        if change:
            obj.version = form.locked_version + 1
            if self._may_start_review(request, obj):
                form.snapshot_before = revisions.snapshot(Article.objects.get(pk=obj.pk))
        else:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        if not change:
            self._credit_author(request.user, article)
        saved = revisions.record(article, request.user, Revision.Kind.SAVED)
        before = getattr(form, "snapshot_before", None)
        if before is not None and any(field.changed for field in revisions.compare(before, saved.snapshot)):
            # An editor's first real change to someone else's submission starts the review: no more take-backs.
            fresh = workflow.perform(article, "start_review", request.user)
            article.version = fresh.version

    @staticmethod
    def _credit_author(user, article):
        """The reporter who creates an article stands on its bylines, unless they put themselves there."""
        byline = Byline.objects.filter(user=user).first()
        if byline is None or article.byline_links.filter(byline=byline).exists():
            return
        last = article.byline_links.aggregate(last=Max("position"))["last"]
        ArticleByline.objects.create(article=article, byline=byline, position=0 if last is None else last + 1)

    @staticmethod
    def _may_start_review(request, article):
        if article.status != Status.IN_REVIEW or article.review_started_by_id:
            return False
        return request.user.has_perm(workflow.REVIEW) and not workflow.is_author(request.user, article)

    def response_add(self, request, obj, post_url_continue=None):
        return self._then(request, obj) or super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        return self._then(request, obj) or super().response_change(request, obj)

    def _then(self, request, article):
        """A workflow button on the form: the changes are saved; now confirm the step."""
        name = request.POST.get("_then")
        if name not in workflow.TRANSITIONS:
            return None
        messages.success(request, gettext("Your changes are saved."))
        return HttpResponseRedirect(reverse("admin:articles_article_transition", args=[article.pk, name]))

    # The change form: the workflow panel, the history, the conflict.

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        conflict = getattr(form, "conflict", None)
        if conflict is not None and request.method == "POST" and conflict.rejected is None:
            formsets = [inline.formset for inline in context["inline_admin_formsets"]]
            conflict.rejected = revisions.record_rejected(obj, conflict.opened, request.user, form, formsets)
            self._link_conflict_error(form, obj, conflict)
        context["workflow"] = self._workflow_context(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    @staticmethod
    def _link_conflict_error(form, article, conflict):
        """The refusal names where the refused submission went: links to the diff and to the saved version."""
        refusal = CONFLICT_MESSAGE % {"opened": conflict.opened or "?", "current": conflict.current}
        saved = format_html(
            '<a href="{}">{}</a>',
            reverse("admin:articles_article_change", args=[article.pk]),
            gettext("Open the saved version"),
        )
        newest = article.revisions.exclude(kind=Revision.Kind.REJECTED).order_by("-pk").first()
        if newest is None:
            # Imported or bulk-seeded articles have no revision of their own yet: nothing to compare with.
            message = format_html("{} {}", refusal, saved)
        else:
            compare = reverse("admin:articles_article_compare", args=[article.pk])
            message = format_html(
                '{} <a href="{}">{}</a> · {}',
                refusal,
                f"{compare}?a={newest.pk}&b={conflict.rejected.pk}",
                gettext("Compare your changes with the saved version"),
                saved,
            )
        form.errors[NON_FIELD_ERRORS] = form.error_class([message], error_class="nonfield")

    def _workflow_context(self, request, article):
        user = request.user
        if article is None:
            submit = workflow.TRANSITIONS["submit"]
            may_submit = user.has_perm(f"articles.{submit.permission}")
            return {
                "state": Status.DRAFT.label,
                "steps": [(submit, None)] if may_submit else [],
                "editable": True,
            }
        editable = self.has_change_permission(request, article)
        history_visible = workflow.can_see_history(user, article)
        steps = [
            (step, reverse("admin:articles_article_transition", args=[article.pk, step.name]))
            for step in workflow.available(article, user)
        ]
        history = list(
            article.transitions.select_related("user", "assigned_editor").order_by("-at", "-pk")[:100]
        )
        context = {
            "state": Status(article.status).label,
            "status": article.status,
            "steps": steps,
            "editable": editable,
            "history_visible": history_visible,
            "history": history,
            "sent_back": history[0] if history and history[0].name == "send_back" else None,
            "preview_url": reverse("articles:preview", args=[article.pk]),
            "revision_count": article.revisions.count() if history_visible else 0,
            "revisions_url": reverse("admin:articles_article_revisions", args=[article.pk]),
        }
        if history_visible and revisions.published_revision(article):
            context["published_compare_url"] = reverse(
                "admin:articles_article_compare_published", args=[article.pk]
            )
        if user.has_perm("articles.share_preview"):
            links = article.preview_links.filter(revoked_at__isnull=True).select_related("created_by")
            context["preview_links"] = [(link, previews.url(link)) for link in links if link.is_active]
            context["preview_links_url"] = reverse("admin:articles_article_preview_links", args=[article.pk])
        return context

    # The list.

    @admin.display(description=_("state"), ordering="status")
    def state(self, article):
        label = gettext("Scheduled") if article.is_scheduled else article.get_status_display()
        return format_html('<span class="state state-{}">{}</span>', article.status, label)

    @admin.display(description=_("publication time"), ordering="published_at")
    def publication_time(self, article):
        return zoned_time(article.published_at) or "—"

    @admin.display(description=_("bylines"))
    def byline_names(self, article):
        return format_html_join(", ", "{}", ((link.byline.name,) for link in article.byline_links.all()))

    @admin.action(description=_("Approve the selected articles"), permissions=["approve"])
    def approve_selected(self, request, queryset):
        self._take_step(request, queryset, "approve")

    @admin.action(description=_("Publish the selected articles now"), permissions=["publish"])
    def publish_selected_now(self, request, queryset):
        self._take_step(request, queryset, "publish")

    def _take_step(self, request, queryset, name):
        """A step on each selected article through the workflow; the ones it refuses are named."""
        done, refused = 0, []
        for article in queryset:
            try:
                workflow.perform(article, name, request.user)
            except (workflow.TransitionNotAllowed, ValidationError) as error:
                refused.append(f"“{article.title}”: {' '.join(getattr(error, 'messages', [str(error)]))}")
            else:
                done += 1
        label = workflow.TRANSITIONS[name].label
        if done:
            self.message_user(
                request, gettext("%(step)s: %(count)d article(s).") % {"step": label, "count": done}
            )
        for reason in refused:
            self.message_user(request, reason, messages.WARNING)


class TransitionNameFilter(admin.SimpleListFilter):
    title = _("transition")
    parameter_name = "name"

    def lookups(self, request, model_admin):
        steps = [(name, transition.label) for name, transition in workflow.TRANSITIONS.items()]
        return steps + list(workflow.RECORDED_STEPS.items())

    def queryset(self, request, queryset):
        return queryset.filter(name=self.value()) if self.value() else queryset


@admin.register(ArticleTransition)
class ArticleTransitionAdmin(admin.ModelAdmin):
    """The audit log: read-only, filterable by step, person and date."""

    list_display = ["when", "article_link", "step", "states", "user", "comment_excerpt"]
    list_filter = [TransitionNameFilter, ("user", admin.RelatedOnlyFieldListFilter), "at"]
    list_select_related = ["article", "user"]
    search_fields = ["article__title", "comment"]
    date_hierarchy = "at"

    class Media:
        css = {"all": ["css/admin.css"]}

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("at"), ordering="at")
    def when(self, record):
        return zoned_time(record.at)

    @admin.display(description=_("article"), ordering="article__title")
    def article_link(self, record):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:articles_article_change", args=[record.article_id]),
            record.article.title,
        )

    @admin.display(description=_("transition"), ordering="name")
    def step(self, record):
        return record.label

    @admin.display(description=_("from → to"))
    def states(self, record):
        return f"{record.get_from_state_display()} → {record.get_to_state_display()}"

    @admin.display(description=_("comment"))
    def comment_excerpt(self, record):
        return record.comment if len(record.comment) <= 120 else record.comment[:119] + "…"


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
