from django.db import models
from django.utils.translation import gettext_lazy as _

from articles.models import Article


class ArticleReadCount(models.Model):
    """How many readers opened an article in one hour (UTC, the hour's start), folded in from the cache."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="+"
    )
    hour = models.DateTimeField(_("hour"))
    count = models.PositiveIntegerField(_("reads"))

    class Meta:
        verbose_name = _("read count")
        verbose_name_plural = _("read counts")
        constraints = [
            models.UniqueConstraint(fields=["article", "hour"], name="readership_one_count_per_hour")
        ]
        indexes = [models.Index(fields=["hour"], name="readership_hour")]

    def __str__(self):
        return f"{self.article_id} @ {self.hour:%Y-%m-%d %H}: {self.count}"
