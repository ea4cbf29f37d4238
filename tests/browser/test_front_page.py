"""The front page in Chromium: an editor arranges it in the admin (choosing stories by their title, previewing the
unsaved arrangement), and a reader sees it on a desktop and on a phone; opening an article counts one read.
Screenshots go to artifacts/screenshots/<test>/."""

import pytest

from articles.models import Article
from frontpage.models import Slot
from readership import counting

from .conftest import SCREENSHOTS
from .test_workflow_story import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def choose(page, row, place, title_words, position=None):
    """Fill slot row `row`: its place, its position, and the article found by typing words of its title."""
    page.select_option(f"#id_slots-{row}-place", place)
    if position is not None:
        page.fill(f"#id_slots-{row}-position", str(position))
    page.click(f"#id_slots-{row}-article + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", title_words)
    page.click(f".select2-results__option:has-text('{title_words}')")


def test_an_editor_arranges_the_front_page_and_a_reader_sees_it(browser_page, chromium, demo):
    page = browser_page
    Slot.objects.all().delete()  # start from a front page that arranges itself
    lead = Article.objects.get(slug="xac-dinh-nhiem-vu-trong-tam-cu-the")  # from 2017: nobody's newest story
    featured = Article.objects.published().order_by("published_at").exclude(pk=lead.pk)[0]

    log_in(page, "editor", "editor-demo-2026")
    page.goto(page.base_url + "/admin/frontpage/frontpage/")
    page.wait_for_selector("#slots-group")
    choose(page, 0, "lead", "nhiệm vụ trọng tâm")
    choose(page, 1, "featured", featured.title.split()[0] + " " + featured.title.split()[1], position=1)
    page.shot("arranging")

    with page.expect_popup() as opened:
        page.click("button[name=_preview]")
    preview = opened.value
    preview.wait_for_load_state()
    assert "chưa lưu" in preview.locator(".preview-banner").inner_text()
    assert lead.title in preview.locator(".lead-story-title").inner_text()
    preview.screenshot(
        path=str(
            SCREENSHOTS / "test_an_editor_arranges_the_front_page_and_a_reader_sees_it" / "02-preview.png"
        )
    )
    preview.close()
    assert not Slot.objects.exists()  # previewing saved nothing

    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    assert Slot.objects.count() == 2

    for width, height in ((1280, 900), (390, 844)):
        reader = chromium.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
        home = reader.new_page()
        home.goto(page.base_url + "/")
        assert lead.title in home.locator(".lead-story-title").inner_text()
        assert featured.title in home.locator(".featured-list .card").first.inner_text()
        home.screenshot(
            path=str(
                SCREENSHOTS
                / "test_an_editor_arranges_the_front_page_and_a_reader_sees_it"
                / f"03-home-{width}.png"
            ),
            full_page=True,
        )
        assert not reader.cookies()
        reader.close()

    # A reader opening the lead story counts one read, with no cookie (headless Chromium says so in its
    # User-Agent, and is not counted: this one passes for an ordinary browser).
    reader = chromium.new_context(
        viewport={"width": 1280, "height": 900},
        locale="vi-VN",
        user_agent="Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36",
    )
    story = reader.new_page()
    with story.expect_response(lambda response: "/_hit/" in response.url) as counted:
        story.goto(page.base_url + lead.get_absolute_url())
    assert counted.value.status == 204 and "set-cookie" not in counted.value.headers
    assert counting.hour_counts(counting.hour_now()) == {lead.pk: 1}
    assert not reader.cookies()
    reader.close()
