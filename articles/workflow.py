"""The editorial workflow: the only code that changes an article's status, and the desk's rules.

TRANSITIONS is the table of who may move an article from which state to which and what each step needs; `perform`
is the one entry point the admin buttons and actions, the views, the management commands and the tests call. It
locks the article row, checks state and permission, applies the step, stamps who and when, bumps the version,
writes the audit row and a revision, and sends the e-mails once the transaction has committed.

The desk's rules are checked here too, for every caller alike:
- four eyes: nobody approves or publishes an article they wrote or last edited, unless they may publish their own
  work (chief editors); settings.NEWSROOM["FOUR_EYES"] turns the rule off for a one-person desk;
- desks: an editor assigned to sections' desks reviews, approves and publishes only those sections' articles (or
  articles their reporter sent to that desk); an editor on no desk, and a chief editor, cover every section;
- the pre-publish checklist: what a published article should have; the items named in
  settings.NEWSROOM["PUBLISH_CHECKLIST_REQUIRED"] block publishing, the others warn.

`record_import` is the one other way an article gets a state: bringing an archive in from another system
(`manage.py import_wordpress`), logged as an "import" step.
"""

import dataclasses
import datetime
from collections.abc import Callable

from django.conf import settings
from django.core import checks
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import notifications, revisions, steps
from .desks import covers, desk_of, reviewers
from .models import Article, ArticleByline, ArticleTransition, Correction, Revision, Status
from .people import display_name
from .sanitizer import html_to_text
from .steps import IMPORT

# Who may take a step, besides holding its permission.
AUTHORS = "authors"  # only the article's authors (its creator and the people on its bylines)
OWN = "own"  # the authors, and whoever may edit every article
DESK = "desk"  # anyone holding the permission

# Whether a step takes a comment.
NO_COMMENT = "none"
OPTIONAL = "optional"
REQUIRED = "required"

EDIT_ALL = "articles.edit_all_articles"
PUBLISH_OWN = "articles.publish_own_article"


class TransitionNotAllowed(PermissionDenied):
    """This user may not take this step, the article is not in a state that allows it, or it lacks what the step
    needs (`missing`: what to fill in)."""

    PERMISSION = "permission"
    STATE = "state"
    INCOMPLETE = "incomplete"

    def __init__(self, message, reason, missing=()):
        super().__init__(message)
        self.message = message
        self.reason = reason
        self.missing = list(missing)

    def __str__(self):
        return str(self.message)


def _review_not_started(article):
    if article.review_started_by_id:
        return _("An editor has already started reviewing this article; ask them to send it back.")
    return None


def _scheduled(article):
    if not article.is_scheduled:
        return _("Only an article that is scheduled and not yet online can be rescheduled.")
    return None


def _live(article):
    if not article.is_published:
        return _("Only an article that readers can already see can be corrected.")
    return None


def _has_words(text):
    """Real text: a letter or a digit, not only spaces, empty paragraphs or punctuation."""
    return any(char.isalnum() for char in text or "")


def _missing_for_readers(article):
    """What an article must have before it goes to the desk or to readers; each item as the reporter reads it."""
    needs = [
        (_("a title"), _has_words(article.title)),
        (_("a lead"), _has_words(article.lead)),
        (_("a body with text (not only empty lines)"), _has_words(html_to_text(article.body))),
        (_("a section"), article.section_id is not None),
    ]
    return [label for label, present in needs if not present]


def _submit(article, user, now, options):
    article.assigned_editor = options["editor"]
    article.desk = options["desk"]
    article.review_started_by = None


def _withdraw(article, user, now, options):
    article.review_started_by = None


def _start_review(article, user, now, options):
    article.review_started_by = user
    if article.assigned_editor_id is None:
        article.assigned_editor = user


def _reassign(article, user, now, options):
    article.assigned_editor = options["editor"]


def _back_to_draft(article, user, now, options):
    article.review_started_by = None


def _approve(article, user, now, options):
    if article.review_started_by_id is None:
        article.review_started_by = user


def _publish(article, user, now, options):
    # A past time is kept: editors back-date, e.g. when importing an archive. A future time schedules.
    article.published_at = options["when"] or now


def _correct(article, user, now, options):
    article.corrected_at = now
    article.correction_note = options["note"]
    # The article shows its latest correction; the corrections page lists every one.
    Correction.objects.create(article=article, corrected_at=now, note=options["note"], corrected_by=user)


