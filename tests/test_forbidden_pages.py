"""403 pages: staff meet the admin's own page in their language, saying why and what they may do; readers meet the
public site's page. Never Django's bare English "403 Forbidden"."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse

from newsroom.views import permission_denied

from .factories import make_article_in, make_user

pytestmark = pytest.mark.django_db

REPORTER_DUTIES = "Là phóng viên, bạn viết bài, sửa bản nháp của mình, gửi duyệt"


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def transition_url(article, name):
    return reverse("admin:articles_article_transition", args=[article.pk, name])


def test_someone_elses_draft_answers_the_admins_403_in_vietnamese(reporter_client, other_reporter):
    draft = make_article_in("draft", author=other_reporter, title="Bản nháp của đồng nghiệp")
    response = reporter_client.get(change_url(draft))
    assert response.status_code == 403
    assert "admin/403.html" in [template.name for template in response.templates]
    html = response.content.decode()
    assert '<html lang="vi"' in html and "403 Forbidden" not in html
    assert '<div id="branding">' in html and "Báo Quảng Ninh · Tòa soạn" in html  # the admin's header
    assert "<h1>Bạn không mở được trang này</h1>" in html
    assert "Bài này chưa đăng và không phải bài của bạn" in html
    assert REPORTER_DUTIES in html
    assert f'<a href="{reverse("admin:articles_article_changelist")}">Danh sách bài viết</a>' in html
    assert f'<a href="{reverse("admin:index")}">Bàn làm việc tòa soạn</a>' in html
    assert draft.title not in html  # the refusal does not reveal what it protects


def test_the_english_admin_answers_in_english(reporter_client, other_reporter):
    draft = make_article_in("draft", author=other_reporter)
    response = reporter_client.get("/en" + change_url(draft))
    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert "<h1>You cannot open this page</h1>" in html
    assert "This article is not published and is not yours" in html
    assert "As a reporter you write articles" in html


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_publish_url_tells_the_reporter_who_publishes(reporter_client, reporter, method):
    article = make_article_in("in_review", author=reporter)
    response = getattr(reporter_client, method)(transition_url(article, "publish"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Bạn không được phép “Xuất bản / hẹn giờ” bài viết này." in html
    assert "Việc duyệt, xuất bản và đính chính bài do biên tập viên làm." in html


def test_the_way_back_is_offered_only_to_a_page_of_this_site(reporter_client, other_reporter):
    draft = make_article_in("draft", author=other_reporter)
    back = "http://testserver" + reverse("admin:articles_article_changelist") + "?status__exact=draft"
    html = reporter_client.get(change_url(draft), headers={"referer": back}).content.decode()
    assert f'<a href="{back}">Quay lại trang trước</a>' in html
    html = reporter_client.get(
        change_url(draft), headers={"referer": "https://example.com/"}
    ).content.decode()
    assert "Quay lại trang trước" not in html and "example.com" not in html


def test_staff_without_a_role_are_told_to_ask_for_one(client, roles, other_reporter):
    client.force_login(make_user("thuky", groups=["Thư ký tòa soạn"]))
    draft = make_article_in("draft", author=other_reporter)
    response = client.get(transition_url(draft, "publish"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Tài khoản của bạn chưa có vai trò trong tòa soạn" in html
    assert "Danh sách bài viết" not in html  # no link to a list they cannot open


@pytest.mark.parametrize("who", ["anonymous", "reader", "editor"])
def test_everyone_else_gets_the_public_sites_403(request, who):
    """Readers, and staff anywhere but the admin (the refusal is raised outside any admin URL)."""
    page = RequestFactory().get("/2017/09/29/")
    page.user = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    response = permission_denied(page, PermissionDenied())
    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="vi">' in html and '<header class="site-header">' in html
    assert "Trang không dành cho bạn đọc" in html and "Lỗi 403" in html
    assert '<meta name="robots" content="noindex">' in html
    assert "403 Forbidden" not in html
