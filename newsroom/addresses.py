"""Addresses of the site's pages, remembered: reversing (or translating) an address walks the URL patterns each time
(about 30 µs here), and a listing names each of its articles twice and their sections, bylines and tags too.

An address depends on nothing but its arguments, the URL patterns (the urlconf), the script prefix and the active
language, so those are the memo's key: what the content apps' `get_absolute_url()` return is never older than the
patterns, and an article's new slug or date is a new key.
"""

import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, translate_url
from django.urls import reverse as django_reverse
from django.utils.translation import get_language


def reverse(viewname, **kwargs):
    """`django.urls.reverse(viewname, kwargs=kwargs)` in the active language, remembered."""
    return _reverse(_patterns(), get_script_prefix(), get_language(), viewname, tuple(kwargs.items()))


def translated(path, language):
    """`translate_url(path, language)`: this page's address in another language, remembered."""
    return _translated(_patterns(), get_script_prefix(), get_language(), path, language)


def _patterns():
    return get_urlconf() or settings.ROOT_URLCONF


@functools.lru_cache(maxsize=50_000)
def _reverse(_patterns, _prefix, _language, viewname, items):
    return django_reverse(viewname, kwargs=dict(items))


@functools.lru_cache(maxsize=4096)
def _translated(_patterns, _prefix, _active, path, language):
    return translate_url(path, language)
