from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from newsroom.vietnamese import slugify

# Every first path segment the site routes itself; a section may not take one, or its page would be unreachable.
RESERVED_SLUGS = frozenset(
    {
        "admin",
        "author",
        "by-date",
        "corrections",
        "dinh-chinh",
        "feeds",
        "i18n",
        "media",
        "preview",
        "robots.txt",
        "search",
        "sitemap.xml",
        "news-sitemap.xml",
        "static",
        "tag",
        "en",
        "vi",
        "favicon.ico",
    }
)


def validate_section_slug(value):
    if value in RESERVED_SLUGS or value.isdigit():
        raise ValidationError(
            _("“%(slug)s” is used by the site itself; choose another slug."),
            code="reserved",
            params={"slug": value},
        )


class SectionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Section(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        blank=True,
        validators=[validate_section_slug],
        help_text=_(
            "The address of the section page, e.g. “dia-phuong”. Left empty, it is made from the name."
        ),
    )
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order in the site's navigation; smaller comes first.")
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Inactive sections leave the navigation; their articles stay online."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The section's desk: the editors who review, approve and publish its articles (articles.workflow).
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("desk editors"),
        blank=True,
        related_name="desks",
        help_text=_(
            "The editors who review, approve and publish this section's articles. An editor on no desk, and a "
            "chief editor, work on every section."
        ),
    )

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        permissions = [("assign_desk", "Can assign editors to the sections' desks")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name, max_length=100)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("sections:detail", kwargs={"slug": self.slug})


def navigation():
    """The active sections in navigation order: the site's header and the home page's blocks."""
    from newsroom.cache import fragment

    return fragment("navigation", lambda: list(Section.objects.active()))
