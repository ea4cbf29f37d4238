"""One-line fields refuse control characters, e-mail subjects stay one line, and a failed e-mail never undoes a step.

A title with CR/LF (a crafted POST) used to be saved, then made the next workflow step answer 500 (BadHeaderError
in its e-mail) after the step had committed, and the e-mail was lost.
"""

import logging
import smtplib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.locmem import EmailBackend
from django.test import Client
from django.urls import reverse

from articles import notifications, workflow
from articles.models import Article, ArticleTransition, Byline, Status, Tag
from sections.models import Section

from .factories import form_data, make_article_in, make_photo, make_pull_quote, make_section

pytestmark = pytest.mark.django_db

BREAKS = ["\r\n", "\n", "\r", "\t", "\x0b", "\x00", "\x85", "\u2028", "\u2029", "\x1b"]
FORGED = "Tin mới\r\nBcc: ai-do@example.com"


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def error_codes(response, field, prefix=None):
    """The error codes of `field` on the admin form (or on the first form of the inline `prefix`)."""
    if prefix is None:
        form = response.context["adminform"].form
    else:
        (formset,) = [
            inline.formset
            for inline in response.context["inline_admin_formsets"]
            if inline.formset.prefix == prefix
        ]
        form = formset.forms[0]
    return [error.code for error in form.errors.as_data().get(field, [])]


@pytest.mark.parametrize("character", BREAKS, ids=[repr(c) for c in BREAKS])
def test_a_title_with_a_control_character_is_a_form_error(reporter_client, reporter, admin_form, character):
    article = make_article_in("draft", author=reporter, title="Tiêu đề cũ")
    data = admin_form(reporter_client.get(change_url(article)))
    response = reporter_client.post(change_url(article), {**data, "title": f"Tin mới{character}Bcc: x@y.vn"})
    assert response.status_code == 200
    codes = error_codes(response, "title")
    # NUL is Django's own refusal (every form CharField has it); the rest are the newsroom's.
    assert codes == (["null_characters_not_allowed"] if character == "\x00" else ["control_characters"])
    if character != "\x00":
        assert "Chỉ viết trên một dòng: bỏ các dấu xuống dòng" in response.content.decode()
    article.refresh_from_db()
    assert article.title == "Tiêu đề cũ"


@pytest.mark.parametrize(
    ("prefix", "field"),
    [
        ("photos", "caption"),
        ("photos", "credit"),
        ("photos", "alt_text"),
        ("pull_quotes", "attribution_name"),
        ("pull_quotes", "attribution_title"),
    ],
)
def test_the_one_line_fields_of_photos_and_pull_quotes_refuse_line_breaks(
    editor_client, admin_form, prefix, field
):
    article = make_article_in("draft")
    make_photo(article)
    make_pull_quote(article)
    data = admin_form(editor_client.get(change_url(article)))
    response = editor_client.post(
        change_url(article), {**data, f"{prefix}-0-{field}": "Dòng một\r\nDòng hai"}
    )
    assert response.status_code == 200
    assert error_codes(response, field, prefix) == ["control_characters"]


def test_a_tag_with_a_line_break_is_a_form_error(reporter_client, reporter, admin_form):
    article = make_article_in("draft", author=reporter)
    data = admin_form(reporter_client.get(change_url(article)))
    response = reporter_client.post(change_url(article), {**data, "tags": "Hạ\nLong, Giao thông"})
    assert response.status_code == 200
    assert error_codes(response, "tags") == ["control_characters"]
    assert not Tag.objects.exists()


@pytest.mark.parametrize(
    ("make", "url_name", "form_id", "field"),
    [
        (
            lambda: Byline.objects.create(name="Lê Tùng"),
            "admin:articles_byline_change",
            "byline_form",
            "name",
        ),
        (
            lambda: Byline.objects.create(name="Lê Tùng"),
            "admin:articles_byline_change",
            "byline_form",
            "role",
        ),
        (lambda: make_section(name="Kinh tế"), "admin:sections_section_change", "section_form", "name"),
        (lambda: Tag.objects.create(name="Hạ Long"), "admin:articles_tag_change", "tag_form", "name"),
    ],
    ids=["byline-name", "byline-role", "section-name", "tag-name"],
)
def test_names_of_bylines_sections_and_tags_refuse_line_breaks(editor_client, make, url_name, form_id, field):
    thing = make()
    url = reverse(url_name, args=[thing.pk])
    data = form_data(editor_client.get(url), form_id)
    response = editor_client.post(url, {**data, field: "Một\r\nHai"})
    assert response.status_code == 200
    assert error_codes(response, field) == ["control_characters"]
    refreshed = type(thing).objects.get(pk=thing.pk)
    assert "\n" not in getattr(refreshed, field)


def test_a_section_name_is_checked_by_the_model_too():
    section = Section(name="Một\nHai", slug="mot-hai")
    with pytest.raises(ValidationError) as refused:
        section.full_clean()
    assert "name" in refused.value.message_dict


