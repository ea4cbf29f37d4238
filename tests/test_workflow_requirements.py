"""Submitting and publishing need what readers will read: a title, a lead, a body with text, a section.

The rule is a requirement of the transitions in articles.workflow, so the admin's buttons, its bulk actions and any
other caller meet the same refusal, and the step's page says what to fill in.
"""

import pytest
from django.urls import reverse

from articles import workflow
from articles.models import Article, ArticleTransition, Revision, Status
from articles.workflow import TransitionNotAllowed

from .factories import make_article_in

pytestmark = pytest.mark.django_db

EMPTY_BODIES = [
    "",
    "<p></p>",
    "<p>&nbsp;</p>",
    "<p> </p><p><br></p>",
    "<h2></h2><p>\u00a0</p>",
    "<p>… – .</p>",
]


def transition_url(article, name):
    return reverse("admin:articles_article_transition", args=[article.pk, name])


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.mark.parametrize("body", EMPTY_BODIES)
def test_a_draft_without_body_text_cannot_be_submitted(reporter, body):
    article = make_article_in("draft", author=reporter, body=body)
    with pytest.raises(TransitionNotAllowed) as refusal:
        workflow.perform(article, "submit", reporter)
    assert refusal.value.reason == TransitionNotAllowed.INCOMPLETE
    assert [str(item) for item in refusal.value.missing] == ["nội dung có chữ (không chỉ dòng trống)"]
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT
    assert not ArticleTransition.objects.exists() and not Revision.objects.exists()


@pytest.mark.parametrize("state", ["in_review", "approved"])
def test_an_article_without_body_text_cannot_be_published(editor, reporter, state):
    article = make_article_in(state, author=reporter, body="<p>&nbsp;</p>")
    with pytest.raises(TransitionNotAllowed) as refusal:
        workflow.perform(article, "publish", editor)
    assert refusal.value.reason == TransitionNotAllowed.INCOMPLETE
    assert "Chưa thể “Xuất bản / hẹn giờ”: bài viết còn thiếu" in str(refusal.value)
    article.refresh_from_db()
    assert article.status == state and article.published_at is None


def test_every_missing_part_is_named(reporter):
    article = make_article_in("draft", author=reporter, title="—", lead="  ", body="")
    with pytest.raises(TransitionNotAllowed) as refusal:
        workflow.check(article, "submit", reporter)
    assert [str(item) for item in refusal.value.missing] == [
        "tiêu đề",
        "sapo",
        "nội dung có chữ (không chỉ dòng trống)",
    ]


def test_an_unsaved_article_without_a_section_is_incomplete(reporter):
    article = Article(title="Tin mới", lead="Sapo.", body="<p>Nội dung.</p>", created_by=reporter)
    assert [str(item) for item in workflow.TRANSITIONS["submit"].requires(article)] == ["chuyên mục"]


def test_a_complete_article_goes_through(reporter, editor):
    article = make_article_in("draft", author=reporter, body="<p>Một câu thật.</p>")
    article = workflow.perform(article, "submit", reporter)
    assert article.status == Status.IN_REVIEW
    assert workflow.perform(article, "publish", editor).is_published


def test_other_steps_are_not_held_back(reporter, editor):
    """Sending back, taking back and unpublishing an empty article must stay possible."""
    article = make_article_in("in_review", author=reporter, body="")
    workflow.perform(article, "send_back", editor, comment="Viết thêm nội dung.")
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT


# In the admin.


def test_the_submit_button_stays_and_its_page_says_what_is_missing(reporter_client, reporter, admin_form):
    article = make_article_in("draft", author=reporter, body="<p>Nội dung cũ.</p>")
    form = reporter_client.get(change_url(article))
    assert b'name="_then" value="submit"' in form.content
    response = reporter_client.post(
        change_url(article), {**admin_form(form), "body": "<p>&nbsp;</p>", "_then": "submit"}
    )
    assert response.status_code == 302 and response["Location"] == transition_url(article, "submit")

    page = reporter_client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "“Gửi duyệt” chưa thực hiện được. Bài viết còn thiếu:" in html
    assert "<li>nội dung có chữ (không chỉ dòng trống)</li>" in html
    assert f'<a class="button default" href="{change_url(article)}">Quay lại bài để bổ sung</a>' in html
    assert 'type="submit"' not in html.split('id="content-main"')[1]  # nothing to confirm

    posted = reporter_client.post(transition_url(article, "submit"), {"comment": "Xin duyệt."})
    assert posted.status_code == 200
    assert "<li>nội dung có chữ (không chỉ dòng trống)</li>" in posted.content.decode()
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT
    assert not ArticleTransition.objects.exists()


def test_the_step_page_says_it_in_english_in_the_english_admin(editor_client, reporter):
    article = make_article_in("approved", author=reporter, lead="", body="")
    html = editor_client.get("/en" + transition_url(article, "publish")).content.decode()
    assert "“Publish / schedule” is not possible yet. The article still needs:" in html
    assert "<li>a lead</li>" in html and "<li>a body with text (not only empty lines)</li>" in html


def test_bulk_publish_names_the_incomplete_article_and_publishes_the_rest(editor_client, reporter):
    ready = make_article_in("approved", author=reporter, title="Bài đủ nội dung")
    empty = make_article_in("approved", author=reporter, title="Bài chưa có nội dung", body="<p></p>")
    response = editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected_now", "_selected_action": [ready.pk, empty.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert Article.objects.get(pk=ready.pk).is_published
    assert Article.objects.get(pk=empty.pk).status == Status.APPROVED
    html = response.content.decode()
    assert "“Bài chưa có nội dung”: Chưa thể “Xuất bản / hẹn giờ”: bài viết còn thiếu" in html
