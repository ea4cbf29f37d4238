import logging

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Max
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag as UnusedTaggitTag

from . import desks, notifications, previews, renditions, revisions, steps, workflow
from .admin_views import ArticleWorkflowViews
from .forms import CONFLICT_MESSAGE, RELATED_NOT_VISIBLE, ArticleAdminForm, BylineForm, PhotoForm
from .models import (
    WORDS_PER_MINUTE,
    Article,
    ArticleByline,
    ArticleTransition,
    Byline,
    Embed,
    OutgoingEmail,
    Photo,
    PullQuote,
    Revision,
    Status,
    Tag,
)
from .people import PersonFilter, display_name
from .sanitizer import html_to_text, sanitize
from .templatetags.news import zoned_time

logger = logging.getLogger(__name__)
NOT_YOURS = _("This article is not published and is not yours: only its authors and the editors open it.")


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


class EmbedInline(admin.StackedInline):
    model = Embed
    extra = 0
    fields = ["url", "provider_name", "caption", "placement"]
    readonly_fields = ["provider_name"]

    @admin.display(description=_("provider"))
    def provider_name(self, embed):
        return embed.get_provider_display() if embed.pk else "—"


class PullQuoteInline(admin.StackedInline):
    model = PullQuote
    extra = 0
    fields = ["text", "attribution_name", "attribution_title", "placement"]


# Articles are tagged with articles.Tag (through TaggedArticle); taggit's own tag table stays empty. Its admin
# would only add a second "Tags" page and a merge view that checks no permission at all (any staff member could
# create and merge tags there), so it is taken out.
if admin.site.is_registered(UnusedTaggitTag):
    admin.site.unregister(UnusedTaggitTag)


