"""The desk's rules: four eyes, desks, the pre-publish checklist and the editing aids of the article form.

Who may open which address, role by role, is in tests/test_permissions_matrix.py; here is how each rule behaves.
"""

import pytest
from django.core import checks
from django.core.exceptions import ValidationError
from django.urls import reverse

from articles import workflow
from articles.dashboard import dashboard
from articles.desks import desk_of
from articles.models import Article, Revision, Status
from articles.workflow import TransitionNotAllowed

from .factories import form_data, make_article_in, make_byline, make_photo, make_section, make_user
from .pages import meta

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def transition_url(article, name):
    return reverse("admin:articles_article_transition", args=[article.pk, name])


def refreshed(article):
    return Article.objects.get(pk=article.pk)


# Four eyes.


@pytest.mark.parametrize(("state", "step"), [("in_review", "approve"), ("approved", "publish")])
def test_an_editor_may_not_approve_or_publish_their_own_article(editor, second_editor, state, step):
    article = make_article_in(state, author=editor)
    with pytest.raises(TransitionNotAllowed) as refusal:
        workflow.perform(article, step, editor, notify=False)
    assert refusal.value.reason == TransitionNotAllowed.PERMISSION
    assert refreshed(article).status == state
    assert step not in [available.name for available in workflow.available(article, editor)]
    workflow.perform(article, step, second_editor, notify=False)  # a second pair of eyes may
    assert refreshed(article).status == {"approve": Status.APPROVED, "publish": Status.PUBLISHED}[step]


def test_a_byline_is_authorship_too(editor, second_editor, reporter):
    article = make_article_in("approved", author=reporter)
    article.byline_links.create(byline=editor.byline, position=1)
    with pytest.raises(TransitionNotAllowed):
        workflow.perform(article, "publish", editor, notify=False)


def test_the_editor_who_last_edited_the_text_may_not_approve_it(
    editor_client, editor, second_editor, reporter, admin_form
):
    article = make_article_in("in_review", author=reporter)
    data = admin_form(editor_client.get(change_url(article)))
    assert (
        editor_client.post(
            change_url(article), {**data, "lead": "Sapo do biên tập viên viết lại."}
        ).status_code
        == 302
    )
    assert refreshed(article).last_edited_by == editor
    assert editor_client.post(transition_url(article, "approve"), {}).status_code == 403
    assert refreshed(article).status == Status.IN_REVIEW
    # Other steps stay theirs: four eyes is about approving and publishing.
    assert {"send_back", "reassign"} <= {step.name for step in workflow.available(refreshed(article), editor)}
    workflow.perform(article, "approve", second_editor, notify=False)
    assert refreshed(article).status == Status.APPROVED


def test_a_save_that_changes_nothing_makes_nobody_the_last_editor(
    editor_client, editor, reporter, admin_form
):
    article = make_article_in("in_review", author=reporter)
    data = admin_form(editor_client.get(change_url(article)))
    data["body"] = data["body"].replace("</p><p>", "</p>\n\n<p>")  # the editor's browser reformats the markup
    editor_client.post(change_url(article), {**data, "_then": "approve"})
    assert refreshed(article).last_edited_by is None
    assert editor_client.post(transition_url(article, "approve"), {}).status_code == 302
    assert refreshed(article).status == Status.APPROVED


def test_a_changed_caption_counts_as_an_edit(editor_client, editor, reporter, admin_form):
    article = make_article_in("approved", author=reporter)
    make_photo(article, caption="Chú thích cũ", is_lead=True)
    data = admin_form(editor_client.get(change_url(article)))
    editor_client.post(change_url(article), {**data, "photos-0-caption": "Chú thích mới"})
    assert refreshed(article).last_edited_by == editor
    with pytest.raises(TransitionNotAllowed):
        workflow.perform(article, "publish", editor, notify=False)


def test_a_chief_editor_may_publish_their_own_work(chief):
    article = make_article_in("in_review", author=chief)
    workflow.perform(article, "approve", chief, notify=False)
    workflow.perform(article, "publish", chief, notify=False)
    assert refreshed(article).is_published


def test_a_one_person_desk_turns_the_rule_off(settings, editor):
    settings.NEWSROOM = {**settings.NEWSROOM, "FOUR_EYES": False}
    article = make_article_in("in_review", author=editor)
    workflow.perform(article, "approve", editor, notify=False)
    workflow.perform(article, "publish", editor, notify=False)
    assert refreshed(article).is_published


def test_the_bulk_action_refuses_the_editors_own_articles_by_name(editor_client, editor, reporter):
    own = make_article_in("approved", author=editor, title="Bài tự viết")
    other = make_article_in("approved", author=reporter, title="Bài của phóng viên")
    response = editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected_now", "_selected_action": [own.pk, other.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert "“Bài tự viết”" in html and "hai người duyệt" in html
    assert refreshed(own).status == Status.APPROVED and refreshed(other).status == Status.PUBLISHED


# Desks.


