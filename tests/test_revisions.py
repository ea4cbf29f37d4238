"""Revisions: a snapshot on every save, a readable diff, restoring, and the comparison with the published version."""

import pytest
from django.test import Client
from django.urls import reverse

from articles import previews, revisions, workflow
from articles.models import ArticleByline, Revision, Status

from .factories import make_article_in, make_byline, make_photo, make_pull_quote, make_section, make_user

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def compare_url(article, older, newer):
    return reverse("admin:articles_article_compare", args=[article.pk]) + f"?a={older.pk}&b={newer.pk}"


@pytest.fixture
def article(reporter, editor):
    """An article in review with a photo, a pull-quote, two bylines and tags."""
    article = make_article_in(
        "in_review",
        author=reporter,
        title="Hạ Long thí điểm xe buýt điện",
        lead="Tuyến xe buýt điện đầu tiên chạy ven vịnh.",
        body="<h2>Tuyến mới</h2><p>Tuyến dài 18 km.</p><p>Miễn phí vé tháng đầu.</p>",
    )
    ArticleByline.objects.create(article=article, byline=make_byline(name="Xuân Việt"), position=1)
    article.tags.set(["Hạ Long", "Giao thông"])
    make_photo(
        article,
        caption="Xe buýt điện ở Bãi Cháy",
        credit="Xuân Việt",
        alt_text="Xe buýt màu xanh",
        placement=1,
    )
    make_pull_quote(article, text="Xe chạy êm và sạch.", attribution_name="Nguyễn Văn Hải", placement=2)
    return article


def test_every_admin_save_keeps_a_snapshot_of_everything(editor_client, article, admin_form):
    data = admin_form(editor_client.get(change_url(article)))
    editor_client.post(change_url(article), {**data, "lead": "Sapo đã biên tập."})
    revision = article.revisions.get(kind=Revision.Kind.SAVED)
    snapshot = revision.snapshot
    assert snapshot["title"] == "Hạ Long thí điểm xe buýt điện" and snapshot["lead"] == "Sapo đã biên tập."
    assert snapshot["body"] == "<h2>Tuyến mới</h2><p>Tuyến dài 18 km.</p><p>Miễn phí vé tháng đầu.</p>"
    assert snapshot["section"]["name"] == article.section.name
    assert [byline["name"] for byline in snapshot["bylines"]] == ["Phạm Tăng", "Xuân Việt"]
    assert snapshot["tags"] == ["Giao thông", "Hạ Long"]
    [photo] = snapshot["photos"]
    assert (photo["caption"], photo["credit"], photo["alt_text"], photo["placement"]) == (
        "Xe buýt điện ở Bãi Cháy",
        "Xuân Việt",
        "Xe buýt màu xanh",
        1,
    )
    assert snapshot["pull_quotes"][0]["text"] == "Xe chạy êm và sạch."
    assert snapshot["status"] == Status.IN_REVIEW and snapshot["published_at"] is None
    assert revision.version == article.version + 1


def test_the_diff_shows_a_changed_caption_and_a_changed_byline(editor_client, article, admin_form):
    data = admin_form(editor_client.get(change_url(article)))
    editor_client.post(change_url(article), data)
    before = article.revisions.latest("pk")
    data = admin_form(editor_client.get(change_url(article)))
    other = make_byline(name="Thu Chung")
    data["photos-0-caption"] = "Xe buýt điện ở Hòn Gai"
    data["byline_links-1-byline"] = str(other.pk)
    assert editor_client.post(change_url(article), data).status_code == 302
    after = article.revisions.latest("pk")

    changed = {
        field.name: field for field in revisions.compare(before.snapshot, after.snapshot) if field.changed
    }
    assert set(changed) == {"photos", "bylines"}
    [caption] = [row for row in changed["photos"].rows if row.kind == "changed"]
    assert caption.old == [("Ảnh 1 · chú thích: Xe buýt điện ở ", False), ("Bãi Cháy", True)]
    assert caption.new == [("Ảnh 1 · chú thích: Xe buýt điện ở ", False), ("Hòn Gai", True)]
    [byline] = [row for row in changed["bylines"].rows if row.kind == "changed"]
    assert byline.old == [("2. ", False), ("Xuân Việt", True)] and byline.new == [
        ("2. ", False),
        ("Thu Chung", True),
    ]

    html = editor_client.get(compare_url(article, before, after)).content.decode()
    assert "<del>Bãi Cháy</del>" in html and "<ins>Hòn Gai</ins>" in html
    assert "<del>Xuân Việt</del>" in html and "<ins>Thu Chung</ins>" in html
    assert "Không đổi:" in html and "Tiêu đề" in html