@dataclasses.dataclass(frozen=True)
class Transition:
    name: str  # its label is articles.steps's: the models name steps too
    sources: frozenset
    target: str | None  # None: the article keeps its state
    permission: str  # a codename of the articles app
    who: str
    comment: str = OPTIONAL
    help: str = ""
    takes_editor: bool = False
    takes_time: bool = False  # optional for publish (empty = now), required for reschedule
    requires_time: bool = False
    takes_note: bool = False
    takes_desk: bool = False  # the reporter may send the article to another section's desk
    desk_only: bool = False  # only for the editors of the article's desk
    four_eyes: bool = False  # not for whoever wrote or last edited the article
    checklist: bool = False  # the pre-publish checklist applies
    # Why the step cannot be taken now (it is then not offered), or None.
    condition: Callable | None = None
    # What the article lacks for this step, as a list: the step is still offered and its page says what to fill in.
    requires: Callable | None = None
    effect: Callable | None = None

    @property
    def label(self):
        return steps.label(self.name)

    def to_state(self, article):
        return self.target or article.status


def _table(*transitions):
    return {transition.name: transition for transition in transitions}


TRANSITIONS = _table(
    Transition(
        "submit",
        frozenset({Status.DRAFT}),
        Status.IN_REVIEW,
        "submit_article",
        OWN,
        help=_(
            "Sends the article to the editors. Name the editor who should review it, or leave it to the desk; "
            "send it to another section's desk if that desk should review it."
        ),
        takes_editor=True,
        takes_desk=True,
        requires=_missing_for_readers,
        effect=_submit,
    ),
    Transition(
        "withdraw",
        frozenset({Status.IN_REVIEW}),
        Status.DRAFT,
        "submit_article",
        AUTHORS,
        help=_("Brings the article back to your drafts, as long as no editor has started reviewing it."),
        condition=_review_not_started,
        effect=_withdraw,
    ),
    Transition(
        "start_review",
        frozenset({Status.IN_REVIEW}),
        None,
        "approve_article",
        DESK,
        comment=NO_COMMENT,
        help=_("Tells the desk you are reviewing the article; the reporter can no longer take it back."),
        desk_only=True,
        condition=_review_not_started,
        effect=_start_review,
    ),
    Transition(
        "reassign",
        frozenset({Status.IN_REVIEW, Status.APPROVED}),
        None,
        "assign_reviewer",
        DESK,
        help=_("Hands the review to another editor, or back to the whole desk."),
        takes_editor=True,
        desk_only=True,
        effect=_reassign,
    ),
    Transition(
        "send_back",
        frozenset({Status.IN_REVIEW, Status.APPROVED}),
        Status.DRAFT,
        "approve_article",
        DESK,
        comment=REQUIRED,
        help=_(
            "Returns the article to its reporter as a draft. Say what needs to change: they receive it by e-mail."
        ),
        desk_only=True,
        effect=_back_to_draft,
    ),
    Transition(
        "approve",
        frozenset({Status.IN_REVIEW}),
        Status.APPROVED,
        "approve_article",
        DESK,
        help=_("Marks the article ready to publish."),
        desk_only=True,
        four_eyes=True,
        effect=_approve,
    ),
    Transition(
        "publish",
        frozenset({Status.IN_REVIEW, Status.APPROVED}),
        Status.PUBLISHED,
        "publish_article",
        DESK,
        help=_(
            "Leave the time empty to publish now. A future time schedules the article: it appears on its own at "
            "that time. A past time back-dates it."
        ),
        takes_time=True,
        desk_only=True,
        four_eyes=True,
        checklist=True,
        requires=_missing_for_readers,
        effect=_publish,
    ),
    Transition(
        "reschedule",
        frozenset({Status.PUBLISHED}),
        None,
        "publish_article",
        DESK,
        help=_("Moves the time a scheduled article appears. A time that has passed puts it online at once."),
        takes_time=True,
        requires_time=True,
        desk_only=True,
        condition=_scheduled,
        effect=_publish,
    ),
    Transition(
        "correct",
        frozenset({Status.PUBLISHED}),
        None,
        "correct_article",
        DESK,
        help=_(
            "Marks the article as corrected: readers see “Cập nhật” with the time of the correction and the note "
            "below. Save your changes to the text first."
        ),
        takes_note=True,
        condition=_live,
        effect=_correct,
    ),
    Transition(
        "unpublish",
        frozenset({Status.PUBLISHED}),
        Status.UNPUBLISHED,
        "unpublish_article",
        DESK,
        comment=REQUIRED,
        help=_("Takes the article off the site at once. Give the reason for the record."),
    ),
    Transition(
        "redraft",
        frozenset({Status.UNPUBLISHED}),
        Status.DRAFT,
        "unpublish_article",
        DESK,
        help=_("Makes the withdrawn article a draft again, to be reworked and submitted."),
        effect=_back_to_draft,
    ),
)