@pytest.fixture
def desks(roles):
    """Two sections; an editor on the first one's desk; a reporter's article in review in each."""
    economy, culture = (
        make_section(name="Kinh tế", slug="kinh-te"),
        make_section(name="Văn hóa", slug="van-hoa"),
    )
    desk_editor = make_user("bientap-kinhte", role="Editors", name="Ngọc Lan")
    economy.editors.add(desk_editor)
    reporter = make_user("pv-ban", role="Reporters", name="Minh Anh", byline=True)
    return {
        "economy": economy,
        "culture": culture,
        "desk_editor": desk_editor,
        "reporter": reporter,
        "economy_article": make_article_in(
            "in_review", author=reporter, section=economy, title="Bài kinh tế"
        ),
        "culture_article": make_article_in(
            "in_review", author=reporter, section=culture, title="Bài văn hóa"
        ),
    }


def test_a_desk_editor_reviews_and_publishes_only_their_desk(desks):
    editor = desks["desk_editor"]
    names = {step.name for step in workflow.available(desks["economy_article"], editor)}
    assert {"start_review", "send_back", "approve", "publish", "reassign"} <= names
    assert {step.name for step in workflow.available(desks["culture_article"], editor)} == set()
    with pytest.raises(TransitionNotAllowed):
        workflow.perform(desks["culture_article"], "approve", editor, notify=False)
    workflow.perform(desks["economy_article"], "publish", editor, notify=False)
    assert refreshed(desks["economy_article"]).is_published


def test_corrections_and_withdrawals_are_not_held_up_by_desks(desks):
    article = make_article_in("published", author=desks["reporter"], section=desks["culture"])
    names = {step.name for step in workflow.available(article, desks["desk_editor"])}
    assert names == {"correct", "unpublish"}


def test_an_editor_on_no_desk_and_a_chief_editor_cover_every_section(desks, editor, chief):
    for who in (editor, chief):
        for article in (desks["economy_article"], desks["culture_article"]):
            assert "approve" in [step.name for step in workflow.available(article, who)], who


def test_a_reporter_names_a_desk_when_submitting(desks, client):
    reporter, desk_editor = desks["reporter"], desks["desk_editor"]
    article = make_article_in(
        "draft", author=reporter, section=desks["culture"], title="Lễ hội và kinh tế đêm"
    )
    client.force_login(reporter)
    page = client.get(transition_url(article, "submit"))
    assert "Ban biên tập của chuyên mục (Văn hóa)" in page.content.decode()
    response = client.post(transition_url(article, "submit"), {"desk": desks["economy"].pk, "comment": ""})
    assert response.status_code == 302
    article = refreshed(article)
    assert (article.status, article.desk) == (Status.IN_REVIEW, desks["economy"])
    assert desk_of(article) == desks["economy"].pk
    workflow.perform(article, "approve", desk_editor, notify=False)  # the Economy desk reviews it now
    assert refreshed(article).status == Status.APPROVED


def test_an_editor_of_another_desk_cannot_be_named_to_review(desks, client):
    article = make_article_in("draft", author=desks["reporter"], section=desks["culture"])
    client.force_login(desks["reporter"])
    response = client.post(transition_url(article, "submit"), {"editor": desks["desk_editor"].pk})
    assert response.status_code == 200
    assert "phụ trách ban biên tập của chuyên mục khác" in response.content.decode()
    assert refreshed(article).status == Status.DRAFT


def test_the_desk_editors_dashboard_shows_their_desk(desks, editor, client):
    queues = {queue.key: queue for queue in dashboard(desks["desk_editor"])}
    assert [article.title for article in queues["in_review"].articles] == ["Bài kinh tế"]
    assert queues["in_review"].total == 1
    everyone = {queue.key: queue for queue in dashboard(editor)}
    assert {article.title for article in everyone["in_review"].articles} == {"Bài kinh tế", "Bài văn hóa"}
    client.force_login(desks["desk_editor"])
    html = client.get(reverse("admin:index")).content.decode()
    assert "Ban của bạn:" in html and "<strong>Kinh tế</strong>" in html


def test_a_submission_to_a_desk_mails_its_editors_and_those_covering_every_desk(
    desks, editor, chief, mailoutbox, django_capture_on_commit_callbacks
):
    culture_only = make_user("bientap-vanhoa", role="Editors", name="Thu Hà")
    desks["culture"].editors.add(culture_only)
    article = make_article_in("draft", author=desks["reporter"], section=desks["economy"])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(article, "submit", desks["reporter"])
    recipients = sorted(address for message in mailoutbox for address in message.to)
    assert recipients == sorted(
        [desks["desk_editor"].email, editor.email, chief.email]
    )  # not the culture desk's editor


def test_only_a_chief_editor_seats_editors_on_desks(desks, editor, chief, client):
    section = desks["culture"]
    url = reverse("admin:sections_section_change", args=[section.pk])
    for who, seated in ((editor, False), (chief, True)):
        client.force_login(who)
        data = form_data(client.get(url), "section_form")
        data["editors"] = [str(editor.pk)]
        assert client.post(url, data).status_code == 302
        assert section.editors.filter(pk=editor.pk).exists() is seated, who
        section.editors.clear()


