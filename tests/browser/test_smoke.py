import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_reference_article_renders_in_chromium_without_console_errors(browser_page, demo):
    page = browser_page
    page.goto(page.base_url + demo.get_absolute_url())
    assert page.locator("h1.article-title").inner_text() == "Xác định nhiệm vụ trọng tâm, cụ thể"
    photo = page.locator("figure.photo img")
    photo.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=photo.element_handle())
    assert page.locator(".quote-name").inner_text() == "NGUYỄN VĂN ĐỌC"
    page.shot("article-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    page.shot("article-phone")
    assert page.console.errors == []
