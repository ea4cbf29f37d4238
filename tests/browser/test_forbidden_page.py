"""A reporter who opens a colleague's draft or a publish address meets the admin's own 403 page, in their language,
at a desktop's and a phone's width."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from ..factories import make_article_in
from .test_workflow_story import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reporter_meets_the_admins_403_page_in_their_language(browser_page, demo):
    users = get_user_model().objects
    reporter, editor = users.get(username="reporter"), users.get(username="editor")
    draft = make_article_in("draft", author=editor, title="Bản nháp của biên tập viên")
    submitted = make_article_in("in_review", author=reporter, title="Bài phóng viên đã gửi duyệt")
    page = browser_page
    log_in(page, "reporter", "reporter-demo-2026")

    for prefix, heading, why in [
        ("", "Bạn không mở được trang này", "Bài này chưa đăng và không phải bài của bạn"),
        ("/en", "You cannot open this page", "This article is not published and is not yours"),
    ]:
        response = page.goto(
            page.base_url + prefix + reverse("admin:articles_article_change", args=[draft.pk])
        )
        assert response.status == 403
        assert page.get_attribute("html", "lang") == (prefix.strip("/") or "vi")
        assert page.locator("#site-name").is_visible()  # the admin's header, with the user's tools
        assert page.locator("#content h1").inner_text() == heading
        assert why in page.locator(".errornote").inner_text()
        assert draft.title not in page.content()
        page.shot(f"draft{prefix.replace('/', '-')}-1280")
        page.set_viewport_size({"width": 390, "height": 844})
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.shot(f"draft{prefix.replace('/', '-')}-390")
        page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(page.base_url + reverse("admin:articles_article_change", args=[submitted.pk]))
    publish = reverse("admin:articles_article_transition", args=[submitted.pk, "publish"])
    # Followed from the article's page, as a link pasted into it would be.
    with page.expect_navigation() as navigation:
        page.evaluate("url => { location.href = url; }", publish)
    assert navigation.value.status == 403
    assert "Bạn không được phép “Xuất bản / hẹn giờ” bài viết này." in page.locator(".errornote").inner_text()
    page.click("text=Quay lại trang trước")
    page.wait_for_url(f"**{reverse('admin:articles_article_change', args=[submitted.pk])}")
    page.go_back()
    page.shot("publish-1280")
    assert [error for error in page.console.errors if "403" not in error] == []