# Who is who.


def authored_by(user):
    """Articles this user wrote: they created them or stand on their bylines."""
    on_byline = ArticleByline.objects.filter(article=OuterRef("pk"), byline__user=user)
    return Q(created_by=user) | Q(Exists(on_byline))


def is_author(user, article):
    if not user.is_authenticated or article.pk is None:
        return False
    # The admin asks several times per request; remember the answer on the instance.
    answers = article.__dict__.setdefault("_authored_by", {})
    if user.pk not in answers:
        answers[user.pk] = article.created_by_id == user.pk or (
            ArticleByline.objects.filter(article=article, byline__user=user).exists()
        )
    return answers[user.pk]


def visible_articles(user, articles=None):
    """What this user may see in the admin: everything for editors, their own and the public ones otherwise."""
    articles = Article.objects.all() if articles is None else articles
    if user.has_perm(EDIT_ALL):
        return articles
    public = Q(status=Status.PUBLISHED, published_at__lte=timezone.now())
    return articles.filter(authored_by(user) | public)


def can_view(user, article):
    if not (user.is_active and user.is_staff):
        return False
    if not (user.has_perm("articles.view_article") or user.has_perm("articles.change_article")):
        return False
    return user.has_perm(EDIT_ALL) or article.is_published or is_author(user, article)


def can_see_history(user, article):
    """Revisions and the audit log hold draft text and editors' comments: for editors and the article's authors."""
    return user.is_active and (user.has_perm(EDIT_ALL) or is_author(user, article))


def can_edit(user, article):
    """Editors edit every article in every state; a reporter edits only their own drafts."""
    if not (user.is_active and user.has_perm("articles.change_article")):
        return False
    return user.has_perm(EDIT_ALL) or (article.status == Status.DRAFT and is_author(user, article))


def own_work(user, article):
    """Whether the user wrote the article or was the last to edit its text."""
    return is_author(user, article) or (
        article.last_edited_by_id is not None and article.last_edited_by_id == user.pk
    )


def bound_by_four_eyes(user):
    return settings.NEWSROOM["FOUR_EYES"] and not user.has_perm(PUBLISH_OWN)


# Checking and taking steps.


def _may(user, article, transition):
    if not (user.is_active and user.has_perm(f"articles.{transition.permission}")):
        return False
    if transition.who == DESK:
        return True
    if transition.who == OWN and user.has_perm(EDIT_ALL):
        return True
    return is_author(user, article)


