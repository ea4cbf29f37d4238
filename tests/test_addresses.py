"""Addresses are remembered (newsroom.addresses) for as long as they are true: per language, script prefix and URL
patterns, and an article's new slug or date is a new address at once."""

import datetime

import pytest
from django.test import override_settings
from django.urls import set_script_prefix
from django.utils import translation

from articles.models import article_path
from newsroom import addresses

from .factories import make_article, make_section

pytestmark = pytest.mark.django_db


def test_an_article_s_address_follows_its_slug_and_day_and_the_reader_s_language():
    article = make_article(section=make_section(slug="thoi-su"), title="Bản tin", slug="ban-tin")
    day = article.published_on
    assert article.get_absolute_url() == f"/{day:%Y/%m/%d}/ban-tin/"
    article.slug = "ban-tin-moi"
    assert article.get_absolute_url() == f"/{day:%Y/%m/%d}/ban-tin-moi/"
    article.published_on = day - datetime.timedelta(days=1)
    assert article.get_absolute_url() == f"/{article.published_on:%Y/%m/%d}/ban-tin-moi/"
    with translation.override("en"):
        assert article.get_absolute_url() == f"/en/{article.published_on:%Y/%m/%d}/ban-tin-moi/"
        assert article.section.get_absolute_url() == "/en/thoi-su/"
        assert article_path(day, "ban-tin") == f"/{day:%Y/%m/%d}/ban-tin/"  # the default language's, always
    assert article.section.get_absolute_url() == "/thoi-su/"


def test_a_site_served_under_a_prefix_gets_its_own_addresses():
    section = make_section(slug="thoi-su")
    assert section.get_absolute_url() == "/thoi-su/"
    set_script_prefix("/bao/")
    try:
        assert section.get_absolute_url() == "/bao/thoi-su/"
    finally:
        set_script_prefix("/")
    assert section.get_absolute_url() == "/thoi-su/"


@override_settings(ROOT_URLCONF="tests.other_urls")
def test_other_url_patterns_give_their_own_addresses():
    assert addresses.reverse("sections:detail", slug="thoi-su") == "/chuyen-muc/thoi-su/"
