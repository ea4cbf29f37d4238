import uuid

from ckeditor.fields import RichTextField
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import connections, models, router, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

from newsroom.vietnamese import slugify

from . import renditions, search
from .sanitizer import html_to_text, sanitize, split_blocks


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    UNPUBLISHED = "unpublished", _("Unpublished")


class Byline(models.Model):
    """A person credited on articles: a reporter, a photographer, a correspondent."""

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=160, unique=True, blank=True)
    role = models.CharField(_("role or title"), max_length=150, blank=True, help_text=_("E.g. “Phóng viên”."))
    bio = models.TextField(_("short biography"), blank=True)
    photo = models.ImageField(_("portrait"), upload_to="bylines/%Y/", blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="byline",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("byline")
        verbose_name_plural = _("bylines")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.photo and not getattr(self.photo, "_committed", True):
            self.photo = renditions.normalised_upload(self.photo)
        if not self.slug:
            self.slug = _unique_slug(
                Byline, slugify(self.name, max_length=150) or "tac-gia", exclude_pk=self.pk
            )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:author", kwargs={"slug": self.slug})


class Tag(TagBase):
    """A topic; its slug folds Vietnamese like every other slug on the site ("Đà Nẵng" -> "da-nang")."""

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def slugify(self, tag, i=None):
        slug = slugify(tag, max_length=90) or "chu-de"
        return f"{slug}-{i}" if i is not None else slug

    def get_absolute_url(self):
        return reverse("articles:tag", kwargs={"slug": self.slug})


class TaggedArticle(TaggedItemBase):
    content_object = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="tagged_items")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_articles")

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [models.UniqueConstraint(fields=["content_object", "tag"], name="article_tag_once")]


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """What readers may see: published and due. Every public page starts here."""
        return self.filter(status=Status.PUBLISHED, published_at__lte=timezone.now())

    def for_listing(self):
        """What a listing prints per article (section, bylines, thumbnail) in a constant number of queries."""
        return self._with_bylines().prefetch_related(
            models.Prefetch("photos", queryset=Photo.objects.filter(is_lead=True), to_attr="lead_photos"),
        )

    def for_page(self):
        """Everything the article page prints, in a constant number of queries."""
        return self._with_bylines().prefetch_related(
            models.Prefetch("photos", queryset=Photo.objects.order_by("placement", "position", "pk")),
            models.Prefetch("pull_quotes", queryset=PullQuote.objects.order_by("placement", "pk")),
            "tags",
        )

    def _with_bylines(self):
        return self.select_related("section").prefetch_related(
            models.Prefetch(
                "byline_links", queryset=ArticleByline.objects.select_related("byline"), to_attr="byline_list"
            ),
        )

    def newest_ids(self, newest, per_section=0, section_ids=()):
        """Ids of the `newest` articles here and of the `per_section` newest of each section, in one query.

        Returns {None: [ids], section_id: [ids], ...}. Each part is a LIMITed scan of a (section, published_at)
        index joined with UNION ALL, so it costs the same at ten articles or a million.
        """
        parts = [(None, self, newest)]
        parts += [(pk, self.filter(section_id=pk), per_section) for pk in section_ids if per_section]
        statements, params = [], []
        for number, (group, articles, limit) in enumerate(parts):
            sliced = articles.order_by("-published_at", "-pk").values("pk")[:limit]
            sql, part_params = sliced.query.sql_with_params()
            statements.append(f"SELECT %s AS grp, sub{number}.* FROM ({sql}) sub{number}")
            params += [0 if group is None else group, *part_params]
        with connections[self.db].cursor() as cursor:
            cursor.execute(" UNION ALL ".join(statements), params)
            rows = cursor.fetchall()
        ids = {group: [] for group, _articles, _limit in parts}
        for group, pk in rows:
            ids[group or None].append(pk)
        return ids


def site_updated_at():
    """The newest publication or correction on the whole site: the header's "Cập nhật" stamp."""
    stamps = Article.objects.published().aggregate(
        published=Max("published_at"), corrected=Max("corrected_at")
    )
    present = [stamp for stamp in stamps.values() if stamp is not None]
    return max(present) if present else None


