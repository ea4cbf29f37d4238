"""The workflow in the admin: who sees and edits what, crafted POSTs, the buttons, the conflict, the dashboard."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.dashboard import dashboard
from articles.models import Article, ArticleByline, ArticleTransition, Revision, Status

from .factories import make_article_in, make_section, make_user

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def transition_url(article, name):
    return reverse("admin:articles_article_transition", args=[article.pk, name])


def fields_of(article):
    article.refresh_from_db()
    return (article.title, article.status, article.published_at, article.version, article.corrected_at)


# Who sees what.


def test_a_reporter_sees_their_own_articles_and_the_published_ones(reporter_client, reporter, other_reporter):
    mine = make_article_in("in_review", author=reporter, title="Bài của tôi đang chờ duyệt")
    public = make_article_in("published", author=other_reporter, title="Bài đã đăng của đồng nghiệp")
    hidden = make_article_in("draft", author=other_reporter, title="Bản nháp của đồng nghiệp")
    embargoed = make_article_in("scheduled", author=other_reporter, title="Bài hẹn giờ của đồng nghiệp")
    html = reporter_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert mine.title in html and public.title in html
    assert hidden.title not in html and embargoed.title not in html


def test_an_editor_sees_every_article(editor_client, reporter, other_reporter):
    titles = [
        make_article_in(state, author=author).title
        for state in ("draft", "in_review", "scheduled")
        for author in (reporter, other_reporter)
    ]
    html = editor_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert all(title in html for title in titles)


def test_another_reporters_draft_answers_403(reporter_client, other_reporter, admin_form, editor_client):
    article = make_article_in("draft", author=other_reporter)
    data = admin_form(editor_client.get(change_url(article)))
    before = fields_of(article)
    assert reporter_client.get(change_url(article)).status_code == 403
    assert reporter_client.post(change_url(article), {**data, "title": "Sửa trộm"}).status_code == 403
    assert fields_of(article) == before


def test_another_reporters_published_article_is_read_only(
    reporter_client, other_reporter, admin_form, editor_client
):
    article = make_article_in("published", author=other_reporter)
    data = admin_form(editor_client.get(change_url(article)))
    response = reporter_client.get(change_url(article))
    assert response.status_code == 200 and response.context["has_change_permission"] is False
    before = fields_of(article)
    assert reporter_client.post(change_url(article), {**data, "title": "Sửa trộm"}).status_code == 403
    assert fields_of(article) == before


def test_a_reporters_article_under_review_is_read_only_to_them(
    reporter_client, reporter, admin_form, editor_client
):
    article = make_article_in("in_review", author=reporter)
    data = admin_form(editor_client.get(change_url(article)))
    response = reporter_client.get(change_url(article))
    html = response.content.decode()
    assert response.context["has_change_permission"] is False
    assert 'name="title"' not in html
    assert "Bài đang chờ duyệt: bạn chưa sửa được." in html
    assert f'href="{transition_url(article, "withdraw")}"' in html  # a link: the form cannot be submitted
    before = fields_of(article)
    assert (
        reporter_client.post(change_url(article), {**data, "title": "Sửa khi đang duyệt"}).status_code == 403
    )
    assert fields_of(article) == before


# Crafted POSTs by a reporter.


@pytest.mark.parametrize(
    "smuggled",
    [
        {"status": "published"},
        {"published_at": "2026-01-01 10:00"},
        {"published_at_0": "01/01/2026", "published_at_1": "10:00", "published_at": "2026-01-01T10:00"},
        {"correction_note": "Ghi chú giả"},
        {"assigned_editor": "1"},
        {"version": "99"},
    ],
)
def test_a_crafted_change_form_post_is_a_form_error(reporter_client, reporter, smuggled, admin_form):
    article = make_article_in("draft", author=reporter)
    data = admin_form(reporter_client.get(change_url(article)))
    before = fields_of(article)
    response = reporter_client.post(change_url(article), {**data, **smuggled, "title": "Tiêu đề mới"})
    assert response.status_code == 200
    assert "chỉ thay đổi qua các nút quy trình" in response.content.decode()
    assert fields_of(article) == before
    assert not Revision.objects.filter(article=article).exists()


@pytest.mark.parametrize("name", ["publish", "approve", "send_back", "reschedule", "correct", "unpublish"])
def test_a_reporter_cannot_post_an_editors_step(reporter_client, reporter, name):
    state = {"reschedule": "scheduled", "correct": "published", "unpublish": "published"}.get(
        name, "in_review"
    )
    article = make_article_in(state, author=reporter)
    before = fields_of(article)
    payload = {"comment": "Tự duyệt", "when": "2026-01-01T10:00", "note": "x"}
    assert reporter_client.post(transition_url(article, name), payload).status_code == 403
    assert reporter_client.get(transition_url(article, name)).status_code == 403
    assert fields_of(article) == before
    assert not ArticleTransition.objects.exists()


def test_a_reporter_cannot_submit_someone_elses_draft(reporter_client, other_reporter):
    article = make_article_in("draft", author=other_reporter)
    assert reporter_client.post(transition_url(article, "submit"), {}).status_code == 403
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT


def test_a_step_the_state_does_not_allow_goes_back_with_the_reason(editor_client, reporter):
    article = make_article_in("draft", author=reporter)
    response = editor_client.post(transition_url(article, "approve"), follow=True)
    assert response.redirect_chain[-1][0] == change_url(article)
    assert "Không thể “Duyệt” khi bài viết đang ở trạng thái “Bản nháp”." in response.content.decode()


def test_an_unknown_step_is_403_and_an_unknown_article_404(editor_client, reporter):
    article = make_article_in("draft", author=reporter)
    assert editor_client.get(transition_url(article, "delete_everything")).status_code == 403
    assert (
        editor_client.get(f"/admin/articles/article/{article.pk + 999}/transition/approve/").status_code
        == 404
    )


# The reporter's path through the admin.


def test_a_reporter_writes_an_article_and_becomes_its_byline(reporter_client, reporter):
    section = make_section()
    data = {
        "title": "Ngư dân Cô Tô vươn khơi",
        "slug": "",
        "section": section.pk,
        "lead": "Biển lặng, tàu cá ra khơi.",
        "body": "<p>Từ sáng sớm, cảng cá nhộn nhịp.</p><script>alert(1)</script>",
        "tags": "Cô Tô, Ngư dân",
        "byline_links-TOTAL_FORMS": "0",
        "byline_links-INITIAL_FORMS": "0",
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
        "embeds-TOTAL_FORMS": "0",
        "embeds-INITIAL_FORMS": "0",
        "pull_quotes-TOTAL_FORMS": "0",
        "pull_quotes-INITIAL_FORMS": "0",
        "_then": "submit",
    }
    response = reporter_client.post(reverse("admin:articles_article_add"), data)
    article = Article.objects.get(title="Ngư dân Cô Tô vươn khơi")
    assert response.status_code == 302 and response["Location"] == transition_url(article, "submit")
    assert article.status == Status.DRAFT and article.created_by == reporter
    assert article.body == "<p>Từ sáng sớm, cảng cá nhộn nhịp.</p>"
    assert [byline.name for byline in article.ordered_bylines] == ["Phạm Tăng"]
    assert article.revisions.get().kind == Revision.Kind.SAVED


def test_submitting_through_the_admin_names_the_reviewer(reporter_client, reporter, editor):
    article = make_article_in("draft", author=reporter)
    page = reporter_client.get(transition_url(article, "submit"))
    html = page.content.decode()
    assert "Ban biên tập (biên tập viên nào cũng được)" in html and "Hoàng Nga" in html
    response = reporter_client.post(
        transition_url(article, "submit"), {"editor": editor.pk, "comment": "Xin duyệt."}
    )
    assert response.status_code == 302 and response["Location"] == change_url(article)
    article.refresh_from_db()
    assert article.status == Status.IN_REVIEW and article.assigned_editor == editor


def test_send_back_without_a_comment_is_refused_in_the_admin(editor_client, reporter):
    article = make_article_in("in_review", author=reporter)
    response = editor_client.post(transition_url(article, "send_back"), {"comment": "  "})
    assert response.status_code == 200
    assert "Hãy nêu lý do: bước này bắt buộc có ghi chú." in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == Status.IN_REVIEW
    assert not ArticleTransition.objects.exists()


def test_scheduling_reads_the_time_in_the_newsrooms_zone(editor_client, reporter, frozen_now):
    article = make_article_in("approved", author=reporter)
    page = editor_client.get(transition_url(article, "publish")).content.decode()
    assert 'type="datetime-local"' in page and "GMT+7" in page
    response = editor_client.post(
        transition_url(article, "publish"), {"when": "2026-11-29T06:00"}, follow=True
    )
    article.refresh_from_db()
    assert article.published_at == datetime.datetime(2026, 11, 28, 23, 0, tzinfo=datetime.UTC)
    assert article.is_scheduled
    assert "sẽ lên trang lúc 06:00 29/11/2026 GMT+7" in response.content.decode()


def test_a_save_button_then_a_step(editor_client, reporter, admin_form):
    """A workflow button on the form saves the changes first, then asks to confirm the step."""
    article = make_article_in("in_review", author=reporter)
    data = admin_form(editor_client.get(change_url(article)))
    response = editor_client.post(
        change_url(article), {**data, "title": "Tiêu đề đã biên tập", "_then": "send_back"}
    )
    assert response.status_code == 302 and response["Location"] == transition_url(article, "send_back")
    article.refresh_from_db()
    assert article.title == "Tiêu đề đã biên tập" and article.status == Status.IN_REVIEW
    # An editor's first change to a submission starts the review: the reporter can no longer take it back.
    assert article.review_started_by is not None
    assert list(article.transitions.values_list("name", flat=True)) == ["start_review"]
    editor_client.post(transition_url(article, "send_back"), {"comment": "Thêm nguồn."})
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT


def test_an_editor_who_edits_a_submission_then_presses_approve_is_told_to_ask_another(
    editor_client, editor, second_editor, reporter, admin_form
):
    article = make_article_in("in_review", author=reporter)
    data = admin_form(editor_client.get(change_url(article)))
    response = editor_client.post(
        change_url(article), {**data, "title": "Tiêu đề đã biên tập", "_then": "approve"}, follow=True
    )
    assert response.redirect_chain[-1][0] == change_url(article)
    html = response.content.decode()
    assert "Đã lưu các thay đổi của bạn." in html and "hai người duyệt" in html
    article.refresh_from_db()
    assert (article.title, article.status, article.last_edited_by) == (
        "Tiêu đề đã biên tập",
        Status.IN_REVIEW,
        editor,
    )
    assert "approve" not in [step.name for step in workflow.available(article, editor)]
    workflow.perform(article, "approve", second_editor)  # the second pair of eyes
    assert Article.objects.get(pk=article.pk).status == Status.APPROVED


def test_an_editor_saving_without_a_change_does_not_start_the_review(editor_client, reporter, admin_form):
    article = make_article_in("in_review", author=reporter)
    data = admin_form(editor_client.get(change_url(article)))
    # the editor's browser may reformat the body's markup; the text is what counts
    data["body"] = data["body"].replace("</p><p>", "</p>\n\n<p>")
    editor_client.post(change_url(article), {**data, "_then": "send_back"})
    article.refresh_from_db()
    assert article.review_started_by is None and not article.transitions.exists()
    assert workflow.available(article, reporter)[0].name == "withdraw"


def test_the_change_form_shows_the_state_and_the_allowed_buttons(editor_client, reporter, frozen_now):
    article = make_article_in("scheduled", author=reporter)
    html = editor_client.get(change_url(article)).content.decode()
    assert '<span class="state state-published">Hẹn giờ đăng</span>' in html
    assert "09:00 29/11/2026 GMT+7" in html
    for name in ("reschedule", "unpublish"):
        assert f'name="_then" value="{name}"' in html
    for name in ("publish", "approve", "submit", "correct"):
        assert f'name="_then" value="{name}"' not in html
    assert 'name="status"' not in html and 'name="published_at"' not in html


def test_the_change_form_lists_the_history(editor_client, reporter, editor):
    article = make_article_in("draft", author=reporter)
    workflow.perform(article, "submit", reporter, notify=False)
    workflow.perform(article, "send_back", editor, comment="Thiếu ảnh minh họa.", notify=False)
    html = editor_client.get(change_url(article)).content.decode()
    assert "Lịch sử quy trình" in html
    assert "Trả lại" in html and "Thiếu ảnh minh họa." in html and "Gửi duyệt" in html


def test_admin_times_name_the_zone(editor_client, reporter, frozen_now):
    make_article_in("published", author=reporter, published_at=frozen_now - datetime.timedelta(hours=2))
    html = editor_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert '<span class="nowrap">07:00 28/11/2026</span> GMT+7' in html


# The two-saves conflict.


def test_the_second_of_two_saves_is_refused_and_kept(reporter, editor, second_editor, admin_form):
    article = make_article_in("in_review", author=reporter, title="Tiêu đề gốc")
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(second_editor)
    first_data = admin_form(first.get(change_url(article)))
    second_data = admin_form(second.get(change_url(article)))
    assert first_data["opened_version"] == second_data["opened_version"] == str(article.version)

    saved = first.post(change_url(article), {**first_data, "title": "Tiêu đề của chị Nga"})
    assert saved.status_code == 302
    refused = second.post(change_url(article), {**second_data, "title": "Tiêu đề của anh Tùng"})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert '<ul class="errorlist nonfield"><li>Người khác đã lưu bài này sau khi bạn mở nó' in html

    article.refresh_from_db()
    assert article.title == "Tiêu đề của chị Nga"  # nothing overwritten
    rejected = article.revisions.get(kind=Revision.Kind.REJECTED)
    assert rejected.snapshot["title"] == "Tiêu đề của anh Tùng" and rejected.user == second_editor
    newest = article.revisions.exclude(kind=Revision.Kind.REJECTED).order_by("-pk").first()
    compare = (
        reverse("admin:articles_article_compare", args=[article.pk]) + f"?a={newest.pk}&amp;b={rejected.pk}"
    )
    assert f'href="{compare}"' in html
    diff = second.get(compare.replace("&amp;", "&")).content.decode()
    assert "<del>chị Nga</del>" in diff and "<ins>anh Tùng</ins>" in diff


def test_a_save_after_a_workflow_step_is_a_conflict_too(
    editor_client, reporter, editor, second_editor, admin_form
):
    article = make_article_in("in_review", author=reporter)
    data = admin_form(editor_client.get(change_url(article)))
    workflow.perform(article, "send_back", second_editor, comment="Trả lại.", notify=False)
    response = editor_client.post(change_url(article), {**data, "title": "Muộn rồi"})
    assert response.status_code == 200 and response.context["adminform"].form.conflict is not None
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT


def test_a_conflict_on_an_article_without_revisions_is_refused_not_500(editor, second_editor, admin_form):
    """Bulk-seeded and imported articles have no revision yet: the refusal links to the saved version only."""
    article = make_article_in("published", title="Bài nhập từ kho cũ")
    assert not article.revisions.exists()
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(second_editor)
    first_data, second_data = (
        admin_form(first.get(change_url(article))),
        admin_form(second.get(change_url(article))),
    )
    Article.objects.filter(pk=article.pk).update(
        version=article.version + 1
    )  # a save made elsewhere (a script)
    refused = second.post(change_url(article), {**second_data, "title": "Tiêu đề của anh Tùng"})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert f'href="{change_url(article)}">Mở bản đã lưu</a>' in html
    assert reverse("admin:articles_article_compare", args=[article.pk]) not in html
    assert article.revisions.get().kind == Revision.Kind.REJECTED  # what he typed is kept all the same
    assert first_data["title"] == Article.objects.get(pk=article.pk).title == "Bài nhập từ kho cũ"


def test_saves_one_after_another_are_no_conflict(editor_client, reporter, admin_form):
    article = make_article_in("draft", author=reporter)
    for title in ("Lần một", "Lần hai", "Lần ba"):
        data = admin_form(editor_client.get(change_url(article)))
        assert editor_client.post(change_url(article), {**data, "title": title}).status_code == 302
    article.refresh_from_db()
    assert article.title == "Lần ba" and article.version == 4
    assert [revision.snapshot["title"] for revision in article.revisions.order_by("pk")] == [
        "Lần một",
        "Lần hai",
        "Lần ba",
    ]


# Deleting, bulk actions, the audit log list.


def test_only_drafts_can_be_deleted(editor_client, reporter, reporter_client):
    draft = make_article_in("draft", author=reporter)
    published = make_article_in("published", author=reporter)
    delete = reverse("admin:articles_article_delete", args=[published.pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 403
    assert (
        reporter_client.post(
            reverse("admin:articles_article_delete", args=[draft.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    editor_client.post(reverse("admin:articles_article_delete", args=[draft.pk]), {"post": "yes"})
    assert not Article.objects.filter(pk=draft.pk).exists()
    actions = editor_client.get(reverse("admin:articles_article_changelist")).context["action_form"]
    assert "delete_selected" not in dict(actions.fields["action"].choices)


def test_bulk_publish_goes_through_the_workflow(editor_client, reporter, reporter_client):
    ready = make_article_in("approved", author=reporter, title="Sẵn sàng")
    draft = make_article_in("draft", author=reporter, title="Còn nháp")
    changelist = reverse("admin:articles_article_changelist")
    response = editor_client.post(
        changelist, {"action": "publish_selected_now", "_selected_action": [ready.pk, draft.pk]}, follow=True
    )
    assert Article.objects.get(pk=ready.pk).is_published
    assert Article.objects.get(pk=draft.pk).status == Status.DRAFT
    html = response.content.decode()
    assert "Xuất bản / hẹn giờ: 1 bài." in html and "“Còn nháp”" in html
    assert ArticleTransition.objects.filter(name="publish").count() == 1
    assert reporter_client.get(changelist).context["action_form"] is None  # no bulk step for reporters


def test_the_audit_log_list_filters_by_step_person_and_date(editor_client, reporter, editor, reporter_client):
    article = make_article_in("draft", author=reporter, title="Bài có lịch sử")
    workflow.perform(article, "submit", reporter, notify=False)
    workflow.perform(article, "send_back", editor, comment="Viết lại đoạn đầu.", notify=False)
    url = reverse("admin:articles_articletransition_changelist")
    html = editor_client.get(url).content.decode()
    assert "Bài có lịch sử" in html and "Viết lại đoạn đầu." in html and "GMT+7" in html
    assert editor_client.get(url, {"name": "send_back"}).context["cl"].result_count == 1
    assert editor_client.get(url, {"user__id__exact": reporter.pk}).context["cl"].result_count == 1
    today = timezone.localdate()
    by_day = {"at__day": today.day, "at__month": today.month, "at__year": today.year}
    assert editor_client.get(url, by_day).context["cl"].result_count == 2
    assert reporter_client.get(url).status_code == 403
    record = ArticleTransition.objects.first()
    assert (
        editor_client.post(
            reverse("admin:articles_articletransition_change", args=[record.pk]), {}
        ).status_code
        == 403
    )


# The dashboard.


def test_the_dashboard_shows_each_queue(editor_client, reporter, editor, second_editor, frozen_now):
    older = make_article_in(
        "in_review",
        author=reporter,
        title="Gửi trước",
        status_changed_at=frozen_now - datetime.timedelta(hours=5),
    )
    newer = make_article_in(
        "in_review",
        author=reporter,
        title="Gửi sau",
        status_changed_at=frozen_now - datetime.timedelta(hours=1),
    )
    Article.objects.filter(pk=newer.pk).update(assigned_editor=editor)
    make_article_in("approved", author=reporter, title="Chờ đăng")
    make_article_in("scheduled", author=reporter, title="Đăng sáng mai")
    make_article_in("published", author=reporter, title="Vừa đăng")
    mine = make_article_in("in_review", author=editor, title="Bài của biên tập viên")
    workflow.perform(mine, "send_back", second_editor, comment="Chị xem lại tít.", notify=False)
    queues = {queue.key: queue for queue in dashboard(editor)}
    assert [article.title for article in queues["in_review"].articles] == [
        "Gửi trước",
        "Gửi sau",
    ]  # oldest first
    assert [article.title for article in queues["assigned"].articles] == ["Gửi sau"]
    assert [article.title for article in queues["approved"].articles] == ["Chờ đăng"]
    assert [article.title for article in queues["scheduled"].articles] == ["Đăng sáng mai"]
    assert [article.title for article in queues["published"].articles] == ["Vừa đăng"]
    assert [article.title for article in queues["sent_back"].articles] == ["Bài của biên tập viên"]
    assert queues["sent_back"].articles[0].last_comment == "Chị xem lại tít."
    assert [article.title for article in queues["drafts"].articles] == ["Bài của biên tập viên"]
    html = editor_client.get(reverse("admin:index")).content.decode()
    assert "Bàn làm việc tòa soạn" in html and "Chị xem lại tít." in html
    assert "09:00 29/11/2026 GMT+7" in html  # the scheduled time, zone named
    assert older.title in html


def test_the_reporters_dashboard_holds_their_own_work(reporter, other_reporter):
    make_article_in("in_review", author=reporter, title="Của tôi")
    make_article_in("in_review", author=other_reporter, title="Của người khác")
    queues = {queue.key: queue for queue in dashboard(reporter)}
    assert "assigned" not in queues
    assert [article.title for article in queues["in_review"].articles] == ["Của tôi"]


def _fill_newsroom(reporter, count):
    for number in range(count):
        for state in ("draft", "in_review", "approved", "scheduled", "published"):
            make_article_in(state, author=reporter, title=f"{state} {number}")


@pytest.mark.parametrize("user_fixture", ["editor", "reporter"])
def test_the_dashboard_makes_a_constant_number_of_queries(
    request, reporter, user_fixture, django_assert_num_queries
):
    someone = request.getfixturevalue(user_fixture)

    def as_the_index_finds_them():
        user = type(someone).objects.get(pk=someone.pk)
        user.has_perm(
            "articles.view_article"
        )  # the admin has loaded the permissions before the index renders
        return user

    # one aggregate for the totals, then one query per queue, whatever the number of articles; for an editor, the
    # sections of their desk
    queues = 9 if user_fixture == "editor" else 7
    _fill_newsroom(reporter, 1)
    user = as_the_index_finds_them()
    with django_assert_num_queries(queues):
        dashboard(user)
    _fill_newsroom(reporter, 6)
    user = as_the_index_finds_them()
    with django_assert_num_queries(queues):
        assert sum(len(queue.articles) for queue in dashboard(user)) > 10


def test_staff_without_articles_see_no_dashboard(roles):
    someone = make_user(role=None, is_staff=True)
    client = Client()
    client.force_login(someone)
    assert "Bàn làm việc tòa soạn" not in client.get(reverse("admin:index")).content.decode()


def test_bylines_of_restored_or_created_articles_stay_unique(reporter_client, reporter):
    """A reporter who puts themselves on the bylines is not added a second time."""
    section = make_section()
    data = {
        "title": "Hai tác giả",
        "section": section.pk,
        "lead": "Sapo.",
        "body": "<p>Nội dung.</p>",
        "byline_links-TOTAL_FORMS": "1",
        "byline_links-INITIAL_FORMS": "0",
        "byline_links-0-byline": reporter.byline.pk,
        "byline_links-0-position": "0",
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
        "embeds-TOTAL_FORMS": "0",
        "embeds-INITIAL_FORMS": "0",
        "pull_quotes-TOTAL_FORMS": "0",
        "pull_quotes-INITIAL_FORMS": "0",
    }
    assert reporter_client.post(reverse("admin:articles_article_add"), data).status_code == 302
    article = Article.objects.get(title="Hai tác giả")
    assert ArticleByline.objects.filter(article=article).count() == 1
