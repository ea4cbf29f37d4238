"""E-mails the workflow sends: the desk on a submission, the reporter on a send-back and on publication.

Called by articles.workflow once the transition has committed; mail goes through Django's e-mail framework
(the console in development, SMTP from EMAIL_URL in production). The step has happened and is in the audit log
whatever becomes of its e-mails: a mail that cannot be written or sent is logged (the step, the article and the
recipients) and never reaches the person who took the step as an error.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from newsroom.site_url import site_url
from newsroom.text import one_line

from .people import display_name

logger = logging.getLogger(__name__)


def send_after_commit(record):
    """Send the step's e-mails once its transaction has committed (none if it rolls back)."""
    # Read now: the links name the address the step was taken at, and the mail may go after the request is over.
    base = site_url()
    # Robust: whatever escapes the mail code, Django logs it and the committed step is not reported as an error.
    transaction.on_commit(lambda: transition_done(record, base), robust=True)


def transition_done(record, base=None):
    """Send the e-mails one audit-log row calls for, if any; log, never raise, what fails.

    `base` is the address links start with (newsroom.site_url when not given).
    """
    senders = {"submit": _submitted, "send_back": _sent_back, "publish": _published}
    sender = senders.get(record.name)
    if sender is None:
        return
    step = f"“{record.name}” on article {record.article_id} (transition {record.pk})"
    try:
        # The newsroom's language, whatever language the acting user's request was in.
        with translation.override(settings.LANGUAGE_CODE):
            messages = sender(record, base or site_url())
    except Exception:
        logger.exception("Could not write the workflow e-mails for %s; none was sent", step)
        return
    if not messages:
        return
    connection = get_connection()
    try:
        connection.open()
    except Exception:
        logger.exception(
            "Could not reach the mail server for %s; not sent to %s",
            step,
            ", ".join(address for message in messages for address in message.to),
        )
        return
    try:
        for message in messages:
            try:
                connection.send_messages([message])
            except Exception:
                # One address refused must not cost the others their mail.
                logger.exception(
                    "Could not send the workflow e-mail for %s to %s (subject: %s)",
                    step,
                    ", ".join(message.to),
                    message.subject,
                )
    finally:
        try:
            connection.close()
        except Exception:
            logger.warning("Could not close the mail server connection after %s", step, exc_info=True)


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
    from .workflow import reviewers

    article = record.article
    editors = [article.assigned_editor] if article.assigned_editor_id else list(reviewers())
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