class Article(models.Model):
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        blank=True,
        help_text=_("The last part of the article's address. Left empty, it is made from the title."),
    )
    section = models.ForeignKey(
        "sections.Section", verbose_name=_("section"), on_delete=models.PROTECT, related_name="articles"
    )
    lead = models.TextField(
        _("lead"),
        help_text=_("Two or three sentences, plain text, shown in bold above the body and in listings."),
    )
    body = RichTextField(_("body"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        _("publication time"),
        null=True,
        blank=True,
        help_text=_("A time in the future schedules the article; it appears on its own at that time."),
    )
    published_on = models.DateField(_("publication date"), null=True, editable=False)
    corrected_at = models.DateTimeField(_("corrected"), null=True, blank=True, editable=False)
    correction_note = models.TextField(
        _("correction note"),
        blank=True,
        help_text=_("Shown to readers under the article when it is corrected."),
    )
    bylines = models.ManyToManyField(
        Byline, through="ArticleByline", related_name="articles", verbose_name=_("bylines"), blank=True
    )
    related = models.ManyToManyField(
        "self", symmetrical=False, blank=True, verbose_name=_("related articles")
    )
    tags = TaggableManager(_("tags"), through=TaggedArticle, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    modified_at = models.DateTimeField(_("modified"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # The search document (articles.search): folded words, kept current by search.reindex(). The title alone
    # tells title hits from others; the tsvector is filled on PostgreSQL only and GIN-indexed there (by a
    # migration, since SQLite has no such index).
    search_title = models.TextField(editable=False, default="")
    search_text = models.TextField(editable=False, default="")
    search_vector = SearchVectorField(editable=False, null=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.UniqueConstraint(fields=["published_on", "slug"], name="article_unique_slug_per_day"),
            models.CheckConstraint(
                condition=~Q(status=Status.PUBLISHED) | Q(published_at__isnull=False),
                name="article_published_has_time",
            ),
        ]
        indexes = [
            models.Index(
                fields=["-published_at"], condition=Q(status=Status.PUBLISHED), name="article_public_newest"
            ),
            models.Index(
                fields=["section", "-published_at"],
                condition=Q(status=Status.PUBLISHED),
                name="article_public_by_section",
            ),
            models.Index(fields=["status", "modified_at"], name="article_status_modified"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = sanitize(self.body)
        self.published_on = timezone.localdate(self.published_at) if self.published_at else None
        if not self.slug:
            self.slug = slugify(self.title) or "bai-viet"
        if self.published_on:
            self.slug = _unique_slug(Article, self.slug, exclude_pk=self.pk, published_on=self.published_on)
        update_fields = kwargs.get("update_fields")
        # One transaction, so that no reader ever finds the row without its document.
        with transaction.atomic(using=kwargs.get("using") or router.db_for_write(Article, instance=self)):
            super().save(*args, **kwargs)
            if update_fields is None or search.ARTICLE_FIELDS & set(update_fields):
                search.reindex(self)

    def get_absolute_url(self):
        day = self.published_on or timezone.localdate()
        return reverse(
            "articles:detail",
            kwargs={"year": day.year, "month": day.month, "day": day.day, "slug": self.slug},
        )

    @property
    def is_published(self):
        """Mirror of ArticleQuerySet.published() for one instance."""
        return (
            self.status == Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return (
            self.status == Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def body_html(self):
        """The body, sanitized on save: the one trusted HTML value of an article."""
        return mark_safe(self.body)  # noqa: S308 - produced by articles.sanitizer on every save

    @cached_property
    def body_text(self):
        return html_to_text(self.body)

    @cached_property
    def ordered_bylines(self):
        links = getattr(self, "byline_list", None)
        if links is None:
            links = self.byline_links.select_related("byline")
        return [link.byline for link in links]

    @cached_property
    def lead_photo(self):
        photos = getattr(self, "lead_photos", None)
        if photos is None:
            photos = [photo for photo in self.photos.all() if photo.is_lead]
        return photos[0] if photos else None

    def body_parts(self):
        """The body's blocks with photos and pull-quotes placed after the block each one names."""
        inserts = {}
        for photo in self.photos.all():
            inserts.setdefault(photo.placement, []).append(("photo", photo))
        for quote in self.pull_quotes.all():
            inserts.setdefault(quote.placement, []).append(("quote", quote))
        blocks = split_blocks(self.body)
        parts = list(inserts.pop(0, []))
        for number, block in enumerate(blocks, start=1):
            parts.append(("html", mark_safe(block)))  # noqa: S308 - a block of the sanitized body
            parts.extend(inserts.pop(number, []))
        for placement in sorted(inserts):  # placed past the last block: keep them, at the end
            parts.extend(inserts[placement])
        return parts


def _unique_slug(model, base, exclude_pk=None, **scope):
    """`base`, or `base-2`, `base-3`… whichever is free within `scope`."""
    candidates = model.objects.filter(slug__startswith=base, **scope)
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    taken = set(candidates.values_list("slug", flat=True))
    slug, number = base, 1
    while slug in taken:
        number += 1
        suffix = f"-{number}"
        slug = f"{base[: 200 - len(suffix)]}{suffix}"
    return slug


class ArticleByline(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="byline_links")
    byline = models.ForeignKey(Byline, verbose_name=_("byline"), on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("byline")
        verbose_name_plural = _("bylines")
        constraints = [
            models.UniqueConstraint(fields=["article", "byline"], name="article_byline_once"),
        ]

    def __str__(self):
        return str(self.byline)


def photo_upload_to(instance, filename):
    """Server-chosen names: never the reporter's path, never an overwrite."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"photos/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class Placement(models.PositiveSmallIntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("verbose_name", _("placement"))
        kwargs.setdefault("default", 0)
        kwargs.setdefault(
            "help_text",
            _(
                "After which block of the body it appears: 0 is above the first paragraph, 2 after the second block."
            ),
        )
        super().__init__(*args, **kwargs)


class Photo(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(
        _("image"), upload_to=photo_upload_to, width_field="width", height_field="height", max_length=200
    )
    width = models.PositiveIntegerField(_("width"), null=True, editable=False)
    height = models.PositiveIntegerField(_("height"), null=True, editable=False)
    caption = models.CharField(_("caption"), max_length=500, blank=True)
    credit = models.CharField(
        _("credit"), max_length=200, blank=True, help_text=_("The photographer, printed as “Ảnh: …”.")
    )
    alt_text = models.CharField(
        _("alt text"), max_length=300, help_text=_("Describe the photo for readers who cannot see it.")
    )
    placement = Placement()
    is_lead = models.BooleanField(
        _("lead photo"),
        default=False,
        help_text=_("Shown in listings, feeds and when the article is shared."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    renditions = models.JSONField(_("renditions"), default=list, editable=False)

    class Meta:
        ordering = ["placement", "position", "pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        constraints = [
            models.UniqueConstraint(
                fields=["article"], condition=Q(is_lead=True), name="article_one_lead_photo"
            ),
        ]

    def __str__(self):
        return self.caption or self.alt_text

    def save(self, *args, **kwargs):
        new_upload = bool(self.image) and not getattr(self.image, "_committed", True)
        replaced = None
        if new_upload:
            self.image = renditions.normalised_upload(self.image)
            if self.pk:
                replaced = Photo.objects.filter(pk=self.pk).only("image", "renditions").first()
        super().save(*args, **kwargs)
        if new_upload:
            self.renditions = renditions.make_renditions(self.image)
            super().save(update_fields=["renditions"])
        if replaced and replaced.image and replaced.image.name != self.image.name:
            renditions.delete_files(replaced.image, replaced.renditions)

    def delete(self, *args, **kwargs):
        image, widths = self.image, list(self.renditions)
        result = super().delete(*args, **kwargs)
        if image:
            renditions.delete_files(image, widths)
        return result

    @property
    def srcset(self):
        return renditions.srcset(self.image, self.renditions, self.width)


class PullQuote(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="pull_quotes")
    text = models.TextField(_("quote"))
    attribution_name = models.CharField(_("quoted person"), max_length=150)
    attribution_title = models.CharField(
        _("their title"),
        max_length=200,
        blank=True,
        help_text=_("E.g. “Bí thư Tỉnh ủy, Chủ tịch HĐND tỉnh”."),
    )
    placement = Placement()

    class Meta:
        ordering = ["placement", "pk"]
        verbose_name = _("pull-quote")
        verbose_name_plural = _("pull-quotes")

    def __str__(self):
        return f"{self.attribution_name}: {self.text[:60]}"
