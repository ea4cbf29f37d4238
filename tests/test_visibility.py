"""Drafts, articles in review, approved, unpublished or scheduled: on no public page, feed or sitemap."""

import datetime

import pytest
from django.utils import timezone

from articles.models import Status

from .factories import make_article, make_byline, make_photo, make_section, uploaded_image

pytestmark = pytest.mark.django_db


HIDDEN = "BÀI KHÔNG ĐƯỢC LỘ"


@pytest.fixture
def hidden_everywhere():
    """A published article and, beside it, one article in every state readers may not see, all alike."""
    section = make_section(name="Địa phương", slug="dia-phuong")
    byline = make_byline(name="Lê Tùng", slug="le-tung")
    published_at = timezone.now() - datetime.timedelta(hours=2)
    visible = make_article(
        section=section, bylines=[byline], tags=["Quảng Ninh"], title="Bài đã đăng", published_at=published_at
    )
    make_photo(visible, is_lead=True, image=uploaded_image(width=400, height=300))
    hidden = []
    for status in (Status.DRAFT, Status.IN_REVIEW, Status.APPROVED, Status.UNPUBLISHED):
        hidden.append(
            make_article(
                section=section,
                bylines=[byline],
                tags=["Quảng Ninh"],
                title=f"{HIDDEN} {status}",
                status=status,
                published_at=published_at - datetime.timedelta(minutes=5),
            )
        )
    hidden.append(  # scheduled: published, but not due for another hour
        make_article(
            section=section,
            bylines=[byline],
            tags=["Quảng Ninh"],
            title=f"{HIDDEN} scheduled",
            published_at=timezone.now() + datetime.timedelta(hours=1),
        )
    )
    visible.related.add(*hidden)
    return visible, hidden


def test_drafts_scheduled_and_unpublished_articles_appear_on_no_public_page(client, hidden_everywhere):
    visible, hidden = hidden_everywhere
    day = timezone.localtime(visible.published_at)
    urls = [
        "/",
        "/en/",
        "/dia-phuong/",
        "/author/le-tung/",
        "/tag/quang-ninh/",
        f"/{day:%Y}/",
        f"/{day:%Y/%m}/",
        f"/{day:%Y/%m/%d}/",
        visible.get_absolute_url(),
        "/feeds/latest/",
        "/feeds/latest/atom/",
        "/dia-phuong/feed/",
        "/dia-phuong/feed/atom/",
        "/sitemap.xml",
        "/sitemap-home.xml",
        "/sitemap-sections.xml",
        "/sitemap-articles.xml",
        "/news-sitemap.xml",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert HIDDEN not in body, url
        for article in hidden:
            assert article.slug not in body, (url, article.status)
    assert "Bài đã đăng" in client.get("/dia-phuong/").content.decode()
    for article in hidden:
        assert client.get(article.get_absolute_url()).status_code == 404


def test_the_month_and_day_counts_ignore_hidden_articles(client, hidden_everywhere):
    visible, _hidden = hidden_everywhere
    day = timezone.localtime(visible.published_at)
    html = client.get(f"/{day:%Y/%m}/").content.decode()
    assert f'<span class="day-number">{day.day}</span> <span class="count">1 bài</span>' in html
    assert "Có 1 bài được đăng trong ngày này." in client.get(f"/{day:%Y/%m/%d}/").content.decode()


def test_the_update_stamp_ignores_scheduled_articles(client, hidden_everywhere):
    visible, _hidden = hidden_everywhere
    html = client.get("/").content.decode()
    stamp = timezone.localtime(visible.published_at)
    assert f'Cập nhật <time datetime="{stamp.isoformat()}">{stamp:%H:%M | %d/%m/%Y}</time> (GMT+7)' in html
