"""The front page as editors arrange it ("Tiêu điểm"): a lead slot, a row of featured slots, a story per section.

A slot holds an article until an optional time. The home page (articles.views.home) shows a slot's article only
while the slot is live and the article passes `Article.objects.published()`; an empty, expired or withdrawn slot
falls back to the newest articles, so the page is never empty or stale.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.cachekeys import FRONT
from articles.models import Article, Status
from pagecache.context import expires_at
from pagecache.journal import invalidate
from sections.models import Section

# The home page's row of featured stories: how many places it has.
FEATURED_PLACES = 5


class Place(models.TextChoices):
    LEAD = "lead", _("Lead story")
    FEATURED = "featured", _("Featured row")
    SECTION = "section", _("Section block")


class FrontPage(models.Model):
    """The one arrangement of the home page; its slots are edited together, as inlines, and saved at once."""

    changed_at = models.DateTimeField(_("changed at"), auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("front page arrangement")
        verbose_name_plural = _("front page arrangement")

    def __str__(self):
        return str(_("Front page arrangement"))

    @classmethod
    def current(cls):
        arrangement, _created = cls.objects.get_or_create(pk=1)
        return arrangement


class SlotQuerySet(models.QuerySet):
    def live(self, now=None):
        """Slots whose time has not run out (their articles are checked against published() where shown)."""
        now = now or timezone.now()
        return self.filter(Q(until__isnull=True) | Q(until__gt=now))


class Slot(models.Model):
    front_page = models.ForeignKey(FrontPage, on_delete=models.CASCADE, related_name="slots")
    place = models.CharField(_("place"), max_length=10, choices=Place.choices, default=Place.FEATURED)
    section = models.ForeignKey(
        Section,
        verbose_name=_("section"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("For a section block: the section whose block opens on this story."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=1, help_text=_("Order in the featured row, from the left.")
    )
    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"status": Status.PUBLISHED},
        help_text=_("Search by title. Only published articles can be chosen."),
    )
    until = models.DateTimeField(
        _("until"),
        null=True,
        blank=True,
        help_text=_(
            "Leave empty to keep the story here until you change it; after this time the newest news "
            "takes its place."
        ),
    )

    objects = SlotQuerySet.as_manager()

    class Meta:
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        ordering = ["place", "section", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(place=Place.SECTION, section__isnull=False)
                | (~Q(place=Place.SECTION) & Q(section__isnull=True)),
                name="frontpage_slot_section_iff_section_block",
            ),
            models.UniqueConstraint(
                fields=["front_page"], condition=Q(place=Place.LEAD), name="frontpage_one_lead_slot"
            ),
            models.UniqueConstraint(
                fields=["front_page", "section"],
                condition=Q(place=Place.SECTION),
                name="frontpage_one_slot_per_section",
            ),
        ]

    def __str__(self):
        return f"{self.get_place_display()}: {self.article}"


def arrangement_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    invalidate({FRONT}, reason="front page arranged", using=kwargs.get("using"))


def live_slots():
    """The arrangement as the home page reads it: (place, section id, position, article id) of each live slot.

    What it returns stops being true when the first slot runs out: the render around it expires then.
    """
    now = timezone.now()
    rows = list(Slot.objects.live(now).values_list("place", "section_id", "position", "article_id", "until"))
    expires_at(min((row[4] for row in rows if row[4] is not None), default=None))
    return [row[:4] for row in rows]
