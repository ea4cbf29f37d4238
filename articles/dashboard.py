"""The editorial dashboard on the admin's front page: each queue of the workflow, one query per queue."""

import dataclasses

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import desks, workflow
from .models import ArticleTransition, Status
from .people import display_name_of

LIMIT = 8


@dataclasses.dataclass
class Queue:
    key: str
    title: str
    articles: list
    total: int
    time_label: str
    empty: str


def _last_step(value):
    """A value of the article's newest audit-log row: a field's name or an expression over the row."""
    newest = ArticleTransition.objects.filter(article=OuterRef("pk")).order_by("-at", "-pk")
    return Subquery(
        newest.annotate(picked=F(value) if isinstance(value, str) else value).values("picked")[:1]
    )


def dashboard(user, limit=LIMIT):
    """The queues this user works from, newest-first or oldest-first as each one is worked through.

    An editor on a desk sees the review, approval, schedule and publication queues of their desk only; their own
    drafts and what was sent back to them wherever it is.
    """
    now = timezone.now()
    visible = workflow.visible_articles(user).select_related("section", "assigned_editor", "created_by")
    mine = Q(workflow.authored_by(user))
    reviews = user.has_perm(desks.REVIEW)
    desk = (desks.desk_filter(user) if reviews else None) or Q()
    scheduled = Q(status=Status.PUBLISHED, published_at__gt=now)
    totals = visible.order_by().aggregate(
        drafts=Count("pk", filter=mine & Q(status=Status.DRAFT)),
        in_review=Count("pk", filter=desk & Q(status=Status.IN_REVIEW)),
        assigned=Count("pk", filter=Q(status=Status.IN_REVIEW, assigned_editor=user)),
        approved=Count("pk", filter=desk & Q(status=Status.APPROVED)),
        scheduled=Count("pk", filter=desk & scheduled),
    )
    drafts = visible.filter(mine, status=Status.DRAFT)
    sent_back = (
        drafts.annotate(
            last_step=_last_step("name"),
            last_comment=_last_step("comment"),
            last_at=_last_step("at"),
            last_by=_last_step(display_name_of("user")),
        )
        .filter(last_step="send_back")
        .order_by("-last_at")
    )
    in_review = visible.filter(status=Status.IN_REVIEW).order_by("status_changed_at", "pk")
    desk_articles = visible.filter(desk)
    own = [
        Queue(
            "sent_back",
            _("Sent back to me"),
            list(sent_back[:limit]),
            None,
            _("sent back"),
            _("Nothing was sent back to you."),
        ),
        Queue(
            "drafts",
            _("My drafts"),
            list(drafts.order_by("-modified_at")[:limit]),
            totals["drafts"],
            _("saved"),
            _("No drafts."),
        ),
    ]
    queues = [
        Queue(
            "in_review",
            _("Waiting for review") if reviews else _("My articles in review"),
            list(in_review.filter(desk)[:limit]),
            totals["in_review"],
            _("submitted"),
            _("Nothing is waiting for review."),
        ),
    ]
    if reviews:
        queues.append(
            Queue(
                "assigned",
                _("Assigned to me"),
                list(in_review.filter(assigned_editor=user)[:limit]),
                totals["assigned"],
                _("submitted"),
                _("Nothing is assigned to you."),
            )
        )
    queues += [
        Queue(
            "approved",
            _("Approved, waiting to be published"),
            list(desk_articles.filter(status=Status.APPROVED).order_by("status_changed_at", "pk")[:limit]),
            totals["approved"],
            _("approved"),
            _("No approved article is waiting."),
        ),
        Queue(
            "scheduled",
            _("Scheduled"),
            list(desk_articles.filter(scheduled).order_by("published_at", "pk")[:limit]),
            totals["scheduled"],
            _("appears"),
            _("Nothing is scheduled."),
        ),
        Queue(
            "published",
            _("Recently published"),
            list(
                desk_articles.filter(status=Status.PUBLISHED, published_at__lte=now).order_by(
                    "-published_at"
                )[:limit]
            ),
            None,
            _("published"),
            _("Nothing published yet."),
        ),
    ]
    # Editors work from the review queues first; reporters from what came back to them.
    return queues + own if reviews else own + queues
