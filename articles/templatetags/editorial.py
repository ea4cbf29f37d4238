"""The editorial dashboard for the admin's front page."""

from django import template

from articles import desks
from articles.dashboard import dashboard
from sections.models import Section

register = template.Library()


@register.simple_tag(takes_context=True)
def editorial_dashboard(context):
    """The workflow queues of the user looking at the page, or nothing for staff who do not handle articles."""
    user = context["request"].user
    if not (user.has_perm("articles.view_article") or user.has_perm("articles.change_article")):
        return []
    return dashboard(user)


@register.simple_tag(takes_context=True)
def editorial_desk(context):
    """The sections of the desk the user looking at the page works on, or nothing when they cover every section."""
    user = context["request"].user
    if not user.has_perm(desks.REVIEW) or desks.desk_filter(user) is None:
        return []
    return list(Section.objects.filter(pk__in=desks.desks_of(user)))
