"""The mail server down or refusing: workflow steps succeed, their e-mails wait in the outbox, are retried and
listed for operators, and are never lost silently."""

import datetime
import io
import smtplib

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from articles import notifications, workflow
from articles.models import ArticleTransition, OutgoingEmail, Status

from .factories import make_article

pytestmark = pytest.mark.django_db


class DownBackend(EmailBackend):
    """A mail server that cannot be reached."""

    def open(self):
        raise smtplib.SMTPConnectError(421, "mail.example.com: service not available")


@pytest.fixture
def author(reporter):
    reporter.email = "phongvien@example.com"
    reporter.save()
    return reporter


def send_back(article, editor, committed):
    with committed():
        return workflow.perform(article, "send_back", editor, comment="Thiếu nguồn tin.")


def test_with_the_mail_server_down_the_step_stands_and_its_email_waits(
    author, editor, settings, committed, caplog
):
    settings.EMAIL_BACKEND = f"{__name__}.DownBackend"
    article = make_article(status=Status.IN_REVIEW, created_by=author, title="Tin cần sửa")
    done = send_back(article, editor, committed)
    assert done.status == Status.DRAFT
    assert ArticleTransition.objects.filter(article=article, name="send_back").exists()
    email = OutgoingEmail.objects.get()
    assert email.recipient == "phongvien@example.com" and email.sent_at is None and email.attempts == 1
    assert "service not available" in email.last_error and email.next_attempt_at > timezone.now()
    assert "phongvien@example.com" in caplog.text and f"(transition {email.transition_id})" in caplog.text


def test_waiting_emails_go_with_the_next_step_once_the_server_is_back(author, editor, settings, committed):
    settings.EMAIL_BACKEND = f"{__name__}.DownBackend"
    first = make_article(status=Status.IN_REVIEW, created_by=author, title="Tin thứ nhất")
    send_back(first, editor, committed)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    second = make_article(status=Status.IN_REVIEW, created_by=author, title="Tin thứ hai")
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)):  # the first one's retry is due
        send_back(second, editor, committed)
    assert sorted(message.subject for message in mail.outbox) == [
        "Trả lại: Tin thứ hai",
        "Trả lại: Tin thứ nhất",
    ]
    assert not OutgoingEmail.objects.filter(sent_at__isnull=True).exists()


def test_operators_list_and_resend_what_is_waiting(author, editor, settings, committed):
    settings.EMAIL_BACKEND = f"{__name__}.DownBackend"
    send_back(
        make_article(status=Status.IN_REVIEW, created_by=author, title="Tin chờ gửi"), editor, committed
    )
    output = io.StringIO()
    call_command("mail_outbox", stdout=output)
    assert "1 e-mail(s) waiting" in output.getvalue() and "phongvien@example.com" in output.getvalue()
    with pytest.raises(CommandError):
        call_command("mail_outbox", "--send", stdout=io.StringIO())
    assert OutgoingEmail.objects.get().attempts == 2
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    output = io.StringIO()
    call_command("mail_outbox", "--send", stdout=output)
    assert (
        "Sent 1 e-mail(s); 0 failed again." in output.getvalue()
        and "No e-mail is waiting." in output.getvalue()
    )
    assert [message.subject for message in mail.outbox] == ["Trả lại: Tin chờ gửi"]


def test_a_step_that_rolls_back_leaves_no_email(author, editor, committed, monkeypatch):
    article = make_article(status=Status.IN_REVIEW, created_by=author)

    def failing_revision(*args, **kwargs):
        raise RuntimeError("the step failed after its e-mails were written")

    monkeypatch.setattr(workflow.revisions, "record", failing_revision)
    with committed(), pytest.raises(RuntimeError):
        workflow.perform(article, "send_back", editor, comment="Thiếu nguồn.")
    assert not OutgoingEmail.objects.exists() and mail.outbox == []


def test_superusers_see_the_outbox_in_the_admin_and_editors_do_not(
    author, editor, settings, committed, admin_client, editor_client
):
    settings.EMAIL_BACKEND = f"{__name__}.DownBackend"
    send_back(
        make_article(status=Status.IN_REVIEW, created_by=author, title="Tin trong hộp thư"), editor, committed
    )
    listing = admin_client.get("/admin/articles/outgoingemail/?sent_at__isempty=1")
    assert listing.status_code == 200 and "phongvien@example.com" in listing.content.decode()
    assert editor_client.get("/admin/articles/outgoingemail/").status_code == 403
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    email = OutgoingEmail.objects.get()
    admin_client.post(
        "/admin/articles/outgoingemail/", {"action": "send_now", "_selected_action": [email.pk]}
    )
    email.refresh_from_db()
    assert email.sent_at is not None and len(mail.outbox) == 1


def test_sending_again_never_sends_twice(author, editor, committed):
    send_back(make_article(status=Status.IN_REVIEW, created_by=author), editor, committed)
    assert len(mail.outbox) == 1
    assert notifications.send(due_only=False) == (0, 0)
    assert len(mail.outbox) == 1