def test_the_body_is_compared_as_text(article):
    old = revisions.snapshot(article)
    new = {
        **old,
        "body": "<h2>Tuyến mới</h2><p>Tuyến <strong>dài</strong> 18 km.</p><p>Miễn phí vé hai tháng đầu.</p>",
    }
    [body] = [field for field in revisions.compare(old, new) if field.changed]
    assert body.name == "body"
    kinds = [row.kind for row in body.rows]
    assert kinds == ["equal", "equal", "changed"]  # bold alone is no change of the text
    assert body.rows[-1].new == [("Miễn phí vé ", False), ("hai ", True), ("tháng đầu.", False)]


def test_long_unchanged_stretches_fold_into_one_row():
    old = {"body": "".join(f"<p>Đoạn {number}.</p>" for number in range(1, 21))}
    new = {"body": old["body"].replace("Đoạn 10.", "Đoạn mười.")}
    [body] = [field for field in revisions.compare(old, new) if field.name == "body"]
    assert [(row.kind, row.skipped) for row in body.rows] == [
        ("skipped", 8),
        ("equal", 0),
        ("changed", 0),
        ("equal", 0),
        ("skipped", 9),
    ]


def test_restoring_is_a_new_revision_and_deletes_nothing(editor_client, article, admin_form):
    first_data = admin_form(editor_client.get(change_url(article)))
    editor_client.post(change_url(article), first_data)
    original = article.revisions.latest("pk")
    data = admin_form(editor_client.get(change_url(article)))
    data.update(
        {
            "title": "Tiêu đề viết lại",
            "photos-0-caption": "Chú thích viết lại",
            "pull_quotes-0-DELETE": "on",
            "tags": "Xe điện",
        }
    )
    editor_client.post(change_url(article), data)
    count = article.revisions.count()

    restore = reverse("admin:articles_article_restore", args=[article.pk, original.pk])
    page = editor_client.get(restore).content.decode()
    # what would change is shown before anything changes
    assert "<del>Tiêu đề viết lại</del>" in page and "<ins>Hạ Long thí điểm xe buýt điện</ins>" in page
    response = editor_client.post(restore, follow=True)
    assert response.redirect_chain[-1][0] == change_url(article)

    article.refresh_from_db()
    assert article.title == "Hạ Long thí điểm xe buýt điện"
    assert article.photos.get().caption == "Xe buýt điện ở Bãi Cháy"
    assert article.pull_quotes.get().text == "Xe chạy êm và sạch."
    assert sorted(article.tags.names()) == ["Giao thông", "Hạ Long"]
    assert article.status == Status.IN_REVIEW  # the workflow's fields are not restored
    assert article.revisions.count() == count + 1
    restored = article.revisions.latest("pk")
    assert restored.kind == Revision.Kind.RESTORED and restored.restored_from == original
    assert restored.snapshot["title"] == original.snapshot["title"]
    assert article.revisions.filter(snapshot__title="Tiêu đề viết lại").exists()  # the undone version stays


def test_restoring_keeps_photos_added_since_and_says_which_are_gone(editor, article):
    before = revisions.record(article, editor, Revision.Kind.SAVED)
    article.photos.get().delete()
    added = make_photo(article, caption="Ảnh thêm sau")
    result = revisions.restore(article, before, editor)
    assert result.missing_photos == ["Xe buýt điện ở Bãi Cháy"]
    assert result.kept_photos == ["Ảnh thêm sau"]
    assert list(article.photos.all()) == [added]


