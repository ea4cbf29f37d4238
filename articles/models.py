import math
import mimetypes
import uuid

from ckeditor.fields import RichTextField
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import connections, models, router, transaction
from django.db.models import Q, Subquery
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

from newsroom import addresses
from newsroom.text import single_line
from newsroom.vietnamese import slugify
from pagecache.fragments import fragment

from . import embeds, renditions, search, steps
from .sanitizer import html_to_text, sanitize, split_blocks
from .signals import REPUBLISHED, SLUG_CHANGED, address_changed
from .tagging import OrderedTags


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    UNPUBLISHED = "unpublished", _("Unpublished")


class Byline(models.Model):
    """A person credited on articles: a reporter, a photographer, a correspondent."""

    name = models.CharField(_("name"), max_length=150, validators=[single_line])
    slug = models.SlugField(_("slug"), max_length=160, unique=True, blank=True)
    role = models.CharField(
        _("role or title"),
        max_length=150,
        blank=True,
        validators=[single_line],
        help_text=_("E.g. “Phóng viên”."),
    )
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
        return addresses.reverse("articles:author", slug=self.slug)


class Tag(TagBase):
    """A topic; its slug folds Vietnamese like every other slug on the site ("Đà Nẵng" -> "da-nang")."""

    name = models.CharField(
        verbose_name=pgettext_lazy("A tag name", "name"),
        unique=True,
        max_length=100,
        validators=[single_line],
    )

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def slugify(self, tag, i=None):
        slug = slugify(tag, max_length=90) or "chu-de"
        return f"{slug}-{i}" if i is not None else slug

    def get_absolute_url(self):
        return addresses.reverse("articles:tag", slug=self.slug)


class TaggedArticle(TaggedItemBase):
    content_object = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="tagged_items")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_articles")

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [models.UniqueConstraint(fields=["content_object", "tag"], name="article_tag_once")]


# The search document (articles.search): several times the size of the rest of a row, and never printed.
SEARCH_COLUMNS = ("search_title", "search_text", "search_vector")
LISTING_SKIPS = ("body", *SEARCH_COLUMNS)
# Reading speed for "about N minutes": Vietnamese words are syllables, read faster than English words.
WORDS_PER_MINUTE = 200


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """What readers may see: published and due. Every public page starts here."""
        return self.filter(status=Status.PUBLISHED, published_at__lte=timezone.now())

    def for_listing(self):
        """What a card prints (section, thumbnail) in a constant number of queries, without the long texts a card
        never prints (the body and the search columns, several times the size of the rest of the row)."""
        return (
            self.defer(*LISTING_SKIPS)
            .select_related("section")
            .prefetch_related(
                models.Prefetch("photos", queryset=Photo.objects.filter(is_lead=True), to_attr="lead_photos"),
            )
        )

    def with_bylines(self):
        """The ordered bylines, for pages and feeds that name the authors."""
        return self.prefetch_related(
            models.Prefetch(
                "byline_links", queryset=ArticleByline.objects.select_related("byline"), to_attr="byline_list"
            ),
        )

    def for_page(self):
        """Everything the article page prints, in a constant number of queries."""
        return (
            self.defer(*SEARCH_COLUMNS)
            .select_related("section")
            .with_bylines()
            .prefetch_related(
                models.Prefetch("photos", queryset=Photo.objects.order_by("placement", "position", "pk")),
                models.Prefetch("pull_quotes", queryset=PullQuote.objects.order_by("placement", "pk")),
                models.Prefetch("embeds", queryset=Embed.objects.order_by("placement", "pk")),
            )
            .with_tags()
        )

    def with_tags(self):
        """Each article's tags in the order the reporter gave them (taggit's own prefetch has no order)."""
        return self.prefetch_related(
            models.Prefetch(
                "tagged_items",
                queryset=TaggedArticle.objects.select_related("tag").order_by("pk"),
                to_attr="tag_links",
            )
        )

    def create_many(self, articles):
        """Insert new articles in one statement, their fields derived as save() derives them (the sanitized body,
        the publication date, a slug free on that date), for bulk imports; returns them with their ids.

        The slugs taken on their dates are read in one query, not one per article. An article that comes with its
        search document (a bulk import that knows all its parts: search.texts_of) is not indexed again.
        """
        for article in articles:
            article.body = sanitize(article.body)
            article.published_on = timezone.localdate(article.published_at) if article.published_at else None
            article.slug = article.slug or slugify(article.title) or "bai-viet"
        days = {article.published_on for article in articles if article.published_on}
        taken = {}
        for day, slug in (
            self.filter(published_on__in=days).values_list("published_on", "slug") if days else ()
        ):
            taken.setdefault(day, set()).add(slug)
        for article in articles:
            if article.published_on:
                on_that_day = taken.setdefault(article.published_on, set())
                article.slug = _free_slug(article.slug, on_that_day)
                on_that_day.add(article.slug)
        created = self.bulk_create(articles)
        for article in created:
            if not article.search_text:
                search.reindex(article)
        return created

    def newest_ids(self, newest, per_section=0, section_ids=()):
        """Ids of the `newest` articles here and of the `per_section` newest of each section, in one query.

        Returns {None: [ids], section_id: [ids], ...}.
        """
        newest_first = ("-published_at", "-pk")
        parts = {None: self.order_by(*newest_first)[:newest]}
        if per_section:
            for pk in section_ids:
                parts[pk] = self.filter(section_id=pk).order_by(*newest_first)[:per_section]
        return ids_in_one_query(parts)


