from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from newsroom import addresses
from newsroom.text import single_line
from newsroom.vietnamese import slugify
from pagecache.fragments import fragment

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
        # the page cache's own addresses (pagecache/urls.py, newsroom/urls.py)
        "_esi",
        "_edge",
        "_health",
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
    name = models.CharField(_("name"), max_length=100, validators=[single_line])
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
        return addresses.reverse("sections:detail", slug=self.slug)


# The content key of the sections menu (articles/cachekeys.py lists them all).
NAV = "nav"


class Navigation(list):
    """The menu's sections; a template fragment showing them depends on the menu as a whole."""

    cache_keys = (NAV,)


def navigation():
    """The active sections in navigation order: the site's header and the home page's blocks."""
    return fragment("navigation", lambda: Navigation(Section.objects.active()), keys=(NAV,))