# E-mails.


@pytest.fixture
def saved_with_a_line_break(reporter):
    """A draft whose title has CR/LF: saved before titles refused them, or by an import."""
    article = make_article_in("draft", author=reporter)
    Article.objects.filter(pk=article.pk).update(title=FORGED)
    article.refresh_from_db()
    return article


def submit(client, article, editor):
    return client.post(
        reverse("admin:articles_article_transition", args=[article.pk, "submit"]), {"editor": str(editor.pk)}
    )


def test_a_stored_title_with_a_line_break_still_makes_a_one_line_subject(
    reporter, editor, saved_with_a_line_break, mailoutbox, django_capture_on_commit_callbacks
):
    client = Client(raise_request_exception=False)
    client.force_login(reporter)
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, saved_with_a_line_break, editor)
    assert response.status_code == 302
    assert Article.objects.get(pk=saved_with_a_line_break.pk).status == Status.IN_REVIEW
    [sent] = mailoutbox
    assert sent.to == [editor.email]
    assert sent.subject == "Chờ duyệt: Tin mới Bcc: ai-do@example.com"
    assert "Bcc" not in sent.message()  # no header was forged
    assert sent.recipients() == [editor.email]


class RefusingBackend(EmailBackend):
    """The locmem backend, refusing the addresses in `refused` as an SMTP server would."""

    refused = set()

    def send_messages(self, messages):
        for message in messages:
            if set(message.to) & self.refused:
                raise smtplib.SMTPRecipientsRefused({address: (550, b"no") for address in message.to})
        return super().send_messages(messages)


class UnreachableBackend(EmailBackend):
    def open(self):
        raise ConnectionRefusedError("the mail server is down")


@pytest.fixture
def desk(editor, second_editor):
    return sorted([editor.email, second_editor.email])


def _step_as(reporter, article, django_capture_on_commit_callbacks):
    client = Client(raise_request_exception=False)
    client.force_login(reporter)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:articles_article_transition", args=[article.pk, "submit"]))
    assert response.status_code == 302  # the step is done, and says so
    assert Article.objects.get(pk=article.pk).status == Status.IN_REVIEW
    return ArticleTransition.objects.get(article=article, name="submit")


def test_one_refused_address_costs_the_others_nothing_and_is_logged(
    reporter, desk, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    RefusingBackend.refused = {desk[0]}
    article = make_article_in("draft", author=reporter)
    mail.outbox = []
    with caplog.at_level(logging.ERROR, logger="articles.notifications"):
        record = _step_as(reporter, article, django_capture_on_commit_callbacks)
    assert [message.to for message in mail.outbox] == [[desk[1]]]
    [logged] = caplog.records
    assert f"“submit” on article {article.pk} (transition {record.pk})" in logged.getMessage()
    assert desk[0] in logged.getMessage() and desk[1] not in logged.getMessage()


def test_an_unreachable_mail_server_is_logged_with_every_recipient(
    reporter, desk, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.UnreachableBackend"
    article = make_article_in("draft", author=reporter)
    with caplog.at_level(logging.ERROR, logger="articles.notifications"):
        record = _step_as(reporter, article, django_capture_on_commit_callbacks)
    [logged] = caplog.records
    assert f"(transition {record.pk})" in logged.getMessage()
    assert all(address in logged.getMessage() for address in desk)


@pytest.mark.parametrize("failure", [ValueError("bad header"), RuntimeError("template"), KeyError("x")])
def test_an_e_mail_that_cannot_be_written_never_turns_the_step_into_an_error(
    reporter, desk, monkeypatch, caplog, mailoutbox, django_capture_on_commit_callbacks, failure
):
    def broken(*args, **kwargs):
        raise failure

    monkeypatch.setattr(notifications, "render_to_string", broken)
    article = make_article_in("draft", author=reporter)
    with caplog.at_level(logging.ERROR, logger="articles.notifications"):
        record = _step_as(reporter, article, django_capture_on_commit_callbacks)
    assert mailoutbox == []
    [logged] = caplog.records
    assert f"“submit” on article {article.pk} (transition {record.pk})" in logged.getMessage()


@pytest.mark.django_db(transaction=True)
def test_whatever_escapes_the_mail_code_the_committed_step_stands(reporter, desk, monkeypatch, caplog):
    """A real commit: the e-mails' hook is robust, so Django logs what it raises and the step returns."""

    def escaping(pks=None, **kwargs):
        raise RuntimeError("a bug in the mail code")

    monkeypatch.setattr(notifications, "send", escaping)
    article = make_article_in("draft", author=reporter)
    with caplog.at_level(logging.ERROR):
        done = workflow.perform(article, "submit", reporter)
    assert done.status == Status.IN_REVIEW
    assert Article.objects.get(pk=article.pk).status == Status.IN_REVIEW
    assert any(
        "a bug in the mail code" in str(record.exc_info[1]) for record in caplog.records if record.exc_info
    )
