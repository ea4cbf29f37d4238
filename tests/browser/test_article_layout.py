"""The article page's related column and the date fields, in Chromium, in both languages: screenshots at a
desktop's and a phone's width."""

import pytest

from .conftest import SCREENSHOTS, Console
from .test_public_site import settle

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def english_browser(chromium, live_server, request):
    """A reader whose browser speaks English (it would show a native date input as mm/dd/yyyy)."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.console = Console(page)
    page.base_url = live_server.url
    folder = SCREENSHOTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    taken = []

    def shot(name, full_page=True, **options):
        path = folder / f"{len(taken) + 1:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=full_page, **options)
        taken.append(path)
        return path

    page.shot = shot
    yield page
    context.close()


def document_box(page, selector):
    return page.evaluate(
        """selector => { const r = document.querySelector(selector).getBoundingClientRect();
        return {top: r.top + scrollY, bottom: r.bottom + scrollY, left: r.left, right: r.right, width: r.width}; }""",
        selector,
    )


@pytest.mark.parametrize("prefix", ["", "/en"], ids=["vi", "en"])
def test_related_articles_sit_beside_the_title_and_stack_under_the_article_on_a_phone(
    english_browser, demo, prefix
):
    page = english_browser
    page.goto(page.base_url + prefix + demo.get_absolute_url())
    settle(page)
    # Wherever the page is scrolled to (a reload, a link back), the column starts level with the title.
    page.mouse.wheel(0, 900)
    page.wait_for_function("() => scrollY >= 800")
    title, related = document_box(page, "#article-title"), document_box(page, ".related")
    assert abs(related["top"] - title["top"]) <= 2
    assert related["left"] > title["right"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.shot(f"article{prefix.replace('/', '-')}-1280")

    page.set_viewport_size({"width": 390, "height": 844})
    settle(page)
    article, related = document_box(page, ".article"), document_box(page, ".related")
    strip = document_box(page, ".by-date-strip")
    assert article["bottom"] <= related["top"] < strip["top"]  # after the article, before the date form
    assert related["width"] >= 0.9 * article["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator(".related").scroll_into_view_if_needed()
    page.shot(f"article{prefix.replace('/', '-')}-390-related", full_page=False)
    assert page.console.errors == []


@pytest.mark.parametrize(
    ("prefix", "placeholder", "heading"),
    [("", "ngày/tháng/năm", "Thứ Sáu, 29/09/2017"), ("/en", "dd/mm/yyyy", "Friday, September 29, 2017")],
    ids=["vi", "en"],
)
def test_an_english_browser_reads_the_date_field_in_the_page_language(
    english_browser, demo, prefix, placeholder, heading
):
    page = english_browser
    page.goto(page.base_url + prefix + "/")
    field = page.locator("#by-date-date")
    assert field.get_attribute("placeholder") == placeholder
    # What the reader sees in the empty field is the page's day/month/year, not the browser's mm/dd/yyyy.
    assert page.evaluate("document.querySelector('#by-date-date').type") == "text"
    field.scroll_into_view_if_needed()
    page.shot(f"by-date{prefix.replace('/', '-')}-empty", full_page=False)
    field.fill("29/09/2017")
    page.click(".by-date-form button[type=submit]")
    page.wait_for_url(f"**{prefix}/2017/09/29/")
    assert page.locator("h1").inner_text() == heading
    assert page.locator("#by-date-date").input_value() == "29/09/2017"

    page.goto(page.base_url + prefix + "/search/?q=quang+ninh")
    page.click("details.search-filters summary")
    assert page.locator("#id_from").get_attribute("placeholder") == placeholder
    page.fill("#id_from", "01/09/2017")
    page.fill("#id_to", "30/09/2017")
    page.click(".search-page-main button[type=submit]")
    page.wait_for_url("**from=01%2F09%2F2017**")
    assert demo.title in page.locator(".listing").inner_text()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.locator(".search-page-form").scroll_into_view_if_needed()
        page.shot(f"search-dates{prefix.replace('/', '-')}-{width}", full_page=False)
    assert page.console.errors == []
