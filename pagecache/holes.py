"""Holes: the small, busy parts many pages share (the site's "Cập nhật" stamp, the latest news column), kept apart
from the pages that show them.

Were they part of each page, every publication anywhere would make every page stale. Instead a cached page holds
an Edge Side Include in their place: Varnish fills it from its own cache (the hole has its own URL and keys), and
for every other client the page cache fills it on the way out. Pages rendered for staff, or with the page cache
off, print the hole in place.
"""

import dataclasses

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .context import current
from .fragments import fragment

_holes = {}


@dataclasses.dataclass(frozen=True)
class Hole:
    name: str
    template: str
    context: object  # callable(arg) -> dict; arg is "" or the hole's one argument (e.g. a section's slug)


def register(name, template, context):
    _holes[name] = Hole(name, template, context)


def exists(name):
    return name in _holes


def render(name, arg=""):
    """The hole's HTML in the active language, its keys collected by the render around it."""
    hole = _holes[name]
    return render_to_string(hole.template, hole.context(arg))


def src(name, arg=""):
    kwargs = {"name": name, "arg": arg} if arg else {"name": name}
    return reverse("pagecache:hole_arg" if arg else "pagecache:hole", kwargs=kwargs)


def include_tag(path):
    return f'<esi:include src="{escape(path)}"/>'


def place(name, arg=""):
    """What a template prints for a hole: an include to be filled later, or the hole itself."""
    render_ = current()
    if render_ is not None and render_.assemble:
        return mark_safe(include_tag(src(name, arg)))  # noqa: S308 - an escaped path of our own
    html = fragment(f"hole:{name}:{arg}:{get_language()}", lambda: render(name, arg))
    return mark_safe(html)  # noqa: S308 - rendered by a template of our own
