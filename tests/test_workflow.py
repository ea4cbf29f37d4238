"""articles.workflow: the transition table, the audit log, scheduling, corrections and the e-mails."""

import datetime
import threading
import time

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from articles import desks, revisions, workflow
from articles.models import Article, ArticleTransition, Revision, Status
from articles.workflow import TransitionNotAllowed

from .factories import make_article_in, make_user

STATES = ["draft", "in_review", "in_review_started", "approved", "scheduled", "published", "unpublished"]
ROLES = ["author", "other_reporter", "editor"]
TRANSITIONS = [
    "submit",
    "withdraw",
    "start_review",
    "reassign",
    "send_back",
    "approve",
    "publish",
    "reschedule",
    "correct",
    "unpublish",
    "redraft",
]

# The newsroom's rules, written out by hand (not read from workflow.TRANSITIONS, or the test would prove nothing).
ALLOWED = {
    ("author", "draft"): {"submit"},
    ("author", "in_review"): {"withdraw"},
    ("editor", "draft"): {"submit"},
    ("editor", "in_review"): {"start_review", "reassign", "send_back", "approve", "publish"},
    ("editor", "in_review_started"): {"reassign", "send_back", "approve", "publish"},
    ("editor", "approved"): {"reassign", "send_back", "publish"},
    ("editor", "scheduled"): {"reschedule", "unpublish"},
    ("editor", "published"): {"correct", "unpublish"},
    ("editor", "unpublished"): {"redraft"},
}
TARGET = {
    "submit": Status.IN_REVIEW,
    "withdraw": Status.DRAFT,
    "send_back": Status.DRAFT,
    "approve": Status.APPROVED,
    "publish": Status.PUBLISHED,
    "unpublish": Status.UNPUBLISHED,
    "redraft": Status.DRAFT,
    # start_review, reassign, reschedule and correct keep the state
}


@pytest.fixture
def people(reporter, other_reporter, editor, second_editor):
    return {
        "author": reporter,
        "other_reporter": other_reporter,
        "editor": editor,
        "second_editor": second_editor,
    }


def inputs(name, people):
    """What each step needs to go through: a reason, a time, an editor."""
    return {
        "comment": "Lý do: cần kiểm tra lại số liệu.",
        "when": timezone.now() + datetime.timedelta(days=2) if name == "reschedule" else None,
        "editor": people["second_editor"] if name in ("submit", "reassign") else None,
        "note": "Sửa tên nhân vật ở đoạn hai." if name == "correct" else "",
    }


def test_the_table_names_every_transition():
    assert list(workflow.TRANSITIONS) == TRANSITIONS


@pytest.mark.django_db
@pytest.mark.parametrize("name", TRANSITIONS)
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_transition_table(people, role, state, name):
    article = make_article_in(state, author=people["author"], reviewer=people["second_editor"])
    user = people[role]
    before = (article.status, article.version, article.published_at, article.corrected_at)
    if name in ALLOWED.get((role, state), set()):
        result = workflow.perform(article, name, user, notify=False, **inputs(name, people))
        target = TARGET.get(name, article.status)
        assert result.status == target
        assert result.version == article.version + 1
        record = ArticleTransition.objects.get(article=article)
        assert (record.name, record.from_state, record.to_state, record.user) == (
            name,
            article.status,
            target,
            user,
        )
        assert (
            Revision.objects.filter(article=article, kind=Revision.Kind.TRANSITION, transition=name).count()
            == 1
        )
    else:
        with pytest.raises(TransitionNotAllowed):
            workflow.perform(article, name, user, notify=False, **inputs(name, people))
        article.refresh_from_db()
        assert (article.status, article.version, article.published_at, article.corrected_at) == before
        assert not ArticleTransition.objects.filter(article=article).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_available_steps_are_the_allowed_ones(people, role, state):
    """The admin's buttons: exactly the steps the table allows this person in this state."""
    article = make_article_in(state, author=people["author"], reviewer=people["second_editor"])
    names = {step.name for step in workflow.available(article, people[role])}
    assert names == ALLOWED.get((role, state), set())