def check(article, name, user):
    """The transition `name` if this user may take it on this article now; TransitionNotAllowed otherwise."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise TransitionNotAllowed(_("There is no such workflow step."), TransitionNotAllowed.PERMISSION)
    if not _may(user, article, transition):
        raise TransitionNotAllowed(
            _("You may not “%(step)s” this article.") % {"step": transition.label},
            TransitionNotAllowed.PERMISSION,
        )
    if transition.desk_only and not covers(user, desk_of(article)):
        raise TransitionNotAllowed(
            _("“%(step)s” is for the editors of this article's desk; you work on other sections.")
            % {"step": transition.label},
            TransitionNotAllowed.PERMISSION,
        )
    if transition.four_eyes and bound_by_four_eyes(user) and own_work(user, article):
        raise TransitionNotAllowed(
            _("You wrote or last edited this article: another editor must “%(step)s” it (four eyes).")
            % {"step": transition.label},
            TransitionNotAllowed.PERMISSION,
        )
    if article.status not in transition.sources:
        raise TransitionNotAllowed(
            _("“%(step)s” is not possible while the article is “%(state)s”.")
            % {"step": transition.label, "state": Status(article.status).label},
            TransitionNotAllowed.STATE,
        )
    if transition.condition and (reason := transition.condition(article)):
        raise TransitionNotAllowed(reason, TransitionNotAllowed.STATE)
    if transition.requires and (missing := transition.requires(article)):
        raise TransitionNotAllowed(
            _("“%(step)s” is not possible yet: the article still needs %(missing)s.")
            % {"step": transition.label, "missing": ", ".join(str(item) for item in missing)},
            TransitionNotAllowed.INCOMPLETE,
            missing,
        )
    return transition


def available(article, user):
    """The steps this user may take on this article, in the table's order: the admin's buttons.

    A step refused only because the article lacks something is offered all the same: its page says what to fill in.
    """
    steps = []
    for name, transition in TRANSITIONS.items():
        if article.status not in transition.sources:
            continue  # refused whoever asks: no need to look up whether this user wrote the article
        try:
            steps.append(check(article, name, user))
        except TransitionNotAllowed as refusal:
            if refusal.reason == TransitionNotAllowed.INCOMPLETE:
                steps.append(TRANSITIONS[name])
    return steps


def perform(article, name, user, *, comment="", when=None, editor=None, note="", desk=None, notify=True):
    """Take the step `name` on `article` as `user`; return the article as it now is.

    Raises TransitionNotAllowed (a PermissionDenied) when the user, the desk's rules or the state forbid it, and
    ValidationError when an input is missing or wrong (a comment the step requires, a time, an editor who cannot
    review, an item of the pre-publish checklist the newsroom requires).
    """
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise TransitionNotAllowed(_("There is no such workflow step."), TransitionNotAllowed.PERMISSION)
    options = _clean_options(
        transition, article, comment=comment, when=when, editor=editor, note=note, desk=desk
    )
    with transaction.atomic():
        # The row lock makes concurrent steps queue: the second sees the state the first left behind.
        locked = Article.objects.select_for_update().get(pk=article.pk)
        check(locked, name, user)
        if transition.checklist:
            missing = [item.label for item in checklist(locked) if item.required and not item.passed]
            if missing:
                raise ValidationError(
                    {
                        NON_FIELD_ERRORS: _("The newsroom requires this before publishing: %(items)s.")
                        % {"items": "; ".join(str(label) for label in missing)}
                    }
                )
        now = timezone.now().replace(microsecond=0)
        from_state = locked.status
        if transition.effect:
            transition.effect(locked, user, now, options)
        to_state = transition.to_state(locked)
        if to_state != from_state:
            locked.status = to_state
            locked.status_changed_at = now
            locked.status_changed_by = user
        locked.version += 1
        locked.save()
        record = ArticleTransition.objects.create(
            article=locked,
            name=name,
            from_state=from_state,
            to_state=to_state,
            user=user,
            at=now,
            comment=options["comment"],
            assigned_editor=locked.assigned_editor if transition.takes_editor else None,
            published_at=locked.published_at if transition.takes_time else None,
        )
        revisions.record(locked, user, Revision.Kind.TRANSITION, transition=name)
        if notify:
            notifications.send_after_commit(record)
    return locked


@dataclasses.dataclass
class Import:
    """An article brought in from another system, with the state it had there and the audit log's comment."""

    article: Article
    status: str
    published_at: datetime.datetime | None
    comment: str


def _check_import(user, entry):
    if not (user.is_active and user.has_perm(f"articles.{TRANSITIONS['publish'].permission}")):
        raise TransitionNotAllowed(
            _("Only someone who may publish articles can import them."), TransitionNotAllowed.PERMISSION
        )
    if entry.published_at is not None and timezone.is_naive(entry.published_at):
        raise ValueError("an import needs an aware datetime")
    if entry.status == Status.PUBLISHED and entry.published_at is None:
        raise ValueError("a published article needs its publication time")


def _take_state(entry, user, now, from_state):
    article = entry.article
    article.status = entry.status
    article.published_at = entry.published_at
    if entry.status != from_state or article.status_changed_at is None:
        article.status_changed_at = now
        article.status_changed_by = user
    article.version = article.version + 1 if article.pk else 1


def _import_record(entry, user, now, from_state):
    return ArticleTransition(
        article=entry.article,
        name=IMPORT,
        from_state=from_state,
        to_state=entry.status,
        user=user,
        at=now,
        comment=entry.comment,
        published_at=entry.article.published_at,
    )


def record_import(entry, user, attach=None):
    """Save an article brought in from another system with the state it had there, and log it as an import.

    An import is an editorial act outside TRANSITIONS: moving an archive publishes at once what was published
    there, at the time it was published there (a future time schedules), and keeps drafts as drafts. Whoever runs
    it must be allowed to publish. The article of `entry` (new, or imported before and updated) is saved once with
    its state and version; `attach(article)` then writes its parts (bylines, photos, tags…) and returns them as
    revisions.record's `parts`; the audit log gets an "import" row (who, when, the comment naming the source) and
    a revision keeps the article as imported.
    """
    _check_import(user, entry)
    article = entry.article
    with transaction.atomic():
        from_state = (
            Article.objects.select_for_update().filter(pk=article.pk).values_list("status", flat=True).first()
            if article.pk
            else None
        ) or Status.DRAFT
        now = timezone.now().replace(microsecond=0)
        _take_state(entry, user, now, from_state)
        article.save()
        parts = attach(article) if attach else None
        _import_record(entry, user, now, from_state).save()
        revisions.record(article, user, Revision.Kind.TRANSITION, transition=IMPORT, parts=parts)
    return article