def ids_in_one_query(parts):
    """{key: [ids]} for {key: an ordered, sliced queryset of articles}, in one UNION ALL query.

    Each part is a LIMITed scan of an index, so the whole costs the same at ten articles or a million, and a page
    that needs several short lists pays one round trip for all of them.
    """
    keys = list(parts)
    statements, params = [], []
    for number, key in enumerate(keys):
        # A named column: Django's own alias for the key varies with the ordering ("id" or "pk").
        sql, part_params = parts[key].values(picked_id=models.F("pk")).query.sql_with_params()
        statements.append(f"SELECT {number} AS part, sub{number}.picked_id FROM ({sql}) sub{number}")
        params += part_params
    ids = {key: [] for key in keys}
    if not statements:
        return ids
    with connections[parts[keys[0]].db].cursor() as cursor:
        cursor.execute(" UNION ALL ".join(statements), params)
        for number, pk in cursor.fetchall():
            ids[keys[number]].append(pk)
    return ids


LATEST_COUNT = 8


def latest_articles():
    """The newest articles of the whole site, for the "Latest news" column beside listings (a cached fragment)."""
    return fragment(
        "latest-articles",
        lambda: list(
            Article.objects.published()
            .defer(*LISTING_SKIPS)  # compact cards: no body, no search columns
            .select_related("section")
            .order_by("-published_at", "-pk")[:LATEST_COUNT]
        ),
        keys=("all",),
    )


def site_updated_at():
    """The newest publication or correction on the whole site: the header's "Cập nhật" stamp (a cached fragment)."""
    return fragment("site-updated-at", _newest_publication_or_correction, keys=("all", "any"))


def newest_correction_at():
    """When the newest correction on the corrections page was made (a cached fragment), or None."""
    return fragment(
        "newest-correction-at",
        lambda: (
            Correction.objects.published()
            .order_by("-corrected_at", "-pk")
            .values_list("corrected_at", flat=True)
            .first()
        ),
        keys=(
            "corr",
            "all",
        ),  # articles/cachekeys.py: the corrections readers are told of, and which they can read
    )


def _newest_publication_or_correction():
    """The newest article's time and the newest correction's, in one query: two index-backed "newest first, take
    one" reads (one a subquery of the other) rather than MAX() over both columns, which scans the table."""
    published = Article.objects.published()
    newest_correction = (
        published.filter(corrected_at__isnull=False).order_by("-corrected_at").values("corrected_at")[:1]
    )
    stamps = (
        published.order_by("-published_at")
        .values_list("published_at", Subquery(newest_correction, output_field=models.DateTimeField()))
        .first()
    )
    present = [stamp for stamp in stamps or () if stamp is not None]
    return max(present) if present else None


