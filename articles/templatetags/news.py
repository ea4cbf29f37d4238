"""How the newsroom prints times: "07:07 | 29/09/2017" in Vietnamese, the reader's language otherwise."""

from django import template
from django.urls import translate_url
from django.utils import dateformat, timezone
from django.utils.translation import get_language

register = template.Library()

TIME_FORMATS = {
    "vi": "H:i | d/m/Y",
    "en": "H:i | M j, Y",
}
DATE_FORMATS = {
    "vi": "d/m/Y",
    "en": "M j, Y",
}


def _format(value, formats):
    if not value:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value)
    language = (get_language() or "vi").split("-")[0]
    return dateformat.format(value, formats.get(language, formats["vi"]))


@register.filter
def news_time(value):
    """A publication time in the newsroom's zone: "07:07 | 29/09/2017"."""
    return _format(value, TIME_FORMATS)


@register.filter
def news_date(value):
    return _format(value, DATE_FORMATS)


@register.simple_tag(takes_context=True)
def translated_path(context, language):
    """This page's address in another language, its query string kept: /2017/… <-> /en/2017/…"""
    request = context["request"]
    path = translate_url(request.path, language)
    query = request.GET.urlencode()
    return f"{path}?{query}" if query else path
