"""E-mails the workflow sends: the desk on a submission, the reporter on a send-back and on publication.

Called by articles.workflow once the transition has committed; mail goes through Django's e-mail framework
(the console in development, SMTP from EMAIL_URL in production).
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def transition_done(record):
    """Send the e-mails one audit-log row calls for, if any."""
    senders = {"submit": _submitted, "send_back": _sent_back, "publish": _published}
    sender = senders.get(record.name)
    if sender is None:
        return
    # The newsroom's language, whatever language the acting user's request was in.
    with translation.override(settings.LANGUAGE_CODE):
        messages = sender(record)
    if messages:
        try:
            get_connection().send_messages(messages)
        except OSError:
            # The step has happened and is in the audit log; a mail server being down must not undo it.
            logger.exception("Could not send the workflow e-mails for transition %s", record.pk)


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


def _message(record, template, subject, recipients):
    if not recipients:
        return []
    article = record.article
    context = {
        "article": article,
        "record": record,
        "actor": (record.user.get_full_name() or record.user.get_username()) if record.user else "",
        "admin_url": settings.NEWSROOM["SITE_URL"].rstrip("/")
        + reverse("admin:articles_article_change", args=[article.pk]),
        "public_url": settings.NEWSROOM["SITE_URL"].rstrip("/") + article.get_absolute_url(),
        "site_name": settings.NEWSROOM["SITE_NAME"],
    }
    body = render_to_string(f"articles/email/{template}.txt", context)
    return [EmailMessage(subject, body, to=[address]) for address in recipients]


def _submitted(record):
    from .workflow import desk_of, reviewers

    article = record.article
    editors = (
        [article.assigned_editor] if article.assigned_editor_id else list(reviewers(desk=desk_of(article)))
    )
    subject = _("For review: %(title)s") % {"title": article.title}
    return _message(record, "submitted", subject, _recipients(editors, record))


def _sent_back(record):
    article = record.article
    subject = _("Sent back: %(title)s") % {"title": article.title}
    return _message(record, "sent_back", subject, _recipients(_authors(article), record))


def _published(record):
    article = record.article
    if article.is_scheduled:
        subject = _("Scheduled: %(title)s") % {"title": article.title}
    else:
        subject = _("Published: %(title)s") % {"title": article.title}
    return _message(record, "published", subject, _recipients(_authors(article), record))
