"""Article choosers in the admin offer, accept and print back only what the user may see.

A reporter sees their own articles and the published ones (articles.workflow.visible_articles); the titles of a
colleague's drafts, articles in review or scheduled ones must not reach them through the related-articles field,
its autocomplete, or the read-only view of an article.
"""

import pytest
from django.urls import reverse

from articles import revisions
from articles.models import Revision

from .factories import form_data, make_article_in

pytestmark = pytest.mark.django_db

SECRET = "Bản nháp bí mật của đồng nghiệp"


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def autocomplete(client, term):
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "articles", "model_name": "article", "field_name": "related", "term": term},
    )
    assert response.status_code == 200
    return [item["text"] for item in response.json()["results"]]


@pytest.fixture
def colleagues_draft(other_reporter):
    return make_article_in("draft", author=other_reporter, title=SECRET)


def test_a_foreign_draft_posted_as_related_is_a_form_error_and_its_title_never_printed(
    reporter_client, reporter, colleagues_draft, admin_form
):
    mine = make_article_in("draft", author=reporter)
    data = admin_form(reporter_client.get(change_url(mine)))
    response = reporter_client.post(change_url(mine), {**data, "related": [str(colleagues_draft.pk)]})
    assert response.status_code == 200
    (error,) = response.context["adminform"].form.errors.as_data()["related"]
    assert error.code == "invalid_choice" and error.params == {"value": str(colleagues_draft.pk)}
    html = response.content.decode()
    assert f"Không có bài viết {colleagues_draft.pk} trong số các bài bạn được liên kết" in html
    assert SECRET not in response.content.decode()
    assert list(mine.related.all()) == []
    assert SECRET not in reporter_client.get(change_url(mine)).content.decode()


@pytest.mark.parametrize("state", ["in_review", "approved", "scheduled", "unpublished"])
def test_no_unpublished_state_of_a_colleague_is_accepted(
    reporter_client, reporter, other_reporter, state, admin_form
):
    hidden = make_article_in(state, author=other_reporter, title=SECRET)
    mine = make_article_in("draft", author=reporter)
    data = admin_form(reporter_client.get(change_url(mine)))
    response = reporter_client.post(change_url(mine), {**data, "related": [str(hidden.pk)]})
    assert response.status_code == 200 and "related" in response.context["adminform"].form.errors
    assert not mine.related.exists()


def test_a_reporter_links_their_own_and_published_articles(
    reporter_client, reporter, other_reporter, admin_form
):
    mine = make_article_in("draft", author=reporter)
    own_other = make_article_in("draft", author=reporter, title="Bản nháp khác của tôi")
    public = make_article_in("published", author=other_reporter, title="Bài đã đăng của đồng nghiệp")
    data = admin_form(reporter_client.get(change_url(mine)))
    response = reporter_client.post(
        change_url(mine), {**data, "related": [str(own_other.pk), str(public.pk)]}
    )
    assert response.status_code == 302
    assert set(mine.related.all()) == {own_other, public}
    html = reporter_client.get(change_url(mine)).content.decode()
    assert own_other.title in html and public.title in html


def test_the_autocomplete_offers_only_what_the_user_may_see(
    reporter_client, editor_client, reporter, other_reporter, colleagues_draft
):
    public = make_article_in("published", author=other_reporter, title="Bản tin đã đăng")
    own = make_article_in("draft", author=reporter, title="Bản nháp của tôi")
    assert sorted(autocomplete(reporter_client, "Bản")) == sorted([public.title, own.title])
    assert SECRET in autocomplete(editor_client, "Bản")


def test_links_an_editor_made_to_hidden_articles_survive_a_reporters_save_unseen(
    reporter_client, reporter, colleagues_draft
):
    mine = make_article_in("draft", author=reporter)
    mine.related.add(colleagues_draft)  # an editor linked it
    response = reporter_client.get(change_url(mine))
    assert SECRET not in response.content.decode()
    data = form_data(response, "article_form")  # what the browser posts: the options it was shown
    assert "related" not in data or str(colleagues_draft.pk) not in data["related"]
    assert reporter_client.post(change_url(mine), {**data, "title": "Tiêu đề sửa"}).status_code == 302
    mine.refresh_from_db()
    assert mine.title == "Tiêu đề sửa"
    assert list(mine.related.all()) == [colleagues_draft]


def test_the_read_only_view_of_an_article_names_only_visible_related_articles(
    reporter_client, other_reporter, colleagues_draft
):
    public = make_article_in("published", author=other_reporter)
    neighbour = make_article_in("published", author=other_reporter, title="Bài liên quan đã đăng")
    public.related.add(colleagues_draft, neighbour)
    response = reporter_client.get(change_url(public))
    assert response.status_code == 200 and response.context["has_change_permission"] is False
    html = response.content.decode()
    assert neighbour.title in html
    assert SECRET not in html


def test_an_editor_links_any_article(editor_client, editor, colleagues_draft, admin_form):
    article = make_article_in("in_review", author=editor)
    data = admin_form(editor_client.get(change_url(article)))
    response = editor_client.post(change_url(article), {**data, "related": [str(colleagues_draft.pk)]})
    assert response.status_code == 302
    assert list(article.related.all()) == [colleagues_draft]


def test_the_revision_diff_leaves_out_related_articles_the_reporter_may_not_see(
    reporter_client, reporter, editor, colleagues_draft
):
    mine = make_article_in("draft", author=reporter)
    public = make_article_in("published", author=editor, title="Bài liên quan đã đăng")
    first = revisions.record(mine, reporter, Revision.Kind.SAVED)
    mine.related.add(colleagues_draft, public)  # an editor linked them
    second = revisions.record(mine, editor, Revision.Kind.SAVED)
    url = reverse("admin:articles_article_compare", args=[mine.pk]) + f"?a={first.pk}&b={second.pk}"
    html = reporter_client.get(url).content.decode()
    assert public.title in html and SECRET not in html
    restore = reverse("admin:articles_article_restore", args=[mine.pk, first.pk])
    assert SECRET not in reporter_client.get(restore).content.decode()
