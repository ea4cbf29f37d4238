"""The front page as editors arrange it (frontpage): choosing, ordering, expiring and falling back, withdrawn
stories leaving their slots at once, the preview, the audit log, and who may arrange."""

import datetime

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.utils import timezone

from articles import workflow
from frontpage.models import FrontPage, Place, Slot

from .factories import make_article, make_photo, make_section

pytestmark = pytest.mark.django_db

CHANGE_URL = "/admin/frontpage/frontpage/1/change/"


@pytest.fixture
def stories():
    """Eight articles of the last hours, newest first, the oldest ones with photos, in two sections."""
    here, there = make_section(slug="thoi-su", position=1), make_section(slug="kinh-te", position=2)
    now = timezone.now()
    articles = [
        make_article(
            section=here if number % 2 else there,
            title=f"Tin số {number}",
            published_at=now - datetime.timedelta(hours=number + 1),
        )
        for number in range(8)
    ]
    for article in articles[4:]:
        make_photo(article, is_lead=True)
    return articles


def arrange(*slots):
    """Slots given as (place, article) or (place, article, {position, until, section})."""
    front_page = FrontPage.current()
    for place, article, *options in slots:
        Slot.objects.create(
            front_page=front_page, place=place, article=article, **(options[0] if options else {})
        )


def lead_of(response):
    return response.context["lead_story"]


def featured_of(response):
    return [article.title for article in response.context["featured"]]


def test_without_an_arrangement_the_newest_stories_fill_the_page(client, stories):
    response = client.get("/")
    # The newest with a photo leads; the row shows the newest of the others.
    assert lead_of(response) == stories[4]
    assert featured_of(response) == ["Tin số 0", "Tin số 1", "Tin số 2", "Tin số 3", "Tin số 5"]
    assert stories[4] not in response.context["newest"]


def test_an_editor_chooses_the_lead_and_the_featured_row_in_the_admin(
    editor_client, editor, admin_form, stories
):
    form = admin_form(editor_client.get(CHANGE_URL))
    form.update(
        {
            "slots-TOTAL_FORMS": "3",
            "slots-0-place": Place.LEAD,
            "slots-0-position": "1",
            "slots-0-article": stories[7].pk,
            "slots-1-place": Place.FEATURED,
            "slots-1-position": "1",
            "slots-1-article": stories[6].pk,
            "slots-2-place": Place.SECTION,
            "slots-2-position": "1",
            "slots-2-section": stories[5].section_id,
            "slots-2-article": stories[5].pk,
        }
    )
    response = editor_client.post(CHANGE_URL, form)
    assert response.status_code == 302, response.context and response.context["errors"]

    page = editor_client.get("/")
    assert lead_of(page) == stories[7]
    assert featured_of(page)[0] == "Tin số 6"
    blocks = dict(page.context["section_blocks"])
    assert blocks[stories[5].section][0] == stories[5]
    # Who, when, what: the admin's history of the arrangement.
    entry = LogEntry.objects.get(object_id="1", content_type__model="frontpage")
    assert entry.user == editor and "Tin số 7" in entry.get_change_message()
    assert FrontPage.current().changed_by == editor
    # The form names who saved last as staff know them, not by their login.
    shown = editor_client.get(CHANGE_URL).content.decode()
    assert "Hoàng Nga" in shown and "hoangnga<" not in shown


def test_the_featured_row_follows_the_positions_and_reordering_changes_it(client, stories):
    arrange((Place.FEATURED, stories[6], {"position": 2}), (Place.FEATURED, stories[7], {"position": 1}))
    assert featured_of(client.get("/")) == ["Tin số 7", "Tin số 6", "Tin số 0", "Tin số 1", "Tin số 2"]
    Slot.objects.filter(article=stories[7]).update(position=3)
    assert featured_of(client.get("/")) == ["Tin số 6", "Tin số 7", "Tin số 0", "Tin số 1", "Tin số 2"]


