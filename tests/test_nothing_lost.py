"""Nothing lost: a save or a workflow step that fails half-way leaves the previous version whole.

The admin's change view and articles.workflow.perform each run in one transaction. What must not escape it:
rows (the article, its photos, pull-quotes, bylines, revisions, audit log), files (a replaced or deleted photo's
file goes only after the commit) and the readers' page cache (bumped again after the commit, so that a page read
while the change was being committed is not kept).
"""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from articles import revisions, workflow
from articles.admin import ArticleAdmin
from articles.models import Article, ArticleByline, ArticleTransition, PullQuote, Revision, Status

from .factories import image_bytes, make_article, make_article_in, make_byline, make_photo, make_pull_quote

pytestmark = pytest.mark.django_db


class Failure(Exception):
    """The failure the tests inject: a disk full, a lost connection, a bug in a later step."""


@pytest.fixture
def article(reporter, editor):
    """A published article with two photos, a pull-quote, two bylines and a revision: everything a save touches."""
    article = make_article_in(
        "published",
        author=reporter,
        title="Cảng Cái Lân đón tàu lớn",
        lead="Con tàu dài 300 m cập cảng sáng nay.",
        body="<p>Đoạn một.</p><p>Đoạn hai.</p><p>Đoạn ba.</p>",
    )
    ArticleByline.objects.create(article=article, byline=make_byline(name="Xuân Việt"), position=1)
    make_photo(article, caption="Tàu cập cảng", alt_text="Con tàu", is_lead=True, placement=0)
    make_photo(article, caption="Cần cẩu bốc hàng", alt_text="Cần cẩu", placement=2, position=1)
    make_pull_quote(article, text="Cảng đã sẵn sàng.", attribution_name="Trần Văn Lợi", placement=1)
    revisions.record(article, editor, Revision.Kind.SAVED)
    return article


def state_of(article):
    """Everything a reader or an editor could lose, as stored now, with whether each photo's files exist."""
    article = Article.objects.get(pk=article.pk)
    photos = [
        (photo.pk, photo.caption, photo.image.name, photo.image.storage.exists(photo.image.name))
        for photo in article.photos.order_by("pk")
    ]
    return {
        "article": (
            article.title,
            article.lead,
            article.body,
            article.version,
            article.status,
            article.published_at,
        ),
        "photos": photos,
        "pull_quotes": list(article.pull_quotes.order_by("pk").values_list("pk", "text", "placement")),
        "bylines": list(article.byline_links.order_by("position").values_list("byline__name", "position")),
        "revisions": list(article.revisions.order_by("pk").values_list("pk", "version", "kind")),
        "transitions": list(article.transitions.order_by("pk").values_list("pk", "name")),
    }


def edited(admin_form, client, article):
    """The change form with a change to everything: text, captions, a new file, a deletion, a quote, a byline."""
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form(client.get(url))
    data.update(
        {
            "title": "Tiêu đề sửa dở",
            "body": "<p>Thân bài mới.</p>",
            "photos-0-caption": "Chú thích mới",
            "photos-0-image": SimpleUploadedFile("moi.jpg", image_bytes(color=(200, 30, 30)), "image/jpeg"),
            "photos-1-DELETE": "on",
            "pull_quotes-0-text": "Câu trích đã sửa.",
            "byline_links-0-position": "5",
        }
    )
    return url, data


def failing_client(user):
    client = Client(
        raise_request_exception=False
    )  # the reader of the response sees the 500, as in production
    client.force_login(user)
    return client


def test_a_save_that_fails_after_the_article_row_keeps_the_previous_version(
    editor, article, admin_form, monkeypatch, django_capture_on_commit_callbacks
):
    before = state_of(article)
    client = failing_client(editor)
    url, data = edited(admin_form, client, article)

    def save_model_then_fail(self, request, obj, form, change):
        self.save_model_unpatched(request, obj, form, change)
        assert Article.objects.get(pk=obj.pk).title == "Tiêu đề sửa dở"  # the row is written…
        raise Failure  # …and nothing after it: no photo, pull-quote or byline saved

    monkeypatch.setattr(ArticleAdmin, "save_model_unpatched", ArticleAdmin.save_model, raising=False)
    monkeypatch.setattr(ArticleAdmin, "save_model", save_model_then_fail)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 500
    assert state_of(article) == before


