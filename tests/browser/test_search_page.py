import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_reader_searches_from_the_header_without_accents(browser_page, demo):
    page = browser_page
    page.goto(page.base_url + "/")
    page.get_by_role("searchbox", name="Tìm tin bài").fill("nhiem vu trong tam quang ninh")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=nhiem+vu+trong+tam+quang+ninh")
    assert page.locator(".page-intro").inner_text() == "1 bài viết cho “nhiem vu trong tam quang ninh”"
    title = page.locator(".listing .card-title a")
    assert title.inner_text() == "Xác định nhiệm vụ trọng tâm, cụ thể"
    assert page.locator(".listing .card-title mark").inner_text() == "nhiệm vụ trọng tâm"
    assert page.locator(".listing .card-lead mark").first.inner_text() == "Quảng Ninh"
    page.shot("results-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    page.shot("results-phone")
    title.click()
    page.wait_for_url("**" + demo.get_absolute_url())
    assert page.console.errors == []


def test_no_results_page_and_filters(browser_page, demo):
    page = browser_page
    page.goto(page.base_url + "/search/?q=tau+ngam&section=dia-phuong")
    assert page.locator(".search-empty-title").inner_text() == "Không tìm thấy bài viết nào cho “tau ngam”."
    assert (
        page.locator("details.search-filters").get_attribute("open") is not None
    )  # filters in use stay open
    assert page.locator("#id_section").input_value() == "dia-phuong"
    page.get_by_role("link", name="Hoặc xem tin theo ngày.").click()
    assert page.evaluate("location.hash") == "#by-date-date"
    page.shot("no-results")
    assert page.console.errors == []
