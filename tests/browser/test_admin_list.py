"""The admin's list of articles in Chromium: every column fits beside the filters at 1280 px; on a phone the table
scrolls in its own box, the title staying in view. Screenshots in both languages, as the editor and the reporter."""

import pytest

from .test_workflow_story import log_in

pytestmark = pytest.mark.django_db(transaction=True)

GEOMETRY = """() => {
    const box = document.querySelector('#changelist .results'), table = document.querySelector('#result_list');
    const right = box.getBoundingClientRect().right;
    return {
        page: document.documentElement.scrollWidth,
        box: box.clientWidth, table: table.scrollWidth, scrollable: box.scrollWidth > box.clientWidth,
        cut: [...table.querySelectorAll('thead th')].filter(th => th.getBoundingClientRect().right > right + 1)
            .map(th => th.innerText.trim()),
        title: document.querySelector('#result_list tbody tr .field-title').getBoundingClientRect().left,
        bylines: document.querySelector('#result_list tbody tr .field-byline_names').getBoundingClientRect().width,
    };
}"""


@pytest.mark.parametrize(
    ("user", "password"),
    [("editor", "editor-demo-2026"), ("reporter", "reporter-demo-2026")],
    ids=["editor", "reporter"],
)
def test_the_article_list_fits_at_1280_and_scrolls_in_its_box_on_a_phone(browser_page, demo, user, password):
    page = browser_page
    log_in(page, user, password)
    for prefix in ("", "/en"):
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(page.base_url + prefix + "/admin/articles/article/")
        assert page.locator("#nav-sidebar").is_visible() and page.locator("#changelist-filter").is_visible()
        geometry = page.evaluate(GEOMETRY)
        assert geometry["cut"] == [] and geometry["table"] <= geometry["box"], geometry
        assert geometry["page"] <= 1280
        page.shot(f"{user}{prefix.replace('/', '-')}-1280", full_page=False)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base_url + "/admin/articles/article/")
    page.locator("#result_list").scroll_into_view_if_needed()
    before = page.evaluate(GEOMETRY)
    assert before["page"] <= 390  # the page itself never scrolls sideways
    assert before["scrollable"]  # the table does, in its box
    assert before["bylines"] >= 90  # columns keep a readable width rather than a word a line
    page.shot(f"{user}-390", full_page=False)
    page.evaluate("document.querySelector('#changelist .results').scrollLeft = 10000")
    after = page.evaluate(GEOMETRY)
    assert abs(after["title"] - before["title"]) <= 1  # the title stays in view while the other columns pass
    page.shot(f"{user}-390-scrolled", full_page=False)
    assert page.console.errors == []