def test_only_those_who_may_edit_can_restore(reporter_client, reporter, article, editor):
    revision = revisions.record(article, editor, Revision.Kind.SAVED)
    restore = reverse("admin:articles_article_restore", args=[article.pk, revision.pk])
    assert reporter_client.post(restore).status_code == 403  # their article is under review
    assert (
        reporter_client.get(reverse("admin:articles_article_revisions", args=[article.pk])).status_code == 200
    )
    assert article.revisions.count() == 1


def test_compare_with_the_published_version_is_one_click_away(editor_client, editor, article, admin_form):
    article = workflow.perform(article, "publish", editor, notify=False)
    html = editor_client.get(change_url(article)).content.decode()
    link = reverse("admin:articles_article_compare_published", args=[article.pk])
    assert f'href="{link}"' in html
    data = admin_form(editor_client.get(change_url(article)))
    editor_client.post(change_url(article), {**data, "title": "Hạ Long thí điểm xe buýt điện ven vịnh"})
    response = editor_client.get(link, follow=True)
    published = revisions.published_revision(article)
    assert response.redirect_chain[0][0].endswith(f"?a={published.pk}&b={article.revisions.latest('pk').pk}")
    page = response.content.decode()
    assert "<ins>ven vịnh</ins>" in page and "Đường dẫn" in page


def test_an_article_never_published_has_nothing_to_compare_with(editor_client, article):
    response = editor_client.get(
        reverse("admin:articles_article_compare_published", args=[article.pk]), follow=True
    )
    assert "Bài viết này chưa từng được xuất bản." in response.content.decode()


def test_bad_revision_numbers_answer_404(editor_client, article, editor):
    revisions.record(article, editor, Revision.Kind.SAVED)
    other = make_article_in("draft", section=make_section())
    foreign = revisions.record(other, editor, Revision.Kind.SAVED)
    url = reverse("admin:articles_article_compare", args=[article.pk])
    assert editor_client.get(url, {"a": "abc"}).status_code == 404
    assert editor_client.get(url, {"a": foreign.pk}).status_code == 404  # another article's revision
    assert (
        editor_client.get(
            reverse("admin:articles_article_restore", args=[article.pk, foreign.pk])
        ).status_code
        == 404
    )


def test_history_is_for_editors_and_the_articles_authors(reporter_client, other_reporter, editor):
    """Revisions hold draft text and the audit log editors' comments: a colleague sees only the published page."""
    article = make_article_in("published", author=other_reporter)
    workflow.perform(article, "correct", editor, note="Sửa tên.", notify=False)
    for name in ("revisions", "compare", "compare_published"):
        assert (
            reporter_client.get(reverse(f"admin:articles_article_{name}", args=[article.pk])).status_code
            == 403
        )
    html = reporter_client.get(change_url(article)).content.decode()
    assert "Lịch sử quy trình" not in html and "Các bản lưu" not in html


# A revision only when something changed.


def press(client, article, step, admin_form, data=None, **changes):
    """A workflow button on the change form: the form is saved, then the step is confirmed."""
    form = admin_form(client.get(change_url(article)))
    assert client.post(change_url(article), {**form, **changes, "_then": step}).status_code == 302
    url = reverse("admin:articles_article_transition", args=[article.pk, step])
    assert client.post(url, data or {}).status_code == 302


def kinds(article):
    return [(revision.kind, revision.transition) for revision in article.revisions.order_by("pk")]


def test_workflow_buttons_keep_a_revision_only_for_what_changed(
    reporter_client, editor_client, reporter, editor, second_editor, admin_form
):
    """The story of the report: two real edits and five buttons once made seven revisions, five of them noise.

    The editor who edits it is not the one who approves and publishes it (four eyes, docs/workflow.md)."""
    second_client = Client()
    second_client.force_login(second_editor)
    article = make_article_in("draft", author=reporter)
    form = admin_form(reporter_client.get(change_url(article)))
    reporter_client.post(change_url(article), {**form, "lead": "Sapo viết lại."})  # edit 1
    form = admin_form(reporter_client.get(change_url(article)))
    reporter_client.post(change_url(article), form)  # saved again, nothing changed
    press(reporter_client, article, "submit", admin_form)
    press(
        editor_client, article, "reassign", admin_form, {"editor": str(editor.pk)}
    )  # changes no revision field
    form = admin_form(editor_client.get(change_url(article)))
    editor_client.post(change_url(article), {**form, "title": "Tiêu đề đã duyệt"})  # edit 2
    press(second_client, article, "approve", admin_form)
    press(second_client, article, "publish", admin_form)
    assert kinds(article) == [
        ("saved", ""),
        ("transition", "submit"),
        ("saved", ""),
        ("transition", "approve"),
        ("transition", "publish"),
    ]
    # The audit log still has every step.
    assert [row.name for row in article.transitions.order_by("at", "pk")] == [
        "submit",
        "reassign",
        "start_review",  # the editor's first real change to the submission
        "approve",
        "publish",
    ]
    assert revisions.published_revision(article).snapshot["title"] == "Tiêu đề đã duyệt"


