"""How the newsroom prints times ("07:07 | 29/09/2017" in Vietnamese, the reader's language otherwise) and the
addresses search engines and sharing services read."""

import functools

from django import template
from django.conf import settings
from django.utils import dateformat, dates, timezone
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext, override

from articles import people, seo
from newsroom.addresses import translated
from pagecache.middleware import page_query, policy_of

register = template.Library()

TIME_FORMATS = {
    "vi": "H:i | d/m/Y",
    "en": "H:i | M j, Y",
}
DATE_FORMATS = {
    "vi": "d/m/Y",
    "en": "M j, Y",
}
DAY_FORMATS = {
    "vi": "l, d/m/Y",
    "en": "l, F j, Y",
}
MONTH_FORMATS = {
    "vi": "m/Y",
    "en": "F Y",
}
# The query parameters that change what a page shows; anything else (tracking tags, typos) is not part of its
# address for search engines.
MEANINGFUL_PARAMETERS = ("section", "page")


def _format(value, formats):
    if not value:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value)
    language = (get_language() or "vi").split("-")[0]
    return "".join([piece(value) for piece in _compiled(formats.get(language, formats["vi"]))])


# What each character of the newsroom's formats prints, as django.utils.dateformat prints it. Django's formatter
# splits the format with a regular expression and looks each character up by name for every value it prints
# (40 µs a time; a listing prints fifty): the formats are read once here, and a time is ten small calls.
_PRINTERS = {
    "H": lambda value: f"{value.hour:02d}",
    "i": lambda value: f"{value.minute:02d}",
    "d": lambda value: f"{value.day:02d}",
    "m": lambda value: f"{value.month:02d}",
    "Y": lambda value: f"{value.year:04d}",
    "j": lambda value: str(value.day),
    "M": lambda value: dates.MONTHS_3[value.month].title(),
    "F": lambda value: str(dates.MONTHS[value.month]),
    "l": lambda value: str(dates.WEEKDAYS[value.weekday()]),
}


@functools.cache
def _compiled(format_string):
    """The pieces printing `format_string`: a function per format character, the text between as it is; Django's
    own formatter for the whole if the format uses a character not above, or an escape."""
    pieces = dateformat.re_formatchars.split(format_string)
    if "\\" in format_string or not set(pieces[1::2]) <= _PRINTERS.keys():
        return (functools.partial(dateformat.format, format_string=format_string),)
    return tuple(
        _PRINTERS[piece] if number % 2 else functools.partial(_text, piece)
        for number, piece in enumerate(pieces)
        if piece
    )


def _text(piece, _value):
    return piece


@register.filter
def news_time(value):
    """A publication time in the newsroom's zone: "07:07 | 29/09/2017"."""
    return _format(value, TIME_FORMATS)


@register.filter
def news_date(value):
    """A date: "29/09/2017", "Sep 29, 2017"."""
    return _format(value, DATE_FORMATS)


@register.filter
def news_day(value):
    """A date with its weekday, as a day's archive is titled: "Thứ 6, 29/09/2017", "Friday, September 29, 2017"."""
    return _format(value, DAY_FORMATS)


@register.filter
def news_month(value):
    """A month: "09/2017", "September 2017"."""
    return _format(value, MONTH_FORMATS)


@register.filter
def own_name(language):
    """A language's name in that language, as a switch to it reads: "vi" -> "Tiếng Việt", "en" -> "English"."""
    with override(language):
        return gettext(dict(settings.LANGUAGES)[language])


@register.filter
def display_name(user):
    """A person as staff see each other: "Hoàng Nga", or the username of an account without a name."""
    return people.display_name(user)


@register.filter
def absolute(url):
    """An address on the paper's public origin: "/dia-phuong/" -> "https://…/dia-phuong/"."""
    return seo.absolute_url(url) if url else ""


def _page_query(request):
    kept = [
        (key, value)
        for key in MEANINGFUL_PARAMETERS
        for value in request.GET.getlist(key)[:1]
        if value and not (key == "page" and value == "1")
    ]
    return f"?{urlencode(kept)}" if kept else ""


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
    """This page's address in another language, what it shows kept: /2017/?page=2 <-> /en/2017/?page=2"""
    request = context["request"]
    path = translated(request.path, language)
    match = request.resolver_match
    policy = policy_of(match.func) if match else None
    # As the page cache keys it: what the page reads, so that a cached page carries nobody's tracking tags.
    query = page_query(request, policy) if policy else ""
    return f"{path}?{query}" if query else path


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """The one address search engines should file this page under, on the public origin."""
    request = context["request"]
    return seo.absolute_url(request.path + _page_query(request))


@register.simple_tag(takes_context=True)
def language_alternates(context):
    """(hreflang, absolute address) of this page in every language, and x-default for the default one."""
    request = context["request"]
    query = _page_query(request)
    alternates = [
        (code, seo.absolute_url(translated(request.path, code) + query)) for code, _name in settings.LANGUAGES
    ]
    default = dict(alternates)[settings.LANGUAGE_CODE]
    return [*alternates, ("x-default", default)]


@register.simple_tag(takes_context=True)
def article_json_ld(context, article):
    """The article as schema.org NewsArticle, in a script element nothing in the article can break out of."""
    return seo.json_ld_script(seo.news_article(article, canonical_url(context)))
