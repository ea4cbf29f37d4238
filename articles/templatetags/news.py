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


@register.filter
def zoned_time(value):
    """A time in the newsroom's zone with the zone named, for staff: "07:07 29/09/2017 GMT+7"."""
    if not value:
        return ""
    local = timezone.localtime(value, timezone.get_default_timezone())
    return f"{local:%H:%M %d/%m/%Y} {zone_name(local)}"


def zone_name(local):
    """ "GMT+7" for Asia/Ho_Chi_Minh; minutes only where a zone has them ("GMT+5:30")."""
    minutes = int(local.utcoffset().total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return f"GMT{sign}{hours}" + (f":{minutes:02d}" if minutes else "")


@register.simple_tag
def newsroom_zone():
    """The newsroom's zone as staff read it next to a time they type: "GMT+7"."""
    return zone_name(timezone.localtime(timezone.now(), timezone.get_default_timezone()))


@register.simple_tag(takes_context=True)
def translated_path(context, language):
    """This page's address in another language, its query string kept: /2017/… <-> /en/2017/…"""
    request = context["request"]
    path = translate_url(request.path, language)
    query = request.GET.urlencode()
    return f"{path}?{query}" if query else path
