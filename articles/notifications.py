"""E-mails the workflow sends: the desk on a submission, the reporter on a send-back and on publication.

articles.workflow calls `send_after_commit` inside the step's transaction: the e-mails are written into the outbox
(articles.models.OutgoingEmail) with the step, and sent through Django's e-mail framework once it commits (the
console in development, SMTP from EMAIL_URL in production). The step has happened and is in the audit log whatever
becomes of its e-mails: a mail that cannot be sent is logged (the step, the article and the recipient), kept, and
sent again later; it never reaches the person who took the step as an error.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from newsroom.site_url import site_url
from newsroom.text import one_line

from .desks import desk_of, reviewers
from .models import OutgoingEmail
from .people import display_name

logger = logging.getLogger(__name__)


def send_after_commit(record):
    """Write the step's e-mails into the outbox, in the step's transaction, and send them once it commits.

    A step that rolls back sends nothing; a committed step keeps its e-mails until the mail server takes them.
    """
    step = _step(record)
    # Read now: the links name the address the step was taken at, and the mail may go after the request is over.
    try:
        written = _write(record, site_url())
    except Exception:
        logger.exception("Could not write the workflow e-mails for %s; none was sent", step)
        return
    if written:
        # Robust: whatever escapes the mail code, Django logs it and the committed step is not reported as an error.
        transaction.on_commit(lambda: send([email.pk for email in written]), robust=True)


def _step(record):
    return f"“{record.name}” on article {record.article_id} (transition {record.pk})"


def _write(record, base):
    senders = {"submit": _submitted, "send_back": _sent_back, "publish": _published}
    sender = senders.get(record.name)
    if sender is None:
        return []
    # The newsroom's language, whatever language the acting user's request was in.
    with translation.override(settings.LANGUAGE_CODE):
        messages = sender(record, base)
    return OutgoingEmail.objects.bulk_create(
        OutgoingEmail(transition=record, recipient=message.to[0], subject=message.subject, body=message.body)
        for message in messages
    )


def waiting(due_only=True):
    """The e-mails not sent yet (only those whose next attempt is due, unless asked for all), oldest first."""
    emails = OutgoingEmail.objects.filter(sent_at__isnull=True).select_related("transition").order_by("pk")
    if due_only:
        emails = emails.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now()))
    return emails


def send(pks=None, due_only=True, limit=200):
    """Send e-mails of the outbox (these `pks`, then any others that are due); return (sent, failed).

    Each failure is logged with its step and recipient and the e-mail waits, longer after each failure (a minute,
    then doubling up to six hours), for the next step's sending, `manage.py mail_outbox --send` or the admin.
    """
    emails = list(waiting(due_only=False).filter(pk__in=pks)) if pks else []
    emails += [email for email in waiting(due_only)[:limit] if email.pk not in set(pks or ())]
    if not emails:
        return 0, 0
    connection = get_connection()
    try:
        connection.open()
    except Exception as error:
        logger.exception(
            "Could not reach the mail server for %s; not sent to %s",
            ", ".join(sorted({_step_of(email) for email in emails})),
            ", ".join(email.recipient for email in emails),
        )
        for email in emails:
            _failed(email, error)
        return 0, len(emails)
    sent = failed = 0
    try:
        for email in emails:
            try:
                connection.send_messages([EmailMessage(email.subject, email.body, to=[email.recipient])])
            except Exception as error:
                # One address refused must not cost the others their mail.
                logger.exception(
                    "Could not send the workflow e-mail for %s to %s (subject: %s)",
                    _step_of(email),
                    email.recipient,
                    email.subject,
                )
                _failed(email, error)
                failed += 1
            else:
                email.sent_at = timezone.now()
                email.save(update_fields=["sent_at"])
                sent += 1
    finally:
        try:
            connection.close()
        except Exception:
            logger.warning("Could not close the mail server connection", exc_info=True)
    return sent, failed


def _step_of(email):
    return _step(email.transition) if email.transition else f"e-mail {email.pk}"


def _failed(email, error):
    email.attempts += 1
    email.last_error = str(error)[:2000] or type(error).__name__
    email.next_attempt_at = timezone.now() + datetime.timedelta(minutes=min(360, 2 ** (email.attempts - 1)))
    email.save(update_fields=["attempts", "last_error", "next_attempt_at"])


def _recipients(users, record):
    return sorted(
        {user.email for user in users if user.email and user.is_active and user.pk != record.user_id}
    )


def _authors(article):
    return (
        get_user_model()
        .objects.filter(Q(pk=article.created_by_id) | Q(byline__articles=article), is_active=True)
        .distinct()
    )


def _message(record, base, template, subject, recipients):
    if not recipients:
        return []
    article = record.article
    context = {
        "article": article,
        "record": record,
        "actor": display_name(record.user),
        "admin_url": base + reverse("admin:articles_article_change", args=[article.pk]),
        "public_url": base + article.get_absolute_url(),
        "site_name": settings.NEWSROOM["SITE_NAME"],
    }
    body = render_to_string(f"articles/email/{template}.txt", context)
    # A header is one line: a title saved before titles refused line breaks must not break (or forge) one.
    return [EmailMessage(one_line(subject), body, to=[address]) for address in recipients]


def _submitted(record, base):
    article = record.article
    editors = (
        [article.assigned_editor] if article.assigned_editor_id else list(reviewers(desk=desk_of(article)))
    )
    subject = _("For review: %(title)s") % {"title": article.title}
    return _message(record, base, "submitted", subject, _recipients(editors, record))


def _sent_back(record, base):
    article = record.article
    subject = _("Sent back: %(title)s") % {"title": article.title}
    return _message(record, base, "sent_back", subject, _recipients(_authors(article), record))


def _published(record, base):
    article = record.article
    if article.is_scheduled:
        subject = _("Scheduled: %(title)s") % {"title": article.title}
    else:
        subject = _("Published: %(title)s") % {"title": article.title}
    return _message(record, base, "published", subject, _recipients(_authors(article), record))