@pytest.mark.parametrize("failing", [PullQuote, ArticleByline], ids=["pull-quotes", "bylines-after-photos"])
def test_a_save_that_fails_among_the_inlines_keeps_every_photo_and_its_file(
    editor, article, admin_form, monkeypatch, django_capture_on_commit_callbacks, failing
):
    """Photos are saved (one replaced by a new file, one deleted), then the next inline fails."""
    before = state_of(article)
    client = failing_client(editor)
    url, data = edited(admin_form, client, article)
    saved = []
    save_formset = ArticleAdmin.save_formset

    def save_formset_failing_at(self, request, form, formset, change):
        if formset.model is failing and saved:
            raise Failure
        save_formset(self, request, form, formset, change)
        saved.append(formset.model.__name__)

    monkeypatch.setattr(ArticleAdmin, "save_formset", save_formset_failing_at)
    monkeypatch.setattr(ArticleAdmin, "inlines", [*ArticleAdmin.inlines[1:], ArticleAdmin.inlines[0]])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 500
    assert "Photo" in saved  # the photos had been written when it failed
    after = state_of(article)
    assert after == before
    assert all(exists for *_photo, exists in after["photos"]), "a rolled-back save deleted a photo's file"


def test_a_save_that_succeeds_replaces_and_deletes_the_files_after_the_commit(
    editor, article, admin_form, django_capture_on_commit_callbacks
):
    before = state_of(article)
    client = failing_client(editor)
    url, data = edited(admin_form, client, article)
    (_pk, _caption, replaced_name, _exists), (_pk2, _caption2, deleted_name, _exists2) = before["photos"]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert client.post(url, data).status_code == 302
    assert callbacks, "the old files are left to the commit"
    after = state_of(article)
    assert after["article"][:3] == (
        "Tiêu đề sửa dở",
        "Con tàu dài 300 m cập cảng sáng nay.",
        "<p>Thân bài mới.</p>",
    )
    assert after["article"][3] == before["article"][3] + 1
    [(_pk, caption, name, exists)] = after["photos"]
    assert (caption, exists) == ("Chú thích mới", True) and name != replaced_name
    storage = article.photos.get().image.storage
    assert not storage.exists(replaced_name) and not storage.exists(deleted_name)
    assert after["pull_quotes"][0][1] == "Câu trích đã sửa."
    assert len(after["revisions"]) == len(before["revisions"]) + 1


# Workflow steps: perform() writes the state, the audit row and a revision in one transaction; the e-mails wait
# for the commit (on_commit), so a step that fails sends nothing.


def _fail_at_the_audit_row(monkeypatch):
    def create(*args, **kwargs):
        raise Failure

    monkeypatch.setattr(ArticleTransition.objects, "create", create)


def _fail_at_the_revision(monkeypatch):
    def record(*args, **kwargs):
        raise Failure

    monkeypatch.setattr(revisions, "record", record)


@pytest.mark.parametrize(
    "fail", [_fail_at_the_audit_row, _fail_at_the_revision], ids=["audit-row", "revision"]
)
@pytest.mark.parametrize(
    ("state", "step", "data"),
    [
        ("approved", "publish", {}),
        ("published", "unpublish", {"comment": "Sai số liệu."}),
        ("published", "correct", {"note": "Sửa tên cảng."}),
    ],
)
def test_a_step_that_fails_after_writing_the_state_leaves_state_and_log_unchanged(
    editor, reporter, monkeypatch, mailoutbox, django_capture_on_commit_callbacks, fail, state, step, data
):
    article = make_article_in(state, author=reporter)
    revisions.record(article, editor, Revision.Kind.SAVED)
    before = state_of(article)
    before_fields = Article.objects.filter(pk=article.pk).values().get()
    fail(monkeypatch)
    client = failing_client(editor)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("admin:articles_article_transition", args=[article.pk, step]), data)
    assert response.status_code == 500
    assert state_of(article) == before
    assert Article.objects.filter(pk=article.pk).values().get() == before_fields  # stamps, times, notes too
    assert callbacks == [] and mailoutbox == []  # no mail for a step that did not happen


def test_a_failing_step_raises_to_its_caller_and_changes_nothing(editor, reporter, monkeypatch):
    article = make_article_in("in_review", author=reporter)
    _fail_at_the_revision(monkeypatch)
    with pytest.raises(Failure):
        workflow.perform(article, "approve", editor)
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW and article.review_started_by is None
    assert not article.transitions.exists()


# The readers' page cache and the commit.


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("page_cache")
def test_a_page_read_while_a_change_commits_is_not_served_after_it():
    """A reader between the write and the commit sees (and caches) the old page; after the commit nobody may."""
    article = make_article(title="Tiêu đề cũ")
    url = article.get_absolute_url()
    pages = []

    def read():
        try:
            pages.append(Client().get(url))
        finally:
            connection.close()

    with transaction.atomic():
        article.title = "Tiêu đề mới"
        article.save()
        reader = threading.Thread(target=read)
        reader.start()
        reader.join()
    [during] = pages
    assert during["X-Page-Cache"] == "miss" and "Tiêu đề cũ" in during.content.decode()
    after = Client().get(url)
    assert "Tiêu đề mới" in after.content.decode() and after["X-Page-Cache"] == "miss"