@pytest.mark.django_db
def test_refusal_says_why(people):
    article = make_article_in("in_review", author=people["author"])
    with pytest.raises(TransitionNotAllowed) as refusal:
        workflow.perform(article, "publish", people["author"])
    assert refusal.value.reason == TransitionNotAllowed.PERMISSION
    assert "“Xuất bản / hẹn giờ”" in str(refusal.value)
    draft = make_article_in("draft", author=people["author"])
    with pytest.raises(TransitionNotAllowed) as refusal:
        workflow.perform(draft, "approve", people["editor"])
    assert refusal.value.reason == TransitionNotAllowed.STATE
    assert str(refusal.value) == "Không thể “Duyệt” khi bài viết đang ở trạng thái “Bản nháp”."
    with pytest.raises(TransitionNotAllowed):
        workflow.perform(draft, "no_such_step", people["editor"])


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["send_back", "unpublish"])
@pytest.mark.parametrize("comment", ["", "   \n "])
def test_steps_that_need_a_reason_refuse_without_one(people, name, comment):
    article = make_article_in("in_review" if name == "send_back" else "published", author=people["author"])
    with pytest.raises(ValidationError) as error:
        workflow.perform(article, name, people["editor"], comment=comment)
    assert "comment" in error.value.message_dict
    article.refresh_from_db()
    assert article.status == ("in_review" if name == "send_back" else "published")
    assert not ArticleTransition.objects.exists()


@pytest.mark.django_db
def test_every_step_is_a_row_in_the_audit_log(people, frozen_now):
    """A whole life: submitted, sent back, resubmitted, reviewed, approved, published, corrected, withdrawn."""
    author, editor, second = people["author"], people["editor"], people["second_editor"]
    article = make_article_in("draft", author=author)
    steps = [
        ("submit", author, {"editor": editor, "comment": "Nhờ chị Nga duyệt."}),
        ("send_back", editor, {"comment": "Thiếu nguồn ở đoạn hai."}),
        ("submit", author, {}),
        ("start_review", second, {}),
        ("reassign", second, {"editor": editor}),
        ("approve", editor, {}),
        ("publish", editor, {}),
        ("correct", editor, {"note": "Sửa chức danh ông Hải."}),
        ("unpublish", editor, {"comment": "Gỡ theo yêu cầu của tòa soạn."}),
        ("redraft", editor, {}),
    ]
    for minutes, (name, user, options) in enumerate(steps):
        with time_machine.travel(frozen_now + datetime.timedelta(minutes=minutes), tick=False):
            article = workflow.perform(article, name, user, notify=False, **options)
    rows = list(ArticleTransition.objects.filter(article=article).order_by("at"))
    assert [(row.name, row.from_state, row.to_state, row.user) for row in rows] == [
        ("submit", "draft", "in_review", author),
        ("send_back", "in_review", "draft", editor),
        ("submit", "draft", "in_review", author),
        ("start_review", "in_review", "in_review", second),
        ("reassign", "in_review", "in_review", second),
        ("approve", "in_review", "approved", editor),
        ("publish", "approved", "published", editor),
        ("correct", "published", "published", editor),
        ("unpublish", "published", "unpublished", editor),
        ("redraft", "unpublished", "draft", editor),
    ]
    assert [row.at - frozen_now for row in rows] == [datetime.timedelta(minutes=n) for n in range(10)]
    assert [row.comment for row in rows if row.comment] == [
        "Nhờ chị Nga duyệt.",
        "Thiếu nguồn ở đoạn hai.",
        "Sửa chức danh ông Hải.",
        "Gỡ theo yêu cầu của tòa soạn.",
    ]
    assert rows[0].assigned_editor == editor and rows[4].assigned_editor == editor
    assert rows[6].published_at == frozen_now + datetime.timedelta(minutes=6)
    assert article.status_changed_by == editor
    assert article.version == 1 + len(steps)


@pytest.mark.django_db
def test_a_reporter_takes_back_a_submission_until_an_editor_starts(people):
    article = make_article_in("draft", author=people["author"])
    article = workflow.perform(article, "submit", people["author"])
    article = workflow.perform(article, "withdraw", people["author"])
    assert article.status == Status.DRAFT
    article = workflow.perform(article, "submit", people["author"])
    article = workflow.perform(article, "start_review", people["editor"])
    assert article.assigned_editor == people["editor"]  # claimed from the desk
    with pytest.raises(TransitionNotAllowed) as refusal:
        workflow.perform(article, "withdraw", people["author"])
    assert refusal.value.reason == TransitionNotAllowed.STATE
    # Sent back and resubmitted, the review starts afresh.
    article = workflow.perform(article, "send_back", people["editor"], comment="Viết lại phần mở đầu.")
    article = workflow.perform(article, "submit", people["author"])
    assert article.review_started_by is None
    assert workflow.perform(article, "withdraw", people["author"]).status == Status.DRAFT


