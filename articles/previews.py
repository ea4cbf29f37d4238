"""Shareable preview links: a signed, expiring token for one article, revocable by an editor.

The token is a TimestampSigner signature of a PreviewLink's random key: a forged or altered token fails the
signature, an old one fails max_age, and a revoked one fails the lookup of its row.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from newsroom.site_url import site_url

from .models import PreviewLink

SALT = "articles.preview-link"


class _LinkSigner(signing.TimestampSigner):
    """Signs with the link's creation time, so that a link has one token, however often its page is shown."""

    def __init__(self, created_at=None):
        super().__init__(salt=SALT)
        self.created_at = created_at

    def timestamp(self):
        return (
            signing.b62_encode(int(self.created_at.timestamp())) if self.created_at else super().timestamp()
        )


def lifetime():
    return datetime.timedelta(hours=settings.NEWSROOM["PREVIEW_LINK_HOURS"])


def create(article, user):
    return PreviewLink.objects.create(
        article=article, created_by=user, expires_at=timezone.now() + lifetime()
    )


def token(link):
    return _LinkSigner(link.created_at).sign(link.key.hex)


def url(link):
    return site_url() + reverse("articles:shared_preview", kwargs={"token": token(link)})


def find(token):
    """The live link a token stands for, or None when it is forged, expired or revoked."""
    try:
        key = _LinkSigner().unsign(token, max_age=lifetime())
    except signing.BadSignature:  # SignatureExpired is one
        return None
    link = PreviewLink.objects.filter(key=key).select_related("created_by").first()
    return link if link is not None and link.is_active else None


def revoke(link, user):
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.revoked_by = user
        link.save(update_fields=["revoked_at", "revoked_by"])
    return link