class Article(models.Model):
    title = models.CharField(_("title"), max_length=300, validators=[single_line])
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        blank=True,
        help_text=_(
            "The last part of the article's address. Left empty, it is made from the title. Changed after "
            "publication, the old address keeps working: it leads readers to the new one."
        ),
    )
    section = models.ForeignKey(
        "sections.Section", verbose_name=_("section"), on_delete=models.PROTECT, related_name="articles"
    )
    lead = models.TextField(
        _("lead"),
        help_text=_("Two or three sentences, plain text, shown in bold above the body and in listings."),
    )
    body = RichTextField(_("body"), blank=True)
    seo_title = models.CharField(
        _("title for search engines and sharing"),
        max_length=110,
        blank=True,
        help_text=_(
            "Shown in the browser's tab, by search engines and on social networks. Left empty, the title is used. "
            "About 60 characters are shown."
        ),
    )
    seo_description = models.TextField(
        _("description for search engines and sharing"),
        max_length=300,
        blank=True,
        help_text=_(
            "The snippet under the title in search results and shared links. Left empty, the lead is used. About "
            "155 characters are shown."
        ),
    )
    # status, published_at, the correction and the routing fields change only through articles.workflow.
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    published_at = models.DateTimeField(
        _("publication time"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("A time in the future schedules the article; it appears on its own at that time."),
    )
    published_on = models.DateField(_("publication date"), null=True, editable=False)
    corrected_at = models.DateTimeField(_("corrected"), null=True, blank=True, editable=False)
    correction_note = models.TextField(
        _("correction note"),
        blank=True,
        editable=False,
        help_text=_("Shown to readers under the article when it is corrected."),
    )
    assigned_editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned editor"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="assigned_articles",
        help_text=_("The editor who reviews the article; empty means the whole desk."),
    )
    desk = models.ForeignKey(
        "sections.Section",
        verbose_name=_("desk"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The section whose editors review the article; empty means the desk of its own section."),
    )
    review_started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("review started by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True, editable=False)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("status changed by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    bylines = models.ManyToManyField(
        Byline, through="ArticleByline", related_name="articles", verbose_name=_("bylines"), blank=True
    )
    related = models.ManyToManyField(
        "self", symmetrical=False, blank=True, verbose_name=_("related articles")
    )
    tags = TaggableManager(
        _("tags"),
        through=TaggedArticle,
        manager=OrderedTags,
        blank=True,
        help_text=_("Topics, separated by commas: “Quảng Ninh, Cải cách hành chính”."),
    )
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
    # Who last changed the text (a save in the admin, a restore), not who last took a workflow step.
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
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
            models.Index(
                fields=["-corrected_at"],
                condition=Q(status=Status.PUBLISHED, corrected_at__isnull=False),
                name="article_public_corrected",
            ),
            models.Index(fields=["status", "modified_at"], name="article_status_modified"),
            # The editorial dashboard: each state's queue in the order it arrived.
            models.Index(fields=["status", "status_changed_at"], name="article_status_changed"),
        ]
        # Plain strings, like Django's own: permission names are stored once, in no particular language.
        permissions = [
            ("submit_article", "Can submit articles for review"),
            ("approve_article", "Can review, send back and approve articles"),
            ("publish_article", "Can publish and schedule articles"),
            ("unpublish_article", "Can unpublish articles and return them to draft"),
            ("correct_article", "Can correct published articles"),
            ("assign_reviewer", "Can assign the editor who reviews an article"),
            ("edit_all_articles", "Can see and edit every article, not only their own"),
            ("share_preview", "Can share preview links with people without an account"),
            ("publish_own_article", "Can approve and publish articles they wrote or last edited"),
            ("cover_all_desks", "Can review and publish in every section, whatever their desk"),
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
        former = getattr(self, "_public_address", None)
        # One transaction, so that no reader ever finds the row without its document, nor an old address
        # without its redirect.
        with transaction.atomic(using=kwargs.get("using") or router.db_for_write(Article, instance=self)):
            super().save(*args, **kwargs)
            if update_fields is None or search.ARTICLE_FIELDS & set(update_fields):
                search.reindex(self)
            if former is not None and former != (self.published_on, self.slug):
                address_changed.send(
                    sender=Article,
                    article=self,
                    old_path=article_path(*former),
                    reason=REPUBLISHED if former[0] != self.published_on else SLUG_CHANGED,
                )
        self._remember_address()

    def get_absolute_url(self):
        """The address in the active language."""
        return article_address(self.published_on or timezone.localdate(), self.slug)

    def stored_url(self):
        """The address readers reach the article at as stored, in the active language, or None if they cannot
        reach it: an admin form may hold a slug that is not saved yet."""
        address = getattr(self, "_public_address", None)
        if address is None or not self.is_published:
            return None
        return article_address(*address)

    @classmethod
    def from_db(cls, db, field_names, values):
        article = super().from_db(db, field_names, values)
        article._remember_address()
        return article

    def _remember_address(self):
        """Note the address readers could reach the article at as stored, if any: a save that moves it tells."""
        loaded = self.__dict__  # deferred fields are not read: that would cost a query per article
        if not {"slug", "published_on", "published_at"} <= loaded.keys():
            return
        reachable = self.published_at is not None and self.published_at <= timezone.now()
        self._public_address = (self.published_on, self.slug) if reachable else None

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

    @property
    def page_title(self):
        """The title of the page, for search engines and sharing: the SEO title, or the title."""
        return self.seo_title or self.title

    @property
    def page_description(self):
        """The page's description, for search engines and sharing: the SEO description, or the lead."""
        return self.seo_description or self.lead

    @cached_property
    def word_count(self):
        """Words of the lead and the body, as readers read them."""
        return len(f"{self.lead} {self.body_text}".split())

    @property
    def reading_minutes(self):
        return max(1, math.ceil(self.word_count / WORDS_PER_MINUTE))

    @cached_property
    def ordered_bylines(self):
        links = getattr(self, "byline_list", None)
        if links is None:
            links = self.byline_links.select_related("byline")
        return [link.byline for link in links]

    @cached_property
    def ordered_tags(self):
        """The article's tags in the order they were given."""
        links = getattr(self, "tag_links", None)
        if links is None:
            links = self.tagged_items.select_related("tag").order_by("pk")
        return [link.tag for link in links]

    @cached_property
    def lead_photo(self):
        photos = getattr(self, "lead_photos", None)
        if photos is None:
            photos = [photo for photo in self.photos.all() if photo.is_lead]
        return photos[0] if photos else None

    def body_parts(self):
        """The body's blocks with photos, embeds and pull-quotes placed after the block each one names."""
        inserts = {}
        for photo in self.photos.all():
            inserts.setdefault(photo.placement, []).append(("photo", photo))
        for embed in self.embeds.all():
            inserts.setdefault(embed.placement, []).append(("embed", embed))
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


def article_address(day, slug):
    """The address of the article published on `day` under `slug`, in the active language."""
    return addresses.reverse("articles:detail", year=day.year, month=day.month, day=day.day, slug=slug)


def article_path(day, slug):
    """The address of the article published on `day` under `slug`, in the default language (no prefix)."""
    with translation.override(settings.LANGUAGE_CODE):
        return article_address(day, slug)


def _unique_slug(model, base, exclude_pk=None, **scope):
    """`base`, or `base-2`, `base-3`… whichever is free within `scope`."""
    candidates = model.objects.filter(slug__startswith=base, **scope)
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    return _free_slug(base, set(candidates.values_list("slug", flat=True)))


def _free_slug(base, taken):
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


def _delete_files_after_commit(image, widths, using=None):
    """Files go only once the rows that stop pointing at them are committed: a save that fails half-way and rolls
    back must find the previous photo's file still there."""
    transaction.on_commit(
        lambda: renditions.delete_files(image, widths), using=using or router.db_for_write(Photo)
    )


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
    caption = models.CharField(_("caption"), max_length=500, blank=True, validators=[single_line])
    credit = models.CharField(
        _("credit"),
        max_length=200,
        blank=True,
        validators=[single_line],
        help_text=_("The photographer, printed as “Ảnh: …”."),
    )
    alt_text = models.CharField(
        _("alt text"),
        max_length=300,
        validators=[single_line],
        help_text=_("Describe the photo for readers who cannot see it."),
    )
    placement = Placement()
    is_lead = models.BooleanField(
        _("lead photo"),
        default=False,
        help_text=_("Shown in listings, feeds and when the article is shared."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    renditions = models.JSONField(_("renditions"), default=list, editable=False)
    # Feeds announce the lead photo as an enclosure with its length; stored here so that no request stats a file.
    file_size = models.PositiveBigIntegerField(_("file size in bytes"), null=True, editable=False)

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
            self.file_size = self.image.size
            if self.pk:
                replaced = Photo.objects.filter(pk=self.pk).only("image", "renditions").first()
        super().save(*args, **kwargs)
        if new_upload:
            renditions.note_written(self.image.storage, self.image.name)
            self.renditions = renditions.make_renditions(self.image)
            super().save(update_fields=["renditions"])
        if replaced and replaced.image and replaced.image.name != self.image.name:
            _delete_files_after_commit(replaced.image, replaced.renditions, kwargs.get("using"))

    def delete(self, *args, **kwargs):
        image, widths = self.image, list(self.renditions)
        result = super().delete(*args, **kwargs)
        if image:
            _delete_files_after_commit(image, widths, kwargs.get("using"))
        return result

    @property
    def srcset(self):
        return renditions.srcset(self.image, self.renditions, self.width)

    @property
    def mime_type(self):
        return mimetypes.guess_type(self.image.name)[0] or "image/jpeg"


class PullQuote(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="pull_quotes")
    text = models.TextField(_("quote"))
    attribution_name = models.CharField(_("quoted person"), max_length=150, validators=[single_line])
    attribution_title = models.CharField(
        _("their title"),
        max_length=200,
        blank=True,
        validators=[single_line],
        help_text=_("E.g. “Bí thư Tỉnh ủy, Chủ tịch HĐND tỉnh”."),
    )
    placement = Placement()

    class Meta:
        ordering = ["placement", "pk"]
        verbose_name = _("pull-quote")
        verbose_name_plural = _("pull-quotes")

    def __str__(self):
        return f"{self.attribution_name}: {self.text[:60]}"


class Embed(models.Model):
    """A video or a post from a social network (articles.embeds), placed in the body like a photo; readers see a
    placeholder until they choose to play it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="embeds")
    url = models.CharField(
        _("address"),
        max_length=500,
        validators=[embeds.validate],
        help_text=_(
            "Paste the address of a YouTube video, a Facebook video or post, a TikTok video or an X (Twitter) "
            "post, as your browser shows it. Not the embed code."
        ),
    )
    provider = models.CharField(_("provider"), max_length=20, choices=embeds.CHOICES, editable=False)
    caption = models.CharField(
        _("caption"),
        max_length=500,
        blank=True,
        help_text=_("What it shows, for readers deciding to play it."),
    )
    placement = Placement()

    class Meta:
        ordering = ["placement", "pk"]
        verbose_name = _("embedded video or post")
        verbose_name_plural = _("embedded videos and posts")

    def __str__(self):
        return self.caption or self.url

    def save(self, *args, **kwargs):
        # Kept as the provider's own address for it, rebuilt from what was recognised.
        found = embeds.recognise(self.url)
        self.url, self.provider = found.url, found.provider
        self.__dict__.pop("embeddable", None)
        super().save(*args, **kwargs)

    @cached_property
    def embeddable(self):
        return embeds.recognise(self.url)


class CorrectionQuerySet(models.QuerySet):
    def published(self):
        """What readers see on the corrections page: corrections with a note, of articles they can read."""
        return self.exclude(note="").filter(
            article__status=Status.PUBLISHED, article__published_at__lte=timezone.now()
        )

    def for_listing(self):
        """Newest first, with their articles and sections, without the articles' long texts."""
        return (
            self.select_related("article__section")
            .defer(*(f"article__{field}" for field in LISTING_SKIPS))
            .order_by("-corrected_at", "-pk")
        )


class Correction(models.Model):
    """One correction of a published article, as readers are told of it; written by articles.workflow.

    The article keeps its latest correction (corrected_at, correction_note) for its own page; these rows keep every
    one of them, for the corrections page and its feed.
    """

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="corrections"
    )
    corrected_at = models.DateTimeField(_("corrected"), default=timezone.now)
    note = models.TextField(_("correction note"), blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["-corrected_at", "-pk"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        indexes = [models.Index(fields=["-corrected_at", "-id"], name="correction_newest")]

    def __str__(self):
        return f"{self.article_id}: {self.note[:60]}"


class ArticleTransition(models.Model):
    """The audit log: one row per workflow transition, written by articles.workflow and never edited."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="transitions"
    )
    name = models.CharField(_("transition"), max_length=30)
    from_state = models.CharField(_("from"), max_length=20, choices=Status.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=Status.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="article_transitions",
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    comment = models.TextField(_("comment"), blank=True)
    assigned_editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned editor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("publication time"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("workflow transition")
        verbose_name_plural = _("workflow history")
        indexes = [models.Index(fields=["article", "-at"], name="transition_article_newest")]

    def __str__(self):
        return f"{self.article_id}: {self.name} ({self.from_state} → {self.to_state})"

    @property
    def label(self):
        return steps.label(self.name)


class Revision(models.Model):
    """A snapshot of an article and its parts (articles.revisions) after a save, a transition or a restore."""

    class Kind(models.TextChoices):
        SAVED = "saved", _("Saved")
        TRANSITION = "transition", _("Workflow")
        RESTORED = "restored", _("Restored")
        REJECTED = "rejected", _("Rejected (conflict)")

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="revisions"
    )
    version = models.PositiveIntegerField(
        _("version"), help_text=_("The article's version this snapshot shows, or was edited from.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    transition = models.CharField(_("transition"), max_length=30, blank=True)
    restored_from = models.ForeignKey(
        "self", verbose_name=_("restored from"), null=True, blank=True, on_delete=models.SET_NULL
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)
    snapshot = models.JSONField(_("snapshot"))

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        indexes = [models.Index(fields=["article", "-created_at"], name="revision_article_newest")]

    def __str__(self):
        return f"#{self.pk} · v{self.version}"

    @property
    def description(self):
        if self.kind == self.Kind.TRANSITION and self.transition:
            return steps.label(self.transition)
        if self.kind == self.Kind.RESTORED and self.restored_from_id:
            return _("Restored from revision #%(number)s") % {"number": self.restored_from_id}
        return self.get_kind_display()


class PreviewLink(models.Model):
    """A shareable, expiring, revocable preview of one article for someone without an account.

    The URL carries a TimestampSigner token of `key`; the row lets an editor revoke it before it expires.
    """

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="preview_links"
    )
    key = models.UUIDField(_("key"), default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("preview link")
        verbose_name_plural = _("preview links")

    def __str__(self):
        return f"{self.article_id}: {self.key}"

    @property
    def is_active(self):
        return self.revoked_at is None and self.expires_at > timezone.now()


class OutgoingEmail(models.Model):
    """A workflow e-mail, written in the same transaction as its step and kept until the mail server takes it.

    The outbox (articles.notifications): a mail server that is down or refuses costs the newsroom a delay, never a
    message. What has not gone yet is retried and listed for operators (`manage.py mail_outbox`, the admin).
    """

    transition = models.ForeignKey(
        ArticleTransition,
        verbose_name=_("workflow step"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="emails",
    )
    recipient = models.EmailField(_("recipient"))
    subject = models.CharField(_("subject"), max_length=400)
    body = models.TextField(_("body"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("workflow e-mail")
        verbose_name_plural = _("workflow e-mails")
        indexes = [
            models.Index(
                fields=["next_attempt_at"], condition=Q(sent_at__isnull=True), name="email_not_sent"
            ),
        ]

    def __str__(self):
        return f"{self.recipient}: {self.subject}"