def record_imports(entries, user, attach):
    """record_import for many new articles at once, in a handful of statements: a bulk import's fast path.

    The articles are inserted by Article.objects.create_many; `attach(entries)` then writes all their parts and
    returns each one's revision parts, in order; the audit rows and the revisions go in one statement each.
    """
    for entry in entries:
        _check_import(user, entry)
    now = timezone.now().replace(microsecond=0)
    with transaction.atomic():
        for entry in entries:
            _take_state(entry, user, now, Status.DRAFT)
        Article.objects.create_many([entry.article for entry in entries])
        parts = attach(entries)
        ArticleTransition.objects.bulk_create(
            _import_record(entry, user, now, Status.DRAFT) for entry in entries
        )
        Revision.objects.bulk_create(
            revisions.make(entry.article, user, Revision.Kind.TRANSITION, transition=IMPORT, parts=each)
            for entry, each in zip(entries, parts, strict=True)
        )
    return [entry.article for entry in entries]


def _clean_options(transition, article, *, comment, when, editor, note, desk):
    comment = (comment or "").strip()
    errors = {}
    if transition.comment == REQUIRED and not comment:
        errors["comment"] = _("Say why: the comment is required for “%(step)s”.") % {"step": transition.label}
    if transition.comment == NO_COMMENT:
        comment = ""
    if not transition.takes_time:
        when = None
    elif when is None and transition.requires_time:
        errors["when"] = _("Choose the new time.")
    elif when is not None and timezone.is_naive(when):
        raise ValueError("perform() needs an aware datetime")
    if not transition.takes_desk:
        desk = None
    if not transition.takes_editor:
        editor = None
    elif editor is not None and not reviewers().filter(pk=editor.pk, is_active=True).exists():
        errors["editor"] = _("%(name)s cannot review articles.") % {"name": display_name(editor)}
    elif editor is not None:
        target = (desk.pk if desk else article.section_id) if transition.takes_desk else desk_of(article)
        if not reviewers(desk=target).filter(pk=editor.pk).exists():
            errors["editor"] = _(
                "%(name)s works on other sections' desks: choose an editor of this desk."
            ) % {"name": display_name(editor)}
    note = (note or "").strip() if transition.takes_note else ""
    if transition.takes_note and not comment:
        comment = note  # the note readers see is also the record of why
    if errors:
        raise ValidationError(errors)
    return {"comment": comment, "when": when, "editor": editor, "note": note, "desk": desk}


# The pre-publish checklist.


@dataclasses.dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    passed: bool
    required: bool


def _has_photo(article):
    photos = list(article.photos.all())
    return any(photo.is_lead for photo in photos) and all(photo.alt_text.strip() for photo in photos)


def _lead_fits(article):
    shortest, longest = settings.NEWSROOM["LEAD_LENGTH"]
    return shortest <= len(article.lead.strip()) <= longest


def _has_topic(article):
    return article.tagged_items.exists()


def _in_active_section(article):
    return article.section.is_active


CHECKLIST = {
    # key (as PUBLISH_CHECKLIST_REQUIRED names it): what it asks, whether the article has it
    "photo": (_("a lead photo, every photo with its alt text"), _has_photo),
    "lead": (_("a lead of %(shortest)s to %(longest)s characters"), _lead_fits),
    "tags": (_("at least one topic (tag)"), _has_topic),
    "section": (_("an active section, shown in the navigation"), _in_active_section),
}


def check_publish_checklist(app_configs, **kwargs):
    """A misspelt item in PUBLISH_CHECKLIST_REQUIRED would silently block nothing: refuse to start instead."""
    unknown = sorted(set(settings.NEWSROOM["PUBLISH_CHECKLIST_REQUIRED"]) - set(CHECKLIST))
    if not unknown:
        return []
    return [
        checks.Error(
            f"PUBLISH_CHECKLIST_REQUIRED names items the checklist does not have: {', '.join(unknown)}.",
            hint=f"Choose among: {', '.join(CHECKLIST)}.",
            id="articles.E001",
        )
    ]


def checklist(article):
    """What a published article should have, each item passed or not, and whether the newsroom requires it."""
    required = set(settings.NEWSROOM["PUBLISH_CHECKLIST_REQUIRED"])
    lengths = dict(zip(("shortest", "longest"), settings.NEWSROOM["LEAD_LENGTH"], strict=True))
    return [
        ChecklistItem(key, label % lengths, bool(test(article)), key in required)
        for key, (label, test) in CHECKLIST.items()
    ]
