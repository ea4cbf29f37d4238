"""The editorial dashboard for the admin's front page."""

from django import template

from articles.dashboard import dashboard

register = template.Library()


@register.simple_tag(takes_context=True)
def editorial_dashboard(context):
    """The workflow queues of the user looking at the page, or nothing for staff who do not handle articles."""
    user = context["request"].user
    if not (user.has_perm("articles.view_article") or user.has_perm("articles.change_article")):
        return []
    return dashboard(user)