@pytest.mark.django_db
def test_only_an_editor_can_be_asked_to_review(people):
    article = make_article_in("draft", author=people["author"])
    with pytest.raises(ValidationError) as error:
        workflow.perform(article, "submit", people["author"], editor=people["other_reporter"])
    assert "editor" in error.value.message_dict
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT


@pytest.mark.django_db
def test_publishing_now_at_a_past_time_and_at_a_future_time(people, frozen_now):
    now_article = workflow.perform(make_article_in("approved"), "publish", people["editor"])
    assert now_article.published_at == frozen_now and now_article.is_published
    archive = frozen_now - datetime.timedelta(days=3000)
    back_dated = workflow.perform(make_article_in("approved"), "publish", people["editor"], when=archive)
    assert back_dated.published_at == archive  # kept, e.g. when importing an archive
    assert back_dated.published_on == timezone.localdate(archive)
    later = frozen_now + datetime.timedelta(hours=9)
    scheduled = workflow.perform(make_article_in("approved"), "publish", people["editor"], when=later)
    assert scheduled.status == Status.PUBLISHED and scheduled.is_scheduled
    moved = workflow.perform(
        scheduled, "reschedule", people["editor"], when=later + datetime.timedelta(days=1)
    )
    assert moved.published_at == later + datetime.timedelta(days=1)
    with pytest.raises(ValidationError):
        workflow.perform(moved, "reschedule", people["editor"])  # the new time is required


@pytest.mark.django_db
def test_a_scheduled_article_appears_everywhere_at_its_time(client, people, frozen_now):
    """No cron job, no manual step: readers' queries compare published_at with now."""
    # 06:00 tomorrow in the newsroom's zone, 23:00 today in UTC: the boundary that catches zone mistakes.
    tomorrow_six = frozen_now.replace(hour=6) + datetime.timedelta(days=1)
    article = make_article_in("approved", author=people["author"], title="Khai mạc Tuần Văn hóa Vân Đồn")
    article = workflow.perform(article, "publish", people["editor"], when=tomorrow_six)
    author_url = people["author"].byline.get_absolute_url()
    pages = [
        article.get_absolute_url(),
        "/",
        article.section.get_absolute_url(),
        "/2026/11/29/",
        author_url,
    ]
    assert article.get_absolute_url() == "/2026/11/29/khai-mac-tuan-van-hoa-van-don/"
    with time_machine.travel(tomorrow_six - datetime.timedelta(minutes=1), tick=False):
        assert client.get(pages[0]).status_code == 404
        for url in pages[1:]:
            assert "Khai mạc Tuần Văn hóa Vân Đồn" not in client.get(url).content.decode(), url
    with time_machine.travel(tomorrow_six, tick=False):
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            assert "Khai mạc Tuần Văn hóa Vân Đồn" in response.content.decode(), url


@pytest.mark.django_db
def test_a_correction_shows_on_the_page(client, people, frozen_now):
    article = make_article_in("published", author=people["author"])
    later = frozen_now + datetime.timedelta(hours=3, minutes=5)
    with time_machine.travel(later, tick=False):
        article = workflow.perform(article, "correct", people["editor"], note="Sửa số liệu ở đoạn hai.")
    assert article.corrected_at == later
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'Cập nhật <time datetime="2026-11-28T12:05:00+07:00">12:05 | 28/11/2026</time>' in html
    assert "Sửa số liệu ở đoạn hai." in html


@pytest.mark.django_db
def test_unpublished_articles_leave_the_site(client, people):
    article = make_article_in("published", author=people["author"])
    assert client.get(article.get_absolute_url()).status_code == 200
    workflow.perform(article, "unpublish", people["editor"], comment="Sai sự thật, gỡ để xác minh.")
    assert client.get(article.get_absolute_url()).status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_editors_publishing_at_once_publish_once(roles, monkeypatch):
    """The row lock queues the second editor behind the first, who then finds the article already published."""
    first = make_user(role="Editors")
    second = make_user(role="Editors")
    article = make_article_in("approved")
    slow_record = revisions.record

    def record_slowly(*args, **kwargs):
        time.sleep(0.3)  # hold the lock long enough for the other editor to arrive
        return slow_record(*args, **kwargs)

    monkeypatch.setattr(revisions, "record", record_slowly)
    start = threading.Barrier(2)
    outcomes = []

    def publish(user):
        try:
            start.wait()
            workflow.perform(Article(pk=article.pk), "publish", user, notify=False)
            outcomes.append("published")
        except TransitionNotAllowed as refusal:
            outcomes.append(refusal.reason)
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=(user,)) for user in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["published", TransitionNotAllowed.STATE]
    assert ArticleTransition.objects.filter(article_id=article.pk, name="publish").count() == 1
    assert Article.objects.get(pk=article.pk).version == article.version + 1