# The pre-publish checklist.


def publish_page(client, article):
    return client.get(transition_url(article, "publish")).content.decode()


def test_the_publish_form_warns_of_what_is_missing(editor_client, reporter):
    article = make_article_in("approved", author=reporter, lead="Ngắn quá.")
    html = publish_page(editor_client, article)
    assert "Trước khi xuất bản" in html
    assert html.count("checklist-warning") == 3  # no photo, a short lead, no tag
    assert html.count("checklist-passed") == 1  # the section
    assert "còn thiếu: vẫn có thể xuất bản" in html and "disabled" not in html.split("submit-row")[1]
    assert editor_client.post(transition_url(article, "publish"), {}).status_code == 302
    assert refreshed(article).is_published  # warnings do not block


def test_required_items_block_publishing_until_they_are_there(settings, editor_client, editor, reporter):
    settings.NEWSROOM = {**settings.NEWSROOM, "PUBLISH_CHECKLIST_REQUIRED": ("photo", "tags")}
    article = make_article_in("approved", author=reporter)
    html = publish_page(editor_client, article)
    assert html.count("checklist-blocked") == 2 and "bắt buộc: chưa thể xuất bản khi thiếu mục này" in html
    response = editor_client.post(transition_url(article, "publish"), {})
    assert response.status_code == 200
    assert "Tòa soạn yêu cầu có những mục này trước khi xuất bản" in response.content.decode()
    assert refreshed(article).status == Status.APPROVED
    with pytest.raises(ValidationError):  # every caller alike: the bulk action, scripts
        workflow.perform(article, "publish", editor, notify=False)
    make_photo(article, is_lead=True)
    article.tags.set(["Kinh tế"])
    workflow.perform(article, "publish", editor, notify=False)
    assert refreshed(article).is_published


def test_a_photo_without_alt_text_fails_the_photo_item(reporter):
    article = make_article_in("approved", author=reporter)
    make_photo(article, is_lead=True)
    make_photo(article, alt_text=" ")
    items = {item.key: item.passed for item in workflow.checklist(article)}
    assert items["photo"] is False


def test_a_misspelt_required_item_stops_the_site_from_starting(settings):
    settings.NEWSROOM = {**settings.NEWSROOM, "PUBLISH_CHECKLIST_REQUIRED": ("photos",)}
    [error] = workflow.check_publish_checklist(None)
    assert error.id == "articles.E001" and error.level == checks.ERROR and "photos" in error.msg


# Editing aids.


def test_the_form_shows_the_length_and_reading_time(editor_client, reporter):
    words = " ".join(["chữ"] * 399)
    article = make_article_in("draft", author=reporter, lead="Một", body=f"<p>{words}</p>")
    html = editor_client.get(change_url(article)).content.decode()
    assert "400 từ · khoảng 2 phút đọc" in html
    assert 'data-other="%(words)s từ · khoảng %(minutes)s phút đọc"' in html
    assert "js/article_aids.js" in html


def test_seo_title_and_description_default_to_the_title_and_lead(client, reporter):
    article = make_article_in("published", author=reporter, title="Tiêu đề bài", lead="Sapo của bài.")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<title>Tiêu đề bài · Báo Quảng Ninh</title>" in html
    assert meta(html, "description") == ["Sapo của bài."]
    assert meta(html, "og:title") == ["Tiêu đề bài"] and meta(html, "og:description") == ["Sapo của bài."]
    article.seo_title, article.seo_description = "Tiêu đề ngắn cho Google", "Mô tả riêng."
    article.save()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<title>Tiêu đề ngắn cho Google · Báo Quảng Ninh</title>" in html
    assert meta(html, "description") == ["Mô tả riêng."] and meta(html, "og:description") == ["Mô tả riêng."]
    assert meta(html, "og:title") == ["Tiêu đề ngắn cho Google"]
    assert (
        '<h1 id="article-title" class="article-title">Tiêu đề bài</h1>' in html
    )  # the page keeps its headline


def test_the_seo_fields_show_their_defaults_and_are_kept_in_revisions(
    reporter_client, reporter, admin_form, editor
):
    article = make_article_in("draft", author=reporter, title="Tiêu đề bài", lead="Sapo của bài.")
    response = reporter_client.get(change_url(article))
    html = response.content.decode()
    assert 'placeholder="Tiêu đề bài"' in html and 'placeholder="Sapo của bài."' in html
    data = admin_form(response)
    reporter_client.post(change_url(article), {**data, "seo_title": "Tiêu đề cho mạng xã hội"})
    revision = article.revisions.get(kind=Revision.Kind.SAVED)
    assert revision.snapshot["seo_title"] == "Tiêu đề cho mạng xã hội"


def test_authorship_by_byline_alone(editor):
    """A byline without an account is nobody's own work."""
    article = make_article_in("approved")
    article.byline_links.create(byline=make_byline(name="Cộng tác viên"), position=0)
    assert not workflow.own_work(editor, article)
