"""The desk's rules in Chromium: the length and reading time while writing, the SEO fields' defaults, the
pre-publish checklist, four eyes on the publish button, a desk editor's dashboard and the corrections page.
Screenshots go to artifacts/screenshots/<test>/."""

import re

import pytest

from articles.models import Article

from .test_csp import RECORD_VIOLATIONS
from .test_workflow_story import CKEDITOR_READY, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def type_in_body(page, text):
    page.wait_for_function(CKEDITOR_READY)
    page.frame_locator("iframe.cke_wysiwyg_frame").locator("body").click()
    page.keyboard.type(text)


def test_a_reporter_sees_the_length_and_the_seo_defaults_while_writing(browser_page, demo):
    page = browser_page
    page.add_init_script(RECORD_VIOLATIONS)
    log_in(page, "reporter", "reporter-demo-2026")
    page.goto(page.base_url + "/admin/articles/article/add/")
    aids = page.locator("output.writing-aids")
    assert aids.inner_text() == "0 từ · khoảng 1 phút đọc"
    page.fill("#id_title", "Cô Tô đón tàu cao tốc")
    page.fill("#id_lead", "Sáng nay tàu cao tốc đầu tiên cập cảng.")  # 9 words
    type_in_body(page, " ".join(["chữ"] * 200))
    page.wait_for_function(
        "() => document.querySelector('output.writing-aids').textContent.startsWith('209 từ')"
    )
    assert aids.inner_text() == "209 từ · khoảng 2 phút đọc"
    assert page.get_attribute("#id_seo_title", "placeholder") == "Cô Tô đón tàu cao tốc"
    assert (
        page.get_attribute("#id_seo_description", "placeholder") == "Sáng nay tàu cao tốc đầu tiên cập cảng."
    )
    page.locator("#id_seo_title").scroll_into_view_if_needed()
    page.shot("writing-aids")
    assert page.evaluate("() => window.__cspViolations") == []


def test_the_publish_form_checklist_and_four_eyes(browser_page, demo):
    page = browser_page
    # An approved article of the reporter's, without a photo or a topic: the checklist warns.
    article = Article.objects.get(title="Trường học vùng cao Bình Liêu có thư viện mới")
    log_in(page, "editor", "editor-demo-2026")
    page.goto(page.base_url + f"/admin/articles/article/{article.pk}/change/")
    page.wait_for_function(CKEDITOR_READY)
    page.click("button.step-publish")
    page.wait_for_url(re.compile(r"/transition/publish/$"))
    checklist = page.locator(".publish-checklist")
    assert checklist.locator(".checklist-warning").count() == 2  # no photo, no topic
    page.shot("publish-checklist")

    # The editor changes the lead, then presses Publish: they edited it, another editor must publish it.
    page.goto(page.base_url + f"/admin/articles/article/{article.pk}/change/")
    page.wait_for_function(CKEDITOR_READY)
    page.fill("#id_lead", "Hơn 600 học sinh bán trú ở Bình Liêu có thư viện với gần 3.000 đầu sách mới.")
    page.click("button.step-publish")
    page.wait_for_url(re.compile(r"/change/$"))
    assert "nguyên tắc hai người duyệt" in page.locator(".messagelist").inner_text()
    assert page.locator("button.step-publish").count() == 0
    page.shot("four-eyes")


def test_a_desk_editors_dashboard_and_the_corrections_page(browser_page, demo):
    page = browser_page
    log_in(page, "vanhoa", "vanhoa-demo-2026")
    assert "Ban của bạn: Văn hóa, Du lịch." in page.locator(".dashboard-desk").inner_text()
    page.shot("desk-dashboard")
    page.goto(page.base_url + "/dinh-chinh/")
    assert page.locator(".correction-item").count() == 3
    page.shot("corrections")
    page.set_viewport_size({"width": 390, "height": 844})
    page.shot("corrections-390")