# E-mails


@pytest.mark.django_db
def test_submitting_mails_the_assigned_editor_only(people, mailoutbox, django_capture_on_commit_callbacks):
    article = make_article_in("draft", author=people["author"], title="Xe buýt điện ven vịnh")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(article, "submit", people["author"], editor=people["editor"], comment="Có ảnh kèm.")
    assert [mail.to for mail in mailoutbox] == [[people["editor"].email]]
    mail = mailoutbox[0]
    assert mail.subject == "Chờ duyệt: Xe buýt điện ven vịnh"
    assert "Phạm Tăng đã gửi “Xe buýt điện ven vịnh” để duyệt." in mail.body
    assert "Có ảnh kèm." in mail.body
    assert f"/admin/articles/article/{article.pk}/change/" in mail.body


@pytest.mark.django_db
def test_submitting_to_the_desk_mails_every_editor(people, mailoutbox, django_capture_on_commit_callbacks):
    make_user("sep", name="Quản trị", is_staff=True, is_superuser=True)  # a superuser is not the desk
    article = make_article_in("draft", author=people["author"])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(article, "submit", people["author"])
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(
        [people["editor"].email, people["second_editor"].email]
    )


@pytest.mark.django_db
def test_sending_back_mails_the_reporter_the_comment(people, mailoutbox, django_capture_on_commit_callbacks):
    article = make_article_in("in_review", author=people["author"], title="Giá phòng trọ tăng")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(article, "send_back", people["editor"], comment="Cần thêm ý kiến Ban Quản lý KCN.")
    assert [mail.to for mail in mailoutbox] == [[people["author"].email]]
    assert mailoutbox[0].subject == "Trả lại: Giá phòng trọ tăng"
    assert "Cần thêm ý kiến Ban Quản lý KCN." in mailoutbox[0].body


@pytest.mark.django_db
def test_publishing_mails_the_reporter(people, mailoutbox, django_capture_on_commit_callbacks, frozen_now):
    article = make_article_in("approved", author=people["author"], title="Thư viện mới")
    with django_capture_on_commit_callbacks(execute=True):
        article = workflow.perform(article, "publish", people["editor"])
    assert [mail.to for mail in mailoutbox] == [[people["author"].email]]
    assert mailoutbox[0].subject == "Đã đăng: Thư viện mới"
    assert "http://127.0.0.1:8000/2026/11/28/thu-vien-moi/" in mailoutbox[0].body
    scheduled = make_article_in("approved", author=people["author"], title="Lễ hội")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(scheduled, "publish", people["editor"], when=frozen_now + datetime.timedelta(days=1))
    assert mailoutbox[1].subject == "Hẹn giờ đăng: Lễ hội"
    assert "09:00 29/11/2026 GMT+7" in mailoutbox[1].body


@pytest.mark.django_db
def test_no_mail_for_the_person_who_acted_or_for_quiet_steps(
    people, chief, mailoutbox, django_capture_on_commit_callbacks
):
    own = make_article_in("approved", author=chief)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(own, "publish", chief)  # a chief editor publishing their own article
        workflow.perform(make_article_in("in_review", author=people["author"]), "approve", people["editor"])
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_mail_server_down_does_not_undo_the_step(
    people, settings, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    article = make_article_in("in_review", author=people["author"])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(article, "send_back", people["editor"], comment="Viết lại.")
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT
    assert f"Could not reach the mail server for “send_back” on article {article.pk}" in caplog.text
    assert people["author"].email in caplog.text  # who did not get it


@pytest.mark.django_db
def test_nothing_is_mailed_when_the_step_rolls_back(people, mailoutbox, django_capture_on_commit_callbacks):
    from django.db import transaction

    article = make_article_in("in_review", author=people["author"])
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            workflow.perform(article, "send_back", people["editor"], comment="Viết lại.")
            raise RuntimeError("the caller's transaction fails after the step")
    assert mailoutbox == []
    assert Article.objects.get(pk=article.pk).status == Status.IN_REVIEW


@pytest.mark.django_db
def test_the_desk_is_found_with_a_second_login_backend(people, settings):
    """A login throttle or single sign-on adds a backend; choosing a reviewer must keep working."""
    settings.AUTHENTICATION_BACKENDS = [
        "django.contrib.auth.backends.ModelBackend",
        "django.contrib.auth.backends.RemoteUserBackend",
    ]
    assert set(desks.reviewers()) == {people["editor"], people["second_editor"]}
