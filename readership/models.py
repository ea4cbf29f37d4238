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


class Ranking(models.Model):
    """The most read articles of each period, as the folded counts stood when `hour` began, for the whole site
    (no section) or one section: summed once an hour by the fold, read by every most-read block of that hour.

    `lists` is {hours: [[article id, reads], …]}, most read first, the period's counts up to the end of the previous
    hour; a block adds the hour the cache is counting. The fold writes a row for every section (lists empty or not)
    and marks the hour ranked in the cache; a block of an hour not marked sums the counts itself.
    """

    hour = models.DateTimeField(_("hour"))
    section = models.ForeignKey(
        "sections.Section", verbose_name=_("section"), on_delete=models.CASCADE, null=True, related_name="+"
    )
    lists = models.JSONField(_("rankings"))

    class Meta:
        verbose_name = _("most read ranking")
        verbose_name_plural = _("most read rankings")
        indexes = [models.Index(fields=["hour", "section"], name="readership_ranking_hour")]

    def __str__(self):
        return f"{self.section_id or 'site'} @ {self.hour:%Y-%m-%d %H}"
