"""The admin pages an editor works on make a fixed number of queries, whatever the size of the archive and however
many photos, bylines and tags an article has. Their server time is measured by `make admin-timing`
(docs/performance.md); the counts are pinned here, each with what the queries are, so a change is a decision.
"""

import pytest
from django.urls import reverse

from .conftest import change_form_data
from .factories import make_article_in, make_photo, make_pull_quote, make_section

pytestmark = pytest.mark.django_db

# Every admin request: the session, the user, the user's own permissions and those of their groups.
REQUEST = 4


def newsroom(reporter, count):
    """`count` published articles, the first with two photos and a pull-quote; one approved article."""
    section = make_section()
    articles = [
        make_article_in("published", author=reporter, section=section, tags=["Quảng Ninh", "Hạ Long"])
        for _ in range(count)
    ]
    make_photo(articles[0], is_lead=True)
    make_photo(articles[0])
    make_pull_quote(articles[0])
    return articles[0], make_article_in("approved", author=reporter, section=section)


PAGES = {
    # the sections for the section select
    "add form": (lambda article, approved: reverse("admin:articles_article_add"), REQUEST + 1),
    # the article, and again for the form; its tags (the form's initial values, in order, and the read-only
    # related titles' check); its bylines, photos, embeds and pull-quotes (the inlines); the editor's desks (which
    # steps they may take); the workflow history; the revisions' count and the last published one; the live preview
    # links; the section select's sections; the byline of the inline row and of its empty form
    "change form": (
        lambda article, approved: reverse("admin:articles_article_change", args=[article.pk]),
        REQUEST + 16,
    ),
    # the article; the editor's desks and whether they wrote it (the desk's rules: desks, four eyes); the
    # pre-publish checklist: its lead photo, whether it has a tag, its section
    "publish: confirm page": (
        lambda article, approved: reverse("admin:articles_article_transition", args=[approved.pk, "publish"]),
        REQUEST + 6,
    ),
    # the sections, the reviewers and the bylines of the filters; the count; the page of articles (with sections and
    # reviewers); their bylines (two queries for the page); the dates of the drill-down (first and last, then days)
    "article list": (lambda article, approved: reverse("admin:articles_article_changelist"), REQUEST + 9),
}


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize("page", PAGES)
def test_admin_pages_make_a_fixed_number_of_queries(
    editor_client, reporter, django_assert_num_queries, count, page
):
    article, approved = newsroom(reporter, count)
    url, expected = PAGES[page]
    url = url(article, approved)
    editor_client.get(url)  # the first request fills Django's content-type cache
    with django_assert_num_queries(expected):
        assert editor_client.get(url).status_code == 200


def test_saving_the_change_form_makes_a_fixed_number_of_queries(
    editor_client, reporter, django_assert_num_queries
):
    article, _approved = newsroom(reporter, 3)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = change_form_data(editor_client.get(url))
    # savepoint; the article twice (the admin's object, then the form's initial related articles and tags) and the
    # version under a row lock; the section, the inlines' rows and what they point at (bylines, photos, quotes,
    # validated); the slug; the UPDATE with its savepoint; the search document (text, photos, quotes, bylines, tags,
    # one UPDATE); the related articles and the tags the form sets; the revision's snapshot (section, bylines,
    # tags, photos, embeds, quotes, related articles), the newest revision (kept only if something changed) and the
    # INSERT; the admin's log entry; for the page cache, the state before the UPDATE and the invalidation's journal
    # row (a published article's text changed)
    with django_assert_num_queries(REQUEST + 46):
        response = editor_client.post(url, {**data, "lead": data["lead"] + " Thêm một câu."})
    assert response.status_code == 302


def test_publishing_makes_a_fixed_number_of_queries(editor_client, reporter, django_assert_num_queries):
    _article, approved = newsroom(reporter, 3)
    url = reverse("admin:articles_article_transition", args=[approved.pk, "publish"])
    # the article; savepoint and the row lock; the slug; the UPDATE and the search document (savepoint, text,
    # photos, quotes, bylines, tags, UPDATE, release); the audit row; the revision (section, bylines, tags, photos,
    # quotes, embeds, related articles, the newest revision, INSERT); release; the reporter's address for the e-mail
    # and its row in the outbox; the desk's rules (the editor's desks, four eyes before and under the lock) and the
    # pre-publish checklist (photo, tags, section); for the page cache, the state before the UPDATE, the article's
    # bylines and tags in one query (the lists it joins) and the invalidation's journal row
    with django_assert_num_queries(REQUEST + 35):
        response = editor_client.post(url, {})
    assert response.status_code == 302


def test_making_a_preview_link_makes_a_fixed_number_of_queries(
    editor_client, reporter, django_assert_num_queries
):
    article, _approved = newsroom(reporter, 3)
    # the article and the INSERT
    with django_assert_num_queries(REQUEST + 2):
        response = editor_client.post(reverse("admin:articles_article_preview_links", args=[article.pk]))
    assert response.status_code == 302