def test_the_admins_path_to_the_arrangement_names_each_step_once(editor_client, stories):
    """In Vietnamese the admin's home and the newspaper's front page were both "Trang chủ": the breadcrumbs said it
    four times. The front page is "Trang nhất", as newspapers say, and the arrangement is named as such."""
    page = editor_client.get(CHANGE_URL, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    crumbs = page[page.index('class="breadcrumbs"') : page.index("</div>", page.index('class="breadcrumbs"'))]
    assert crumbs.count("Trang chủ") == 1 and "Trang nhất" in crumbs and "Bố cục trang nhất" in crumbs


def test_two_leads_or_clashing_positions_are_form_errors(editor_client, admin_form, stories):
    form = admin_form(editor_client.get(CHANGE_URL))
    form.update(
        {
            "slots-TOTAL_FORMS": "2",
            "slots-0-place": Place.FEATURED,
            "slots-0-position": "2",
            "slots-0-article": stories[1].pk,
            "slots-1-place": Place.FEATURED,
            "slots-1-position": "2",
            "slots-1-article": stories[2].pk,
        }
    )
    response = editor_client.post(CHANGE_URL, form)
    assert response.status_code == 200 and not Slot.objects.exists()
    form.update(
        {"slots-1-position": "1", "slots-1-place": Place.SECTION}
    )  # a section block without its section
    response = editor_client.post(CHANGE_URL, form)
    assert response.status_code == 200 and not Slot.objects.exists()


def test_an_expired_slot_falls_back_to_the_newest(client, stories, page_cache):
    until = timezone.now() + datetime.timedelta(hours=1)
    arrange((Place.LEAD, stories[7], {"until": until}))
    first = client.get("/")
    assert lead_of(first) == stories[7]
    assert client.get("/")["X-Page-Cache"] == "hit"
    with time_machine.travel(until + datetime.timedelta(seconds=1)):
        later = client.get("/")
        assert later["X-Page-Cache"] == "miss"
        assert lead_of(later) == stories[4]


def test_an_unpublished_story_leaves_its_slot_at_once(client, editor, stories, page_cache, committed):
    arrange((Place.LEAD, stories[7]), (Place.FEATURED, stories[6]))
    assert "Tin số 7" in client.get("/").content.decode()
    assert client.get("/")["X-Page-Cache"] == "hit"
    with committed():
        workflow.perform(stories[7], "unpublish", editor, comment="Sai thông tin.")
    page = client.get("/")
    assert page["X-Page-Cache"] == "miss"
    assert "Tin số 7" not in page.content.decode() and lead_of(page) == stories[4]
    # Rescheduled: out of the row until its new time comes.
    with committed():
        stories[6].published_at = timezone.now() + datetime.timedelta(days=1)
        stories[6].save()
    assert "Tin số 6" not in client.get("/").content.decode()


def test_a_changed_arrangement_reaches_the_cached_page(client, stories, page_cache, committed):
    client.get("/")
    with committed():
        arrange((Place.LEAD, stories[7]))
    page = client.get("/")
    assert page["X-Page-Cache"] == "miss" and lead_of(page) == stories[7]
    assert "front" in page["xkey"].split()


def test_the_preview_shows_the_unsaved_arrangement_to_editors_only(
    editor_client, reporter_client, admin_form, stories
):
    form = admin_form(editor_client.get(CHANGE_URL))
    form.update(
        {
            "slots-TOTAL_FORMS": "1",
            "slots-0-place": Place.LEAD,
            "slots-0-position": "1",
            "slots-0-article": stories[7].pk,
        }
    )
    response = editor_client.post("/admin/frontpage/frontpage/1/preview/", form)
    assert response.status_code == 200 and lead_of(response) == stories[7]
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert not Slot.objects.exists()
    assert reporter_client.post("/admin/frontpage/frontpage/1/preview/", form).status_code == 403


def test_a_reporter_sees_the_arrangement_but_may_not_change_it(
    reporter_client, editor_client, admin_form, stories
):
    arrange((Place.LEAD, stories[7]))
    page = reporter_client.get(CHANGE_URL)
    assert page.status_code == 200 and "Tin số 7" in page.content.decode()
    assert b'name="_save"' not in page.content
    form = admin_form(editor_client.get(CHANGE_URL))
    form["slots-0-article"] = stories[6].pk
    assert reporter_client.post(CHANGE_URL, form).status_code == 403
    assert Slot.objects.get().article == stories[7]
    # The list leads to the one arrangement.
    assert reporter_client.get("/admin/frontpage/frontpage/").url == CHANGE_URL
