"""Who works on which desk: the editors who review a section's articles, and the desk an article goes to.

Apart from articles.workflow, which applies the desk's rules (docs/workflow.md): its e-mails (articles.notifications)
need to know who reviews an article, and the workflow imports them.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q

from sections.models import Section

REVIEW = "articles.approve_article"
ALL_DESKS = "articles.cover_all_desks"


def _holding(permission):
    # Named: with_perm() refuses to guess once a second backend (e.g. a login throttle) is configured.
    return get_user_model().objects.with_perm(
        permission, include_superusers=False, backend="django.contrib.auth.backends.ModelBackend"
    )


def reviewers(desk=None):
    """The editors an article can be assigned to; with `desk` (a section's id), those who work on that desk."""
    users = get_user_model().objects.filter(pk__in=_holding(REVIEW).values("pk"), is_staff=True)
    if desk is not None:
        seated = Section.editors.through.objects
        users = users.filter(
            Q(pk__in=_holding(ALL_DESKS).values("pk"))
            | ~Q(pk__in=seated.values("user_id"))
            | Q(pk__in=seated.filter(section_id=desk).values("user_id"))
        )
    return users.order_by("first_name", "last_name", "username")


def desk_of(article):
    """The section whose desk handles the article: the one its reporter sent it to, or its own."""
    return article.desk_id or article.section_id


def desks_of(user):
    """The sections on whose desks this user sits; empty for an editor on no desk (remembered on the user, like
    Django remembers their permissions)."""
    if not hasattr(user, "_desk_section_ids"):
        seated = Section.editors.through.objects.filter(user_id=user.pk)
        user._desk_section_ids = frozenset(seated.values_list("section_id", flat=True))
    return user._desk_section_ids


def covers(user, section_id):
    """Whether this user works on the desk of that section: theirs, or every desk."""
    if user.has_perm(ALL_DESKS):
        return True
    desks = desks_of(user)
    return not desks or section_id in desks


def desk_filter(user):
    """The articles of this user's desk as a Q, or None when they cover every section."""
    if user.has_perm(ALL_DESKS) or not desks_of(user):
        return None
    desks = desks_of(user)
    return Q(desk__in=desks) | Q(desk__isnull=True, section__in=desks)