def test_a_restore_is_always_kept(editor, article):
    kept = revisions.record(article, editor, Revision.Kind.SAVED)
    assert revisions.record(article, editor, Revision.Kind.SAVED) is None  # the same again
    restored = revisions.restore(article, kept, editor)
    assert restored.revision.kind == Revision.Kind.RESTORED and restored.revision.restored_from == kept


def test_a_rejected_submission_does_not_count_as_the_newest(editor, article):
    revisions.record(article, editor, Revision.Kind.SAVED)
    Revision.objects.create(
        article=article, version=article.version, kind=Revision.Kind.REJECTED, user=editor, snapshot={}
    )
    assert revisions.record(article, editor, Revision.Kind.SAVED) is None


# People by their display name.


@pytest.fixture
def nameless(roles):
    return make_user("tongbientap", role="Editors")  # an account without a name: shown by its username


def test_the_revision_list_and_the_diff_name_people(editor_client, editor, nameless, article, admin_form):
    first = revisions.record(article, nameless, Revision.Kind.SAVED)
    data = admin_form(editor_client.get(change_url(article)))
    editor_client.post(change_url(article), {**data, "title": "Tiêu đề mới"})
    second = article.revisions.latest("pk")
    listing = editor_client.get(
        reverse("admin:articles_article_revisions", args=[article.pk])
    ).content.decode()
    assert "Hoàng Nga" in listing and "tongbientap" in listing
    diff = editor_client.get(compare_url(article, first, second)).content.decode()
    assert f"#{second.pk} · " in diff
    heading = diff.index('class="diff diff-heading"')
    header = diff[heading : diff.index("</thead>", heading)]
    assert "Hoàng Nga" in header and "hoangnga" not in header and "tongbientap" in header


def test_the_preview_link_box_names_who_made_the_link(editor_client, editor, article):
    previews.create(article, editor)
    html = editor_client.get(change_url(article)).content.decode()
    box = html[html.index('id="preview-links"') :]
    assert "Hoàng Nga" in box and "hoangnga" not in box


def test_the_desk_names_who_sent_an_article_back(reporter_client, reporter, editor):
    article = make_article_in("in_review", author=reporter)
    workflow.perform(article, "send_back", editor, comment="Cần thêm ảnh.", notify=False)
    html = reporter_client.get("/admin/").content.decode()
    assert "Hoàng Nga" in html and "hoangnga" not in html


def test_the_audit_log_and_the_article_list_name_people_and_filter_by_name(editor_client, editor, reporter):
    article = make_article_in("draft", author=reporter)
    workflow.perform(article, "submit", reporter, editor=editor, notify=False)
    html = editor_client.get(reverse("admin:articles_articletransition_changelist")).content.decode()
    assert '<td class="field-by">Phạm Tăng</td>' in html
    assert f'<a href="?user__id__exact={reporter.pk}">Phạm Tăng</a>' in html  # the filter by person
    articles = editor_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert f'<a href="?assigned_editor__id__exact={editor.pk}">Hoàng Nga</a>' in articles


def test_e_mails_name_the_actor(reporter, editor, mailoutbox, django_capture_on_commit_callbacks):
    article = make_article_in("in_review", author=reporter)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(article, "send_back", editor, comment="Viết lại.")
    assert mailoutbox[0].body.startswith("Hoàng Nga ")
