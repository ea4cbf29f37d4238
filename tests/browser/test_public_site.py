"""A reader in Chromium: the date picker, a section, an author, the other language; screenshots of each page kind
at a phone's and a desktop's width."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (390, 1280)


def settle(page):
    """Load the lazy images too (a full-page screenshot does not scroll), and wait until every one is decoded."""
    page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(img => { img.loading = 'eager'; })")
    # a function, not an expression: the page's CSP forbids the eval Playwright would use for one
    page.wait_for_function(
        "() => Array.from(document.images).every(img => img.complete && img.naturalWidth > 0)"
    )


def screenshots(page, name):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        settle(page)
        # Nothing may stick out sideways: a phone must never scroll horizontally.
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (
            f"{name} overflows at {width}px"
        )
        page.shot(f"{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_reader_browses_by_date_section_author_and_language(browser_page, demo):
    page = browser_page
    page.goto(page.base_url + "/")
    assert page.locator(".lead-story img").count() == 1
    screenshots(page, "home")

    page.goto(page.base_url + demo.get_absolute_url())
    screenshots(page, "article-vi")
    page.fill("#by-date-date", "29/09/2017")  # day/month/year, as the paper prints dates
    page.click(".by-date-form button[type=submit]")
    page.wait_for_url("**/2017/09/29/")
    assert page.locator("h1").inner_text() == "Thứ Sáu, 29/09/2017"
    assert page.locator(".main-column .card-title a").first.inner_text() == demo.title
    screenshots(page, "day")

    page.click(".sections-nav >> text=Địa phương")
    page.wait_for_url("**/dia-phuong/")
    assert page.locator(".page-label").inner_text() == "ĐỊA PHƯƠNG"  # uppercase by the stylesheet
    screenshots(page, "section")

    page.click(f".main-column .card-title a:text-is('{demo.title}')")
    page.wait_for_url(f"**{demo.get_absolute_url()}")
    page.click(".bylines a[rel=author]")
    page.wait_for_url("**/author/le-tung/")
    assert page.locator("h1").inner_text() == "Lê Tùng"

    page.click(".language-switch a[hreflang=en]")
    page.wait_for_url("**/en/author/le-tung/")
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator(".page-label").inner_text() == "AUTHOR"
    page.goto(page.base_url + "/en" + demo.get_absolute_url())
    assert page.locator("#other-news-title").inner_text() == "OTHER NEWS"
    screenshots(page, "article-en")
    assert page.console.errors == []


def test_the_keyboard_reaches_the_content_through_a_visible_skip_link(browser_page, demo):
    page = browser_page
    page.goto(page.base_url + demo.get_absolute_url())
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    box = skip.bounding_box()
    assert box["y"] >= 0 and box["height"] > 20  # moved into view when focused
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # the focus ring is drawn
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    page.shot("skip-link-used", full_page=False)
    assert page.console.errors == []
