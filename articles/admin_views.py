"""The article admin's own pages: workflow steps, revisions (list, diff, restore) and shareable preview links.

Mixed into ArticleAdmin, so every page goes through its get_object (the user's articles only) and permissions.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import previews, revisions, workflow
from .forms import TransitionForm
from .models import Article, Revision, Status
from .templatetags.news import newsroom_zone, zoned_time


def _as_seen_by(user, *documents):
    """Snapshots with the related articles this user may not see left out: an editor may have linked a colleague's
    draft to a reporter's article, and its title is not the reporter's to read (the chooser hides it too)."""
    if user.has_perm(workflow.EDIT_ALL):
        return documents
    linked = {item["id"] for document in documents for item in document.get("related", [])}
    visible = set(
        workflow.visible_articles(user, Article.objects.filter(pk__in=linked)).values_list("pk", flat=True)
    )
    return [
        {**document, "related": [item for item in document.get("related", []) if item["id"] in visible]}
        for document in documents
    ]


class ArticleWorkflowViews:
    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/transition/<str:name>/",
                wrap(self.transition_view),
                name="articles_article_transition",
            ),
            path("<int:object_id>/revisions/", wrap(self.revisions_view), name="articles_article_revisions"),
            path(
                "<int:object_id>/revisions/compare/",
                wrap(self.compare_view),
                name="articles_article_compare",
            ),
            path(
                "<int:object_id>/revisions/published/",
                wrap(self.compare_published_view),
                name="articles_article_compare_published",
            ),
            path(
                "<int:object_id>/revisions/<int:revision_id>/restore/",
                wrap(self.restore_view),
                name="articles_article_restore",
            ),
            path(
                "<int:object_id>/preview-links/",
                wrap(self.create_preview_link_view),
                name="articles_article_preview_links",
            ),
            path(
                "<int:object_id>/preview-links/<int:link_id>/revoke/",
                wrap(self.revoke_preview_link_view),
                name="articles_article_revoke_preview_link",
            ),
            *super().get_urls(),
        ]

    # Helpers.

    def _article_for(self, request, object_id, change=False, history=False):
        """The article if this user may see it (its history, change it, when asked): 404 or 403 otherwise."""
        article = self.get_object(request, str(object_id))
        if article is None:
            raise Http404
        allowed = (
            self.has_change_permission(request, article)
            if change
            else self.has_view_permission(request, article)
        )
        if not allowed or (history and not workflow.can_see_history(request.user, article)):
            raise PermissionDenied
        return article

    def _change_url(self, article):
        return reverse("admin:articles_article_change", args=[article.pk])

    def _page(self, request, article, template, title, **context):
        return TemplateResponse(
            request,
            f"admin/articles/article/{template}",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": article,
                "title": title,
                "change_url": self._change_url(article),
                "has_view_permission": self.has_view_permission(request),
                **context,
            },
        )

    # Workflow steps.

    def transition_view(self, request, object_id, name):
        """Confirm one step, with what it asks for (comment, editor, time, note), and take it."""
        article = self._article_for(request, object_id)
        missing = []
        try:
            transition = workflow.check(article, name, request.user)
        except workflow.TransitionNotAllowed as refusal:
            if refusal.reason != workflow.TransitionNotAllowed.INCOMPLETE:
                return self._refused(request, article, refusal)
            # The step's own page says what the article lacks, and offers no button until it is filled in.
            transition, missing = workflow.TRANSITIONS[name], refusal.missing
        form = TransitionForm(transition, article, request.POST if request.method == "POST" else None)
        if request.method == "POST" and not missing and form.is_valid():
            try:
                article = workflow.perform(article, name, request.user, **form.options())
            except workflow.TransitionNotAllowed as refusal:
                if refusal.reason != workflow.TransitionNotAllowed.INCOMPLETE:
                    return self._refused(request, article, refusal)
                missing = refusal.missing
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, self._done_message(article, transition))
                return HttpResponseRedirect(self._change_url(article))
        checklist = workflow.checklist(article) if transition.checklist else []
        return self._page(
            request,
            article,
            "transition.html",
            f"{transition.label}: {article.title}",
            checklist=checklist,
            blocked=any(item.required and not item.passed for item in checklist),
            transition=transition,
            target_status=transition.to_state(article),
            target_state=Status(transition.to_state(article)).label,
            form=form,
            missing=missing,
            may_edit=self.has_change_permission(request, article),
            zone=newsroom_zone(),
            now=zoned_time(timezone.now()),
            media=self.media + form.media,
        )

    def _refused(self, request, article, refusal):
        if refusal.reason == workflow.TransitionNotAllowed.PERMISSION:
            raise refusal
        # The article moved on meanwhile (another editor, a take-back): say so where the user can see why.
        messages.error(request, str(refusal))
        return HttpResponseRedirect(self._change_url(article))

    def _done_message(self, article, transition):
        if transition.name in ("publish", "reschedule"):
            if article.is_scheduled:
                return _("Scheduled: “%(title)s” appears on the site at %(time)s.") % {
                    "title": article.title,
                    "time": zoned_time(article.published_at),
                }
            return _("Published: “%(title)s” is online.") % {"title": article.title}
        return _("Done: “%(step)s”. The article is now “%(state)s”.") % {
            "step": transition.label,
            "state": article.get_status_display(),
        }

    # Revisions.

    def revisions_view(self, request, object_id):
        article = self._article_for(request, object_id, history=True)
        items = article.revisions.select_related("user", "restored_from").order_by("-pk")[:200]
        return self._page(
            request,
            article,
            "revisions.html",
            _("Revisions: %(title)s") % {"title": article.title},
            revisions=items,
            can_restore=self.has_change_permission(request, article),
            published_revision=revisions.published_revision(article),
        )

    def compare_view(self, request, object_id):
        """The readable diff of two revisions (?a=…&b=…); b defaults to the newest, a to the one before b."""
        article = self._article_for(request, object_id, history=True)
        history = article.revisions.select_related("user")
        newer = self._revision_param(history, request.GET.get("b")) or history.order_by("-pk").first()
        if newer is None:
            raise Http404
        older = self._revision_param(history, request.GET.get("a"))
        if older is None:
            older = history.filter(pk__lt=newer.pk).order_by("-pk").first() or newer
        fields = revisions.compare(*_as_seen_by(request.user, older.snapshot, newer.snapshot))
        return self._page(
            request,
            article,
            "revision_compare.html",
            _("Changes: %(title)s") % {"title": article.title},
            older=older,
            newer=newer,
            changed=[field for field in fields if field.changed],
            unchanged=[field.label for field in fields if not field.changed],
            can_restore=self.has_change_permission(request, article),
        )

    @staticmethod
    def _revision_param(history, value):
        if not value:
            return None
        if not value.isdigit():
            raise Http404
        return get_object_or_404(history, pk=int(value))

    def compare_published_view(self, request, object_id):
        """One click from the change form: the version last published against the article as it is now."""
        article = self._article_for(request, object_id, history=True)
        published = revisions.published_revision(article)
        if published is None:
            messages.info(request, _("This article has never been published."))
            return HttpResponseRedirect(self._change_url(article))
        newest = article.revisions.exclude(kind=Revision.Kind.REJECTED).order_by("-pk").first()
        url = reverse("admin:articles_article_compare", args=[article.pk])
        return HttpResponseRedirect(f"{url}?a={published.pk}&b={newest.pk}")

    def restore_view(self, request, object_id, revision_id):
        article = self._article_for(request, object_id, change=True, history=True)
        revision = get_object_or_404(article.revisions.select_related("user"), pk=revision_id)
        if request.method == "POST":
            restored = revisions.restore(article, revision, request.user)
            messages.success(
                request,
                _("Revision #%(old)s restored as revision #%(new)s; the version before it stays in the list.")
                % {"old": revision.pk, "new": restored.revision.pk},
            )
            if restored.missing_photos:
                messages.warning(
                    request,
                    _("Photos deleted since cannot come back: %(photos)s.")
                    % {"photos": "; ".join(restored.missing_photos)},
                )
            if restored.kept_photos:
                messages.info(
                    request,
                    _("Photos added since were kept: %(photos)s.")
                    % {"photos": "; ".join(restored.kept_photos)},
                )
            if restored.missing_bylines:
                messages.warning(
                    request,
                    _("Bylines deleted since were left out: %(names)s.")
                    % {"names": ", ".join(restored.missing_bylines)},
                )
            return HttpResponseRedirect(self._change_url(article))
        current = revisions.snapshot(article)
        fields = revisions.compare(*_as_seen_by(request.user, current, revision.snapshot))
        return self._page(
            request,
            article,
            "revision_restore.html",
            _("Restore revision #%(number)s") % {"number": revision.pk},
            revision=revision,
            changed=[field for field in fields if field.changed],
        )

    # Shareable preview links.

    def create_preview_link_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_for(request, object_id)
        if not request.user.has_perm("articles.share_preview"):
            raise PermissionDenied
        link = previews.create(article, request.user)
        messages.success(
            request,
            _("Preview link made; it works until %(time)s: %(url)s")
            % {"time": zoned_time(link.expires_at), "url": previews.url(link)},
        )
        return HttpResponseRedirect(self._change_url(article) + "#preview-links")

    def revoke_preview_link_view(self, request, object_id, link_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_for(request, object_id)
        if not request.user.has_perm("articles.share_preview"):
            raise PermissionDenied
        link = get_object_or_404(article.preview_links, pk=link_id)
        previews.revoke(link, request.user)
        messages.success(request, _("The preview link no longer works."))
        return HttpResponseRedirect(self._change_url(article) + "#preview-links")
