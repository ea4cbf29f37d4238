"""Previews: /preview/<id>/ for staff who may see the article, and shareable links that expire or are revoked."""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from articles import previews
from articles.models import PreviewLink

from .factories import make_article_in, make_photo, make_pull_quote

pytestmark = pytest.mark.django_db


def preview_url(article):
    return reverse("articles:preview", args=[article.pk])


@pytest.fixture
def draft(reporter):
    article = make_article_in("draft", author=reporter, title="Bản nháp chưa đăng")
    make_photo(article, caption="Cảng cá Cô Tô", credit="Xuân Việt", placement=1)
    make_pull_quote(article, text="Biển lặng là đi ngay.", attribution_name="Trần Văn Lợi", placement=2)
    return article


def test_readers_get_404(client, draft, reader):
    assert client.get(preview_url(draft)).status_code == 404
    client.force_login(reader)  # an account, but not staff
    assert client.get(preview_url(draft)).status_code == 404


def test_a_reporter_previews_their_own_articles_only(reporter_client, draft, other_reporter):
    assert reporter_client.get(preview_url(draft)).status_code == 200
    someone_elses = make_article_in("draft", author=other_reporter)
    assert reporter_client.get(preview_url(someone_elses)).status_code == 404


def test_an_editor_previews_any_state(editor_client, reporter):
    for state in ("draft", "in_review", "approved", "scheduled", "unpublished"):
        response = editor_client.get(preview_url(make_article_in(state, author=reporter)))
        assert response.status_code == 200, state


def test_the_preview_is_the_article_page_with_a_banner(editor_client, draft):
    response = editor_client.get(preview_url(draft))
    html = response.content.decode()
    assert response.templates[0].name == "articles/preview.html"
    assert "articles/article_detail.html" in [template.name for template in response.templates]
    assert '<div class="preview-banner" role="status">' in html
    assert "Chưa xuất bản: bài đang ở trạng thái “Bản nháp”. Bạn đọc chưa xem được." in html
    assert '<h1 id="article-title" class="article-title">Bản nháp chưa đăng</h1>' in html
    assert '<span class="caption">Cảng cá Cô Tô</span>' in html and "Biển lặng là đi ngay." in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert f'href="{reverse("admin:articles_article_change", args=[draft.pk])}"' in html


def test_a_preview_of_an_unknown_article_is_404(editor_client):
    assert editor_client.get("/preview/999999/").status_code == 404
    assert editor_client.get("/preview/abc/").status_code == 404


def test_a_shared_link_works_until_it_expires(editor_client, draft, frozen_now):
    response = editor_client.post(
        reverse("admin:articles_article_preview_links", args=[draft.pk]), follow=True
    )
    link = PreviewLink.objects.get(article=draft)
    assert link.expires_at == frozen_now + datetime.timedelta(hours=48)
    # The development set-up (no SITE_URL): the link names the host the editor used (tests/test_site_url.py).
    url = re.search(r"http://testserver(/preview/s/[^\s<]+/)", response.content.decode()).group(1)
    assert url == reverse("articles:shared_preview", kwargs={"token": previews.token(link)})
    anonymous = Client()
    page = anonymous.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Bản nháp chưa đăng" in html and "dùng được đến 09:00 30/11/2026 GMT+7" in html
    assert "Quay lại biên tập" not in html  # nothing of the admin for an outsider
    with time_machine.travel(frozen_now + datetime.timedelta(hours=47, minutes=59), tick=False):
        assert anonymous.get(url).status_code == 200
        assert previews.url(link).endswith(url)  # one link, one address, whenever its page is shown
    with time_machine.travel(frozen_now + datetime.timedelta(hours=48, minutes=1), tick=False):
        assert anonymous.get(url).status_code == 404


def test_a_revoked_link_stops_working(editor_client, editor, draft):
    link = previews.create(draft, editor)
    url = reverse("articles:shared_preview", kwargs={"token": previews.token(link)})
    assert Client().get(url).status_code == 200
    change_page = editor_client.get(
        reverse("admin:articles_article_change", args=[draft.pk])
    ).content.decode()
    assert f"http://testserver{url}" in change_page
    revoke = reverse("admin:articles_article_revoke_preview_link", args=[draft.pk, link.pk])
    assert editor_client.get(revoke).status_code == 405
    editor_client.post(revoke)
    link.refresh_from_db()
    assert link.revoked_at is not None and link.revoked_by == editor
    assert Client().get(url).status_code == 404


def test_a_link_shows_its_one_article_and_cannot_be_forged(editor, draft, reporter):
    link = previews.create(draft, editor)
    token = previews.token(link)
    other = make_article_in("draft", author=reporter, title="Bài khác")
    page = Client().get(reverse("articles:shared_preview", kwargs={"token": token}), {"pk": other.pk})
    assert "Bản nháp chưa đăng" in page.content.decode() and "Bài khác" not in page.content.decode()
    forged = [
        token[:-1] + ("A" if token[-1] != "A" else "B"),  # the signature altered
        other_link_key_with_signature_of(token, other, editor),
        "khong-phai-token",
    ]
    for bad in forged:
        assert Client().get(reverse("articles:shared_preview", kwargs={"token": bad})).status_code == 404


def other_link_key_with_signature_of(token, article, editor):
    """Another link's key glued to this link's signature."""
    other = previews.create(article, editor)
    _key, timestamp, signature = token.split(":")
    return f"{other.key.hex}:{timestamp}:{signature}"


def test_only_editors_make_links(reporter_client, draft):
    response = reporter_client.post(reverse("admin:articles_article_preview_links", args=[draft.pk]))
    assert response.status_code == 403
    assert not PreviewLink.objects.exists()
    assert (
        "Tạo liên kết xem trước"
        not in reporter_client.get(reverse("admin:articles_article_change", args=[draft.pk])).content.decode()
    )
