"""Drafts, articles in review, approved, unpublished or scheduled: on no public page, feed or sitemap.

Who may open which address (previews, shared links, the admin) is tests/test_permissions_matrix.py; here is what
the pages readers can open let through.
"""

import datetime

import pytest
from django.utils import timezone

from articles.models import Article, Status, _newest_publication_or_correction

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
    # A tag and a byline that only hidden articles carry, and a day on which only hidden articles fall.
    secret_byline = make_byline(name="Người viết bí mật", slug="nguoi-viet-bi-mat")
    lonely_day = published_at - datetime.timedelta(days=5)
    for article in hidden:
        article.tags.add("Chuyện chưa kể")
        article.byline_links.create(byline=secret_byline, position=1)
    hidden.append(
        make_article(
            section=section, title=f"{HIDDEN} lonely draft", status=Status.DRAFT, published_at=lonely_day
        )
    )
    visible.related.add(*hidden)
    # An article of another section, a day older: its "other news" block fills up with the newer articles of the
    # hidden ones' section.
    elsewhere = make_article(
        section=make_section(name="Thể thao", slug="the-thao"),
        title="Tin thể thao",
        published_at=published_at - datetime.timedelta(days=1),
    )
    elsewhere.related.add(*hidden)
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
        # Search finds every word of the hidden titles (folded and accented), yet shows none of them.
        "/search/?q=bai+khong+duoc+lo",
        "/search/?q=B%C3%80I+KH%C3%94NG&section=dia-phuong",
        "/search/?q=lo&author=le-tung",
        "/en/search/?q=bai+khong+duoc+lo",
        # Another section's article: its related, other-news and latest blocks.
        Article.objects.get(title="Tin thể thao").get_absolute_url(),
        "/the-thao/",
        # Pages of a tag and a byline that only hidden articles carry.
        "/tag/chuyen-chua-ke/",
        "/author/nguoi-viet-bi-mat/",
        "/en/dia-phuong/",
        "/en/tag/quang-ninh/",
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


def test_a_day_with_only_hidden_articles_has_no_archive(client, hidden_everywhere):
    _visible, hidden = hidden_everywhere
    lonely = timezone.localtime(hidden[-1].published_at)
    for response in (
        client.get(f"/{lonely:%Y/%m/%d}/"),
        client.get(f"/by-date/?date={lonely:%Y-%m-%d}", follow=True),
    ):
        html = response.content.decode()
        assert response.status_code == 200 and '<p class="empty">' in html
        assert HIDDEN not in html
    assert f'href="/{lonely:%Y/%m/%d}/"' not in client.get(f"/{lonely:%Y/%m}/").content.decode()


def test_search_finds_the_published_article_beside_the_hidden_ones(client, hidden_everywhere):
    """The hidden articles' absence from the results above is the filter's doing, not a search that finds nothing."""
    html = client.get("/search/?q=bai+da+dang").content.decode()
    assert "Bài đã đăng" in html
    assert HIDDEN not in html


def test_the_api_lets_no_hidden_article_through(client, hidden_everywhere):
    """Lists, filters, search and details of the read API (api/views.py) start from published() too."""
    visible, hidden = hidden_everywhere
    day = timezone.localtime(visible.published_at).date()
    lonely_day = day - datetime.timedelta(days=5)
    urls = [
        "/api/v1/articles",
        "/api/v1/articles?limit=100",
        "/api/v1/articles?section=dia-phuong",
        "/api/v1/articles?author=le-tung",
        "/api/v1/articles?tag=quang-ninh",
        f"/api/v1/articles?from={day}&to={day}",
        "/api/v1/articles?q=bai+khong+duoc+lo",
        "/api/v1/articles?q=lo&section=dia-phuong",
        f"/api/v1/articles/{visible.pk}",
        "/api/v1/sections",
        "/api/v1/bylines",
        "/api/v1/tags",
        # A tag and a byline only hidden articles carry: known, but with nothing to list.
        "/api/v1/articles?tag=chuyen-chua-ke",
        "/api/v1/articles?author=nguoi-viet-bi-mat",
        f"/api/v1/articles?from={lonely_day}&to={lonely_day}",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert HIDDEN not in body, url
        for article in hidden:
            assert article.slug not in body, (url, article.status)
    # Who signs and what tags only hidden articles is no reader's business yet.
    assert "nguoi-viet-bi-mat" not in client.get("/api/v1/bylines").content.decode()
    assert "chuyen-chua-ke" not in client.get("/api/v1/tags").content.decode()
    assert [item["title"] for item in client.get("/api/v1/articles").json()["results"]] == [
        "Bài đã đăng",
        "Tin thể thao",
    ]
    listed = {item["id"] for item in client.get("/api/v1/articles?limit=100").json()["results"]}
    assert listed.isdisjoint(article.pk for article in hidden)
    for article in hidden:
        response = client.get(f"/api/v1/articles/{article.pk}")
        assert response.status_code == 404 and response.json() == {
            "detail": "No published article with this id."
        }


def test_the_update_stamp_is_the_newest_publication_or_correction_readers_can_see():
    """What the header's "Cập nhật" stamp reads, both times in one query."""
    stamp = _newest_publication_or_correction
    now = timezone.now()
    assert stamp() is None  # nothing published yet
    older = make_article(published_at=now - datetime.timedelta(hours=5))
    newer = make_article(published_at=now - datetime.timedelta(hours=2))
    make_article(published_at=now + datetime.timedelta(hours=1))  # scheduled: not yet
    make_article(status=Status.DRAFT)
    assert stamp() == newer.published_at
    # A correction later than every publication is the stamp; an earlier one is not.
    Article.objects.filter(pk=older.pk).update(corrected_at=now - datetime.timedelta(hours=3))
    assert stamp() == newer.published_at
    Article.objects.filter(pk=older.pk).update(corrected_at=now - datetime.timedelta(minutes=30))
    assert stamp() == now - datetime.timedelta(minutes=30)
    # The correction of an article readers can no longer see does not count.
    Article.objects.filter(pk=older.pk).update(status=Status.UNPUBLISHED)
    assert stamp() == newer.published_at
