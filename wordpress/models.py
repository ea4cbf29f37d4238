"""Where each imported article came from: the WordPress site, the post, its old address and its embeds.

Keyed by the site's address and the post's id, these rows make `import_wordpress` idempotent (a second run finds
every post it imported and changes nothing) and let a newer export update what changed. They also keep what a
later step needs to answer the old addresses: the permalink and `?p=ID` of every post.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Site(models.Model):
    """A WordPress site an archive was imported from, by the address its exports give."""

    url = models.URLField(_("address"), max_length=300, unique=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    first_imported_at = models.DateTimeField(_("first imported"), default=timezone.now)
    last_imported_at = models.DateTimeField(_("last imported"), default=timezone.now)

    class Meta:
        verbose_name = _("WordPress site")
        verbose_name_plural = _("WordPress sites")

    def __str__(self):
        return self.title or self.url


class ImportedAuthor(models.Model):
    """The byline a WordPress login became, so that a later run credits the same byline."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="authors")
    login = models.CharField(_("WordPress login"), max_length=200)
    byline = models.ForeignKey(
        "articles.Byline", verbose_name=_("byline"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("imported author")
        verbose_name_plural = _("imported authors")
        constraints = [models.UniqueConstraint(fields=["site", "login"], name="wordpress_author_once")]

    def __str__(self):
        return self.login


class ImportedPost(models.Model):
    """One WordPress post and the article it became."""

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="posts")
    post_id = models.PositiveBigIntegerField(_("post id"))
    # Deleting the article here keeps the row: a later run then knows not to bring the article back.
    article = models.OneToOneField(
        "articles.Article",
        verbose_name=_("article"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="wordpress_post",
    )
    permalink = models.URLField(_("permalink"), max_length=1000, blank=True)
    status = models.CharField(_("status in WordPress"), max_length=20)
    # The time the post carried there, as written: the site's own clock and UTC.
    local_date = models.CharField(_("local time in WordPress"), max_length=19, blank=True)
    gmt_date = models.CharField(_("UTC time in WordPress"), max_length=19, blank=True)
    # A digest of everything the article was made of: the same digest on a later run means nothing changed.
    digest = models.CharField(max_length=64)
    # The article's version after the import: another version means it was edited here since.
    article_version = models.PositiveIntegerField(default=0)
    # Embeds shown as links for now: [{"url", "provider", "placement"}], for the conversion to embeds.
    embeds = models.JSONField(default=list, blank=True)
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("imported post")
        verbose_name_plural = _("imported posts")
        constraints = [models.UniqueConstraint(fields=["site", "post_id"], name="wordpress_post_once")]
        indexes = [models.Index(fields=["permalink"], name="wordpress_post_permalink")]

    def __str__(self):
        return f"{self.site_id}:{self.post_id}"