class MediaStorageFailureMixin:
    """A save whose photos the media storage fails to take answers with the form again, its text kept."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            with renditions.kept_only_if_saved():
                return super().changeform_view(request, object_id, form_url, extra_context)
        except renditions.STORAGE_ERRORS as error:
            # The storage failed half-way through the save: the transaction rolled back and the files it wrote
            # are gone again. The same submission once more, its new images refused: the form, with its text.
            logger.warning("Save refused: the media storage failed (%s)", error)
            with renditions.after_storage_failure():
                return super().changeform_view(request, object_id, form_url, extra_context)


class ArticleChangeList(ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        # The bylines column, for the whole page in two queries; the article's own pages load what they show.
        return super().get_queryset(request, exclude_parameters).prefetch_related("byline_links__byline")


@admin.register(Article)
class ArticleAdmin(MediaStorageFailureMixin, ArticleWorkflowViews, admin.ModelAdmin):
    form = ArticleAdminForm
    save_on_top = True
    list_display = ["title", "section", "state", "publication_time", "byline_names"]
    list_filter = ["status", "section", ("assigned_editor", PersonFilter), "bylines"]
    list_select_related = ["section", "assigned_editor"]
    # Half Django's 100: the list's cost is its rows (docs/performance.md), and 50 already fill several screens.
    list_per_page = 50
    # Django counts the whole table a second time on every list for "(N total)"; "Show all" does without it.
    show_full_result_count = False
    search_fields = ["title", "lead", "slug"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["related"]
    inlines = [ArticleBylineInline, PhotoInline, EmbedInline, PullQuoteInline]
    actions = ["approve_selected", "publish_selected_now"]

    class Media:
        css = {"all": ["css/admin.css"]}
        js = ["js/article_aids.js"]

    # Who sees and edits what.

    def get_queryset(self, request):
        return workflow.visible_articles(request.user, super().get_queryset(request))

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    def get_object(self, request, object_id, from_field=None):
        article = super().get_object(request, object_id, from_field)
        if article is None and from_field is None and str(object_id).isdigit():
            # Someone else's draft: refuse plainly rather than pretend it does not exist.
            if Article.objects.filter(pk=object_id).exists():
                raise PermissionDenied(NOT_YOURS)
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
        main = ["title", "slug", "section", "lead", "body", "writing_aids"]
        topics = ["tags", "related"]
        if obj is not None:
            if self.has_change_permission(request, obj):
                main.append("opened_version")
            else:
                main[4] = "body_text"  # read, not edited: the body as readers see it, not its markup
                topics[-1] = "related_titles"
                # Django's read-only field would print every linked title, a colleague's draft included.
                obj.related_for_viewer = workflow.visible_articles(request.user, obj.related.all())
        return [
            (None, {"fields": main}),
            (_("Topics"), {"fields": topics}),
            (
                _("Search engines and sharing"),
                {
                    "fields": ["seo_title", "seo_description"],
                    "description": _(
                        "How the article appears in search results and when shared. Left empty, the title and the "
                        "lead are used."
                    ),
                },
            ),
        ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "related":
            # The choices, the ids accepted and the selected options printed back: only what this user may see.
            kwargs["queryset"] = workflow.visible_articles(request.user)
            kwargs["error_messages"] = {"invalid_choice": RELATED_NOT_VISIBLE}
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # The slug stays editable after publication: the old address then leads to the new one (redirects).
        return ["body_text", "writing_aids", "related_titles"]

    @admin.display(description=_("length"))
    def writing_aids(self, article):
        """The length and reading time as saved; static/js/article_aids.js updates it while the text is typed."""
        one = ngettext(
            "%(words)s word · about %(minutes)s min read", "%(words)s words · about %(minutes)s min read", 1
        )
        other = ngettext(
            "%(words)s word · about %(minutes)s min read", "%(words)s words · about %(minutes)s min read", 2
        )
        words = article.word_count
        shown = (one if words == 1 else other) % {"words": words, "minutes": article.reading_minutes}
        return format_html(
            '<output class="writing-aids" data-one="{}" data-other="{}" data-words-per-minute="{}">{}</output>',
            one,
            other,
            WORDS_PER_MINUTE,
            shown,
        )

    @admin.display(description=_("body"))
    def body_text(self, article):
        return format_html('<div class="readonly-body">{}</div>', article.body_html)

    @admin.display(description=_("related articles"))
    def related_titles(self, article):
        visible = getattr(article, "related_for_viewer", Article.objects.none())
        return format_html_join(", ", "{}", ((item.title,) for item in visible)) or "—"

    def view_on_site(self, article):
        """The public page once readers can see it; before that the Preview link is the way to look."""
        return article.stored_url()

    # Saving: the version check is in ArticleAdminForm.clean, under a row lock held until the transaction ends.

    def save_model(self, request, obj, form, change):
        # Who last edited the text (the four-eyes rule, who moved an address). Stamped before the save, which may
        # move the article; a save that changes nothing (a workflow button pressed) edits nothing.
        form.edited = not change or self._text_changed(form)
        if form.edited:
            obj.last_edited_by = request.user
        if change:
            obj.version = form.locked_version + 1
            if self._may_start_review(request, obj):
                form.snapshot_before = revisions.snapshot(Article.objects.get(pk=obj.pk))
        else:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @staticmethod
    def _text_changed(form):
        changed = set(form.changed_data) - {"opened_version", "body"}
        if "body" in form.changed_data:
            # CKEditor rewrites markup it did not change (line breaks, entities): compare what readers read.
            before, after = form.initial.get("body") or "", form.cleaned_data.get("body") or ""
            if html_to_text(sanitize(before)) != html_to_text(sanitize(after)):
                changed.add("body")
        return bool(changed)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        if not form.edited and any(formset.has_changed() for formset in formsets):  # a caption, a byline
            Article.objects.filter(pk=article.pk).update(last_edited_by=request.user)
            article.last_edited_by = request.user
        if not change:
            self._credit_author(request.user, article)
        current = revisions.snapshot(article)
        revisions.record(article, request.user, Revision.Kind.SAVED, document=current)
        before = getattr(form, "snapshot_before", None)
        if before is not None and any(field.changed for field in revisions.compare(before, current)):
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
        return request.user.has_perm(desks.REVIEW) and not workflow.is_author(request.user, article)

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
        try:
            workflow.check(Article.objects.get(pk=article.pk), name, request.user)
        except workflow.TransitionNotAllowed as refusal:
            if refusal.reason != workflow.TransitionNotAllowed.INCOMPLETE:
                # The save itself may have changed the answer: whoever just edited the text needs a second pair
                # of eyes. (What the article still lacks, the step's own page lists.)
                messages.warning(request, str(refusal))
                return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))
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
        offered = [
            (step, reverse("admin:articles_article_transition", args=[article.pk, step.name]))
            for step in workflow.available(article, user)
        ]
        history = list(
            article.transitions.select_related("user", "assigned_editor").order_by("-at", "-pk")[:100]
        )
        context = {
            "state": Status(article.status).label,
            "status": article.status,
            "steps": offered,
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
        if not article.published_at:
            return "—"
        # The time and the day on one line, the zone under them if the column is narrow: two lines, not three.
        moment, zone = zoned_time(article.published_at).rsplit(" ", 1)
        return format_html('<span class="nowrap">{}</span> {}', moment, zone)

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
        return list(steps.LABELS.items())

    def queryset(self, request, queryset):
        return queryset.filter(name=self.value()) if self.value() else queryset


@admin.register(ArticleTransition)
class ArticleTransitionAdmin(admin.ModelAdmin):
    """The audit log: read-only, filterable by step, person and date."""

    list_display = ["when", "article_link", "step", "states", "by", "comment_excerpt"]
    list_filter = [TransitionNameFilter, ("user", PersonFilter), "at"]
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

    @admin.display(description=_("by"), ordering="user__first_name")
    def by(self, record):
        return display_name(record.user) or "—"

    @admin.display(description=_("transition"), ordering="name")
    def step(self, record):
        return record.label

    @admin.display(description=_("from → to"))
    def states(self, record):
        return f"{record.get_from_state_display()} → {record.get_to_state_display()}"

    @admin.display(description=_("comment"))
    def comment_excerpt(self, record):
        return record.comment if len(record.comment) <= 120 else record.comment[:119] + "…"


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """The workflow e-mails, and above all those the mail server has not taken yet: for operators."""

    list_display = ["created_at", "recipient", "subject", "sent_at", "attempts", "last_error"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["recipient", "subject"]
    readonly_fields = [field.name for field in OutgoingEmail._meta.fields]
    actions = ["send_now"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send the selected e-mails again now"))
    def send_now(self, request, queryset):
        sent, failed = notifications.send(
            [email.pk for email in queryset.filter(sent_at__isnull=True)], due_only=True
        )
        self.message_user(
            request, gettext("Sent: %(sent)d. Failed again: %(failed)d.") % {"sent": sent, "failed": failed}
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("send_now", None)
        return actions


@admin.register(Byline)
class BylineAdmin(MediaStorageFailureMixin, admin.ModelAdmin):
    form = BylineForm
    list_display = ["name", "role", "user"]
    search_fields = ["name", "role"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
