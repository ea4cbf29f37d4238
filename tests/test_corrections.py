"""The corrections page (/dinh-chinh/, /en/corrections/): every published correction, newest first, with its feed."""

import datetime
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles import workflow
from articles.models import Correction
from sections.models import Section

from .factories import make_article, make_article_in, make_section
from .pages import main_column, tags

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=timezone.get_default_timezone())


def correct(article, editor, note, at):
    with time_machine.travel(at, tick=False):
        return workflow.perform(article, "correct", editor, note=note, notify=False)


@pytest.fixture
def corrected(editor):
    """Three corrected articles (one of them twice), one corrected without a note, one corrected then withdrawn."""
    section = make_section(name="Địa phương", slug="dia-phuong")
    published_at = NOON - datetime.timedelta(days=5)
    first = make_article(section=section, title="Bài sai tên xã", published_at=published_at)
    second = make_article(section=section, title="Bài sai số liệu", published_at=published_at)
    quiet = make_article(section=section, title="Bài sửa lỗi chính tả", published_at=published_at)
    withdrawn = make_article(section=section, title="Bài đã gỡ", published_at=published_at)
    correct(first, editor, "Sửa tên xã Hải Xuân thành Hải Đông.", NOON)
    correct(second, editor, "Sửa số liệu ngân sách.", NOON + datetime.timedelta(hours=1))
    correct(first, editor, "Bổ sung nguồn của số liệu.", NOON + datetime.timedelta(hours=2))
    correct(quiet, editor, "", NOON + datetime.timedelta(hours=3))
    correct(withdrawn, editor, "Sửa tiêu đề.", NOON + datetime.timedelta(hours=4))
    workflow.perform(withdrawn, "unpublish", editor, comment="Gỡ theo yêu cầu.", notify=False)
    return {"first": first, "second": second, "withdrawn": withdrawn}


def test_the_page_lists_every_published_correction_newest_first(client, corrected):
    response = client.get("/dinh-chinh/")
    assert response.status_code == 200
    html = main_column(response.content.decode())
    notes = ["Bổ sung nguồn của số liệu.", "Sửa số liệu ngân sách.", "Sửa tên xã Hải Xuân thành Hải Đông."]
    positions = [html.index(note) for note in notes]
    assert positions == sorted(positions)
    assert html.count('class="correction-item"') == 3  # the article corrected twice is there twice
    assert "Sửa tiêu đề." not in html and "Bài đã gỡ" not in html  # withdrawn: not the readers' any more
    assert "Bài sửa lỗi chính tả" not in html  # a correction without a note tells readers nothing
    assert f'href="{corrected["first"].get_absolute_url()}"' in html
    assert '<time datetime="2026-11-20T14:00:00+07:00">14:00 | 20/11/2026</time>' in html


def test_the_english_page_lives_at_en_corrections(client, corrected):
    article_path = corrected["second"].get_absolute_url()
    html = client.get("/en/corrections/").content.decode()
    assert '<h1 class="topic-name">Corrections</h1>' in html
    assert f'href="/en{article_path}"' in html
    alternates = {
        attrs["hreflang"]: attrs["href"] for _tag, attrs in tags(html, "link") if "hreflang" in attrs
    }
    assert alternates["vi"].endswith("/dinh-chinh/") and alternates["en"].endswith("/en/corrections/")
    assert client.get("/corrections/").status_code == 404
    assert client.get("/en/dinh-chinh/").status_code == 404


def test_the_page_is_paginated(client, editor):
    article = make_article(published_at=NOON - datetime.timedelta(days=1))
    for number in range(21):
        correct(article, editor, f"Đính chính số {number}.", NOON + datetime.timedelta(minutes=number))
    first = main_column(client.get("/dinh-chinh/").content.decode())
    assert first.count('class="correction-item"') == 20 and "Đính chính số 20." in first
    second = main_column(client.get("/dinh-chinh/?page=2").content.decode())
    assert second.count('class="correction-item"') == 1 and "Đính chính số 0." in second
    assert client.get("/dinh-chinh/?page=3").status_code == 404
    assert client.get("/dinh-chinh/?page=abc").status_code == 404


def test_no_correction_yet_says_so(client):
    make_article()
    assert "Chưa có đính chính nào." in client.get("/dinh-chinh/").content.decode()


def test_every_page_links_to_it_from_the_footer(client):
    html = client.get("/").content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    assert '<a href="/dinh-chinh/">Đính chính</a>' in footer
    english = client.get("/en/").content.decode()
    assert (
        '<a href="/en/corrections/">Corrections</a>'
        in english[english.index('<footer class="site-footer">') :]
    )


def test_it_is_in_the_sitemap_with_its_newest_correction(client, corrected):
    sitemap = ET.fromstring(client.get("/sitemap-home.xml").content)
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    entries = {url.findtext(f"{namespace}loc"): url.findtext(f"{namespace}lastmod") for url in sitemap}
    [address] = [loc for loc in entries if loc.endswith("/dinh-chinh/")]
    assert datetime.datetime.fromisoformat(entries[address]) == NOON + datetime.timedelta(hours=2)


@pytest.mark.parametrize("url", ["/dinh-chinh/feed/", "/dinh-chinh/feed/atom/", "/en/corrections/feed/"])
def test_the_feed_has_one_item_per_correction(client, corrected, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = ET.fromstring(response.content)
    texts = [element.text or "" for element in feed.iter()]
    for note in (
        "Bổ sung nguồn của số liệu.",
        "Sửa số liệu ngân sách.",
        "Sửa tên xã Hải Xuân thành Hải Đông.",
    ):
        assert note in texts
    assert "Sửa tiêu đề." not in texts
    ids = [
        text for element, text in zip(feed.iter(), texts, strict=True) if element.tag.endswith(("guid", "id"))
    ]
    correction_ids = [text for text in ids if "#correction-" in text]
    assert len(correction_ids) == 3 == len(set(correction_ids))


def test_the_page_announces_its_feeds(client):
    html = client.get("/dinh-chinh/").content.decode()
    assert 'type="application/rss+xml" title="Đính chính · Báo Quảng Ninh" href="/dinh-chinh/feed/"' in html


@pytest.mark.parametrize("slug", ["dinh-chinh", "corrections"])
def test_a_section_may_not_take_the_pages_address(slug):
    with pytest.raises(ValidationError) as error:
        Section(name="Đính chính", slug=slug).full_clean()
    assert "slug" in error.value.message_dict


def test_a_correction_is_recorded_with_who_when_and_the_note(editor):
    article = make_article_in("published", published_at=NOON - datetime.timedelta(days=1))
    correct(article, editor, "Sửa chú thích ảnh.", NOON)
    [row] = Correction.objects.filter(article=article)
    assert (row.corrected_at, row.note, row.corrected_by) == (NOON, "Sửa chú thích ảnh.", editor)
    article.refresh_from_db()
    assert (article.corrected_at, article.correction_note) == (NOON, "Sửa chú thích ảnh.")
