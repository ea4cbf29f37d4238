"""Bringing a WordPress archive in: each post becomes an article with its bylines, section, tags and photos.

`Importer(path, options).run()` reads the export twice (wordpress.wxr): the first pass checks the whole file and
learns its attachments, the second imports the posts a batch at a time. Each post is written in its own savepoint,
so a post that fails is rolled back alone, reported and skipped, and a batch is committed every `batch_size`
posts. Statuses go through articles.workflow.record_import, which logs the import in the audit log.

Running it again is safe: every post is found by the site's address and its post id (wordpress.models), and a post
whose article would come out the same is left alone. A post changed in a newer export updates its article, unless
an editor changed the article here since (then it is skipped and reported, never overwritten).
"""

import contextlib
import csv
import dataclasses
import datetime
import hashlib
import html
import json
import re
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connection, reset_queries, transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles import renditions, search, workflow
from articles.cachekeys import REDIRECTS, inserted_in_bulk
from articles.models import (
    Article,
    ArticleByline,
    Byline,
    Photo,
    PullQuote,
    Status,
    Tag,
    TaggedArticle,
    article_path,
)
from articles.sanitizer import html_to_text
from newsroom.vietnamese import slugify
from pagecache.journal import invalidate
from redirects.models import FILE_PREFIXES, MAX_LENGTH, Redirect, Source, normalise, shows_a_page
from sections.models import Section, validate_section_slug

from . import content, wxr
from .models import ImportedAuthor, ImportedPost, Site
from .report import MissingMedia, Report, Skipped

# Part of every post's digest: a change to the conversion itself makes the next run bring its improvements in.
CONVERSION_VERSION = 1
DEFAULT_SECTION = "luu-tru"
TITLE_LENGTH = Article._meta.get_field("title").max_length
CAPTION_LENGTH = Photo._meta.get_field("caption").max_length
CREDIT_LENGTH = Photo._meta.get_field("credit").max_length
ALT_LENGTH = Photo._meta.get_field("alt_text").max_length
QUOTE_NAME_LENGTH = PullQuote._meta.get_field("attribution_name").max_length
BYLINE_LENGTH = Byline._meta.get_field("name").max_length
TAG_LENGTH = Tag._meta.get_field("name").max_length
SECTION_NAME_LENGTH = Section._meta.get_field("name").max_length

# What each WordPress status becomes here. Private and password-protected posts were not public there: they come
# in as drafts, for an editor to decide.
PUBLISHED_STATUSES = frozenset({"publish", "future"})
DRAFT_STATUSES = frozenset({"draft", "pending", "private"})
SKIPPED_STATUSES = {
    "trash": gettext_lazy("in WordPress's trash"),
    "auto-draft": gettext_lazy("an empty automatic draft"),
}


class ImportRefused(Exception):
    """The import cannot start; the message says what to fix."""


@dataclasses.dataclass
class SectionTarget:
    slug: str
    name: str = ""


@dataclasses.dataclass
class Options:
    user: object
    media_dir: Path | None = None
    dry_run: bool = False
    section_map: dict = dataclasses.field(default_factory=dict)  # category slug or name -> SectionTarget
    default_section: str = DEFAULT_SECTION
    batch_size: int = 200
    # The address posts are remembered by, when the export's own would mix two sites (both of WordPress's test
    # exports say https://wpthemetestdata.wordpress.com, and their post ids overlap).
    site_url: str = ""


def read_section_map(path):
    """The mapping file: one `category,section[,section name]` per line, # for comments.

    The category is its WordPress slug (or its name); the section is a slug here. Several categories on one section
    merge them; a section that does not exist yet is created, named by the third column or after the category.
    """
    mapping = {}
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for number, row in enumerate(csv.reader(handle), start=1):
                cells = [cell.strip() for cell in row]
                if not cells or not cells[0] or cells[0].startswith("#"):
                    continue
                if number == 1 and [cell.casefold() for cell in cells[:2]] == ["category", "section"]:
                    continue
                if len(cells) < 2 or not cells[1]:
                    raise ImportRefused(
                        _("%(path)s, line %(line)s: write “category,section” (a section slug here).")
                        % {"path": path, "line": number}
                    )
                slug = cells[1]
                if slugify(slug, max_length=100) != slug:
                    raise ImportRefused(
                        _("%(path)s, line %(line)s: “%(slug)s” is not a section slug (e.g. “thoi-su”).")
                        % {"path": path, "line": number, "slug": slug}
                    )
                try:
                    validate_section_slug(slug)
                except ValidationError as error:
                    raise ImportRefused(f"{path}, line {number}: {' '.join(error.messages)}") from error
                mapping[unquote(cells[0]).casefold()] = SectionTarget(
                    slug, cells[2] if len(cells) > 2 else ""
                )
    except OSError as error:
        raise ImportRefused(_("Cannot read the section map: %(error)s") % {"error": error}) from error
    except (UnicodeDecodeError, csv.Error) as error:
        raise ImportRefused(
            _("The section map %(path)s is not a UTF-8 CSV file: %(error)s") % {"path": path, "error": error}
        ) from error
    return mapping


@dataclasses.dataclass
class _Photo:
    path: Path
    caption: str
    credit: str
    alt: str
    placement: int
    position: int
    is_lead: bool


@dataclasses.dataclass
class _Article:
    """One post as the article it becomes, before anything is written."""

    title: str
    slug: str
    lead: str
    body: str
    section: Section
    byline: Byline
    tags: list
    status: str
    published_at: datetime.datetime | None
    photos: list
    quotes: list
    embeds: list

    def digest(self):
        photos = []
        for photo in self.photos:
            stat = photo.path.stat()
            photos.append(
                [str(photo.path), stat.st_size, stat.st_mtime_ns, photo.caption, photo.credit, photo.alt]
                + [photo.placement, photo.position, photo.is_lead]
            )
        document = {
            "conversion": CONVERSION_VERSION,
            "fields": [self.title, self.slug, self.lead, self.body, self.section.slug, self.byline.pk],
            "tags": self.tags,
            "state": [self.status, self.published_at.isoformat() if self.published_at else None],
            "photos": photos,
            "quotes": [dataclasses.astuple(quote) for quote in self.quotes],
        }
        return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


class Importer:
    def __init__(self, path, options, progress=None):
        self.path = str(path)
        self.options = options
        self.progress = progress
        self.report = Report(path=self.path, dry_run=options.dry_run)
        self.media_dir = Path(options.media_dir).resolve() if options.media_dir else None
        self.sections = {}
        self.bylines = {}
        self.tags = {}

    def run(self):
        """Import the file and return the report; raises wxr.ExportError or ImportRefused before writing anything."""
        started = time.monotonic()
        self.check_user()
        if self.media_dir is not None and not self.media_dir.is_dir():
            raise ImportRefused(
                _("The media folder %(path)s does not exist.") % {"path": self.options.media_dir}
            )
        self.export = wxr.scan(self.path)
        self.describe_file()
        if self.progress:
            self.progress.total = self.report.by_type.get("post", 0)
        # Batches commit as they go; a dry run holds them all in one transaction, rolled back at the end.
        with transaction.atomic() if self.options.dry_run else contextlib.nullcontext():
            self.site = self.site_record()
            self.run_posts()
            imported = ImportedPost.objects.filter(site=self.site).values_list("post_id", flat=True)
            self.report.absent = sum(1 for pk in imported.iterator(chunk_size=10_000) if pk not in self.seen)
            if self.options.dry_run:
                transaction.set_rollback(True)
        if self.progress:
            self.progress.finish()
        self.report.seconds = time.monotonic() - started
        return self.report

    def check_user(self):
        user = self.options.user
        if not (user.is_active and user.has_perm("articles.publish_article")):
            raise ImportRefused(
                _(
                    "%(user)s may not publish articles: an import publishes what was published in WordPress, so "
                    "run it as an editor (--user)."
                )
                % {"user": user.get_username()}
            )

    def describe_file(self):
        export, report = self.export, self.report
        report.site_title, report.site_url = export.site.title, export.site.url
        report.wxr_version, report.items = export.site.wxr_version, export.items
        for (post_type, status), count in export.counts.items():
            report.by_type[post_type] += count
            if post_type == "post":
                report.by_wordpress_status[status] += count
            elif post_type != "attachment":
                report.other_items[post_type] += count
        report.pages = list(export.pages)

    def site_record(self):
        now = timezone.now()
        url = (self.options.site_url or self.export.site.url).rstrip("/")[:300]
        self.report.site_url = url
        site, created = Site.objects.get_or_create(url=url, defaults={"title": self.export.site.title[:300]})
        if not created:
            site.last_imported_at = now
            site.title = self.export.site.title[:300] or site.title
            site.save(update_fields=["last_imported_at", "title"])
        return site

    # The second pass.

    def run_posts(self):
        self.seen = set()
        batch, done = [], 0
        for item in wxr.items(self.path):
            if item.post_type != "post":
                continue
            self.report.comments += item.comments
            batch.append(item)
            if len(batch) >= self.options.batch_size:
                done = self.run_batch(batch, done)
                batch = []
        if batch:
            self.run_batch(batch, done)

    def run_batch(self, batch, done):
        """One transaction (a savepoint in a dry run) for a batch of posts; each article's search document is
        written once, at its end. New articles go in together; if that fails, each goes alone in its own
        savepoint, so that only a bad post is skipped."""
        mappings = {
            mapping.post_id: mapping
            for mapping in ImportedPost.objects.filter(
                site=self.site, post_id__in=[item.post_id for item in batch]
            )
        }
        self.new_mappings = []
        self.addressed = []  # (post, article id) of every post that has its article here
        with transaction.atomic(), search.deferred():
            new = []
            for item in batch:
                self.seen.add(item.post_id)
                if (planned := self.run_post(item, mappings.get(item.post_id))) is not None:
                    new.append(planned)
                done += 1
            self.create(new)
            ImportedPost.objects.bulk_create(self.new_mappings)
            self.answer_old_addresses()
            if self.progress:
                self.progress.update(done)
        reset_queries()  # with DEBUG on, Django would keep the text of the last 9,000 queries
        return done

    def run_post(self, item, mapping):
        """Skip, leave or update one post; a new one is returned (item, article, digest, notes, missing) to be
        created with the others of its batch."""
        if item.status in SKIPPED_STATUSES:
            self.skip(item, SKIPPED_STATUSES[item.status])
            return None
        if mapping is not None and mapping.article_id is None:
            self.skip(item, _("its article was deleted here after an earlier import: not brought back"))
            return None
        try:
            # No savepoint here (two round trips a post): the rows planning may create (a byline, a section)
            # have their own.
            planned, notes, missing = self.plan(item)
            digest = planned.digest()
        except Exception as error:  # noqa: BLE001 - any failure of one post is reported; the others go on
            self.failed(item, error)
            return None
        if mapping is None:
            return item, planned, digest, notes, missing
        if mapping.digest == digest:
            self.report.outcomes["unchanged"] += 1
            self.addressed.append((item, mapping.article_id))  # imported before imports wrote redirects: now
            return None
        article = Article.objects.get(pk=mapping.article_id)
        if article.version != mapping.article_version:
            self.skip(item, _("edited here since it was imported: not overwritten"))
            return None
        self.write_one(item, planned, digest, notes, missing, article, mapping)
        return None

    def failed(self, item, error, photos=()):
        # What the post created (a byline, a tag) was rolled back with it: look them up again. Files its photos
        # wrote have no rows any more: remove them.
        self.sections, self.bylines, self.tags = {}, {}, {}
        _remove_files(photos)
        self.skip(item, _("not imported: %(error)s") % {"error": _describe(error)})

    def account(self, item, planned, notes, missing, outcome):
        report = self.report
        report.outcomes[outcome] += 1
        report.note(notes)
        report.missing_media.extend(missing)
        for embed in planned.embeds:
            report.embeds[embed.provider] += 1
        report.sections[planned.section.name] += 1
        if item.password or item.status == "private":
            report.not_public["password" if item.password else item.status] += 1
        if planned.status != Status.PUBLISHED:
            report.states["draft"] += 1
        else:
            report.states["scheduled" if planned.published_at > timezone.now() else "published"] += 1
        report.photos += len(planned.photos)

    def skip(self, item, reason):
        self.report.outcomes["skipped"] += 1
        self.report.skipped.append(Skipped(item.post_id, _plain_title(item.title) or "—", str(reason)))

    # A post as an article.

    def plan(self, item):
        """The article a post becomes, its notes for the report and its missing media; nothing is written."""
        converted = content.convert(
            item.content,
            content.Context(
                post_id=item.post_id,
                attachments=self.export.attachments,
                children=self.export.children,
                meta=item.meta,
            ),
        )
        lead = " ".join(html_to_text(item.excerpt).split())
        if not lead:
            lead = self.take_lead(converted)
        title = _plain_title(item.title)
        if not title:
            title = _first_words(lead or html_to_text(converted.body)) or _("Untitled post %(number)s") % {
                "number": item.post_id
            }
            self.report.untitled.append(item.post_id)
        if len(title) > TITLE_LENGTH:
            title = title[: TITLE_LENGTH - 1].rsplit(" ", 1)[0] + "…"
        status, published_at = self.state(item)
        photos, missing = self.photos(item, converted)
        return (
            _Article(
                title=title,
                slug=slugify(unquote(item.post_name)) or slugify(title),
                lead=lead,
                body=converted.body,
                section=self.section(item),
                byline=self.byline(item.creator),
                tags=self.tag_names(item),
                status=status,
                published_at=published_at,
                photos=photos,
                quotes=converted.quotes,
                embeds=converted.embeds,
            ),
            converted.notes,
            missing,
        )

    @staticmethod
    def take_lead(converted):
        """The first paragraph (not a bare link) as the lead, taken out of the body so readers do not read it twice."""
        for index, block in enumerate(converted.blocks):
            if not block.startswith("<p"):
                continue
            text = " ".join(html_to_text(block).split())
            if not text or re.fullmatch(r"https?://\S+", text):
                continue
            del converted.blocks[index]
            for item in (*converted.photos, *converted.quotes, *converted.embeds):
                if item.placement > index:
                    item.placement -= 1
            return text
        return ""

    def state(self, item):
        """(status, publication time) here for a post's status there."""
        if item.status not in PUBLISHED_STATUSES or item.password:
            return Status.DRAFT, None
        published_at = item.published_at_gmt()
        if published_at is None:
            local = item.local_date()
            if local is None:
                raise ValueError(_("it has no publication date"))
            published_at = timezone.make_aware(local)
        return Status.PUBLISHED, published_at

    # Photos.

    def photos(self, item, converted):
        specs = list(converted.photos)
        thumbnail = _integer(item.meta.get("_thumbnail_id"))
        if thumbnail:
            featured = self.export.attachments.get(thumbnail)
            same = [spec for spec in specs if self.attachment(spec) is featured] if featured else []
            if same:
                same[0].is_lead = True
            elif featured:
                specs.insert(0, content.PhotoSpec(src=featured.url, attachment_id=thumbnail, is_lead=True))
            else:
                specs.insert(0, content.PhotoSpec(src="", attachment_id=thumbnail, is_lead=True))
        photos, missing = [], []
        for position, spec in enumerate(specs):
            found = self.photo(item, spec, position)
            if isinstance(found, MissingMedia):
                missing.append(found)
            else:
                photos.append(found)
        return photos, missing

    def attachment(self, spec):
        path = wxr.upload_path(spec.src) if spec.src else ""
        return (
            (self.export.attachment_for(path) if path else None)
            or (self.export.attachment_for(wxr.original_path(path)) if path else None)
            or self.export.attachments.get(spec.attachment_id)
        )

    def photo(self, item, spec, position):
        attachment = self.attachment(spec)
        source = spec.src or (attachment.url if attachment else "")
        if not source:
            return MissingMedia(
                item.post_id,
                _("attachment %(id)s") % {"id": spec.attachment_id},
                _("not in the export"),
            )
        path = self.find_file(spec, attachment)
        if path is None:
            host = (urlsplit(source).hostname or "").lower()
            if self.media_dir is None:
                reason = _("no --media-dir given")
            elif attachment is None and host and host not in self.site_hosts:
                reason = _("an image on another site: not fetched")
            else:
                reason = _("not in the media folder")
            return MissingMedia(item.post_id, source, reason)
        caption = spec.caption or (
            attachment.caption if attachment and (spec.from_gallery or spec.is_lead) else ""
        )
        caption = " ".join(html.unescape(strip_tags(caption)).split())
        caption, credit = content.split_credit(caption)
        credit = (attachment.credit if attachment else "") or credit
        alt = spec.alt or (attachment.alt if attachment else "")
        if not alt:
            alt = caption or (attachment.title if attachment else "") or path.stem
            self.report.photos_alt_filled += 1
        return _Photo(
            path=path,
            caption=caption[:CAPTION_LENGTH],
            credit=credit[:CREDIT_LENGTH],
            alt=" ".join(alt.split())[:ALT_LENGTH],
            placement=spec.placement,
            position=position,
            is_lead=spec.is_lead,
        )

    @property
    def site_hosts(self):
        urls = (self.export.site.url, self.export.site.link, self.export.site.base_site_url)
        return {(urlsplit(url).hostname or "").lower() for url in urls}

    def find_file(self, spec, attachment):
        """The original of an image in the media folder: never outside it, never from the network."""
        if self.media_dir is None:
            return None
        candidates = []
        if attachment is not None and attachment.path:
            candidates += [attachment.path, wxr.original_path(attachment.path)]
        if spec.src:
            path = wxr.upload_path(spec.src)
            candidates += [wxr.original_path(path), path]
        for candidate in dict.fromkeys(candidate for candidate in candidates if candidate):
            found = (self.media_dir / candidate).resolve()
            if found.is_relative_to(self.media_dir) and found.is_file():
                return found
        return None

    # People, sections, tags.

    def byline(self, login):
        if login in self.bylines:
            return self.bylines[login]
        mapped = ImportedAuthor.objects.filter(site=self.site, login=login).select_related("byline").first()
        byline = mapped.byline if mapped else None
        if byline is None:
            author = self.export.authors.get(login) or self.export.authors.get(re.sub(r"[^\w.@-]", "", login))
            name = (author.name if author else login).strip()[:BYLINE_LENGTH] or _("WordPress author")
            with transaction.atomic():
                byline = Byline.objects.filter(name__iexact=name).first()
                if byline is None:
                    byline = Byline.objects.create(name=name)
                    if name not in self.report.bylines_created:
                        self.report.bylines_created.append(name)
                ImportedAuthor.objects.update_or_create(
                    site=self.site, login=login, defaults={"byline": byline}
                )
        self.bylines[login] = byline
        return byline

    def section(self, item):
        """The section of a post: its first category that the map names or that a section here shares a slug
        with; the default section otherwise."""
        mapping = self.options.section_map
        for nicename, name in item.terms("category"):
            target = mapping.get(unquote(nicename).casefold()) or mapping.get(html.unescape(name).casefold())
            if target is not None:
                return self.section_by_slug(target.slug, target.name or html.unescape(name))
            slug = slugify(unquote(nicename), max_length=100)
            if slug and (found := self.section_by_slug(slug, create=False)):
                return found
        return self.section_by_slug(self.options.default_section, _("Archive"), active=False)

    def section_by_slug(self, slug, name="", create=True, active=True):
        if self.sections.get(slug, 0) is None and not create:
            return None  # known to be missing
        if self.sections.get(slug) is None:
            section = Section.objects.filter(slug=slug).first()
            if section is None and create:
                position = (
                    Section.objects.order_by("-position").values_list("position", flat=True).first() or 0
                ) + 10
                with transaction.atomic():
                    section = Section.objects.create(
                        slug=slug,
                        name=(name or slug)[:SECTION_NAME_LENGTH],
                        is_active=active,
                        position=position,
                    )
                if (created := f"{section.name} ({slug})") not in self.report.sections_created:
                    self.report.sections_created.append(created)
            self.sections[slug] = section
        return self.sections[slug]

    def tag_names(self, item):
        names = []
        for _nicename, name in item.terms("post_tag"):
            name = " ".join(html.unescape(name).split())[:TAG_LENGTH]
            if name and name.casefold() not in (known.casefold() for known in names):
                names.append(name)
        return names

    def tag(self, name):
        key = name.casefold()
        if key not in self.tags:
            tag = Tag.objects.filter(name__iexact=name).first()
            if tag is None:
                tag = Tag.objects.create(name=name)
                self.report.tags_created += 1
            self.tags[key] = tag
        return self.tags[key]

    # Writing.

    def create(self, posts):
        """The batch's new articles in a few statements; one by one if any of them fails."""
        if not posts:
            return
        self.written = []
        try:
            with transaction.atomic():
                entries = [
                    self.entry(item, planned, self.indexed(planned)) for item, planned, *_rest in posts
                ]
                workflow.record_imports(
                    entries,
                    self.options.user,
                    attach=lambda entries: self.attach(
                        [
                            (item, entry.article, planned)
                            for (item, planned, *_rest), entry in zip(posts, entries, strict=True)
                        ]
                    ),
                )
                # Rows inserted in bulk send no signals: the caches learn here which lists they joined.
                keys = inserted_in_bulk([entry.article.pk for entry in entries])
                invalidate(keys, reason=f"WordPress import of {len(entries)} posts")
        except Exception:  # noqa: BLE001 - which post failed is found by importing each alone
            _remove_files(self.written)
            for item, planned, digest, notes, missing in posts:
                self.write_one(item, planned, digest, notes, missing)
            return
        for (item, planned, digest, notes, missing), entry in zip(posts, entries, strict=True):
            self.new_mappings.append(
                ImportedPost(
                    site=self.site, post_id=item.post_id, **self.mapped(item, planned, entry.article, digest)
                )
            )
            self.account(item, planned, notes, missing, "created")
            self.addressed.append((item, entry.article.pk))

    def write_one(self, item, planned, digest, notes, missing, article=None, mapping=None):
        """One post in its own savepoint: a new article, or an update of the one imported before."""
        updating = article is not None
        self.written = []
        try:
            with transaction.atomic():
                entry = self.entry(item, planned, article or Article(slug=planned.slug), updating)
                workflow.record_import(
                    entry,
                    self.options.user,
                    attach=lambda saved: self.attach([(item, saved, planned)], replace=updating)[0],
                )
        except Exception as error:  # noqa: BLE001 - any failure of one post is reported; the others go on
            self.failed(item, error, self.written)
            return
        values = self.mapped(item, planned, entry.article, digest)
        if mapping is None:
            self.new_mappings.append(ImportedPost(site=self.site, post_id=item.post_id, **values))
        else:
            ImportedPost.objects.filter(pk=mapping.pk).update(**values)
        self.account(item, planned, notes, missing, "updated" if updating else "created")
        self.addressed.append((item, entry.article.pk))

    def answer_old_addresses(self):
        """The batch's old addresses answer 301 to their articles: the permalink's path and `/?p=ID`
        (redirects.models, through its middleware). An address that already leads to another article (a second
        site's overlapping post ids) is left as it is and reported; one leading to the same article stays."""
        wanted = {}
        for item, article_id in self.addressed:
            for address in (item.link, f"/?p={item.post_id}"):
                path = normalise(address) if address else ""
                if path and path != "/" and len(path) <= MAX_LENGTH and not path.startswith(FILE_PREFIXES):
                    wanted.setdefault(path, article_id)
        if not wanted:
            return
        articles = Article.objects.filter(pk__in=set(wanted.values())).values_list(
            "pk", "published_on", "slug"
        )
        own_paths = {pk: article_path(day, slug) for pk, day, slug in articles if day}
        existing = dict(Redirect.objects.filter(old_path__in=wanted).values_list("old_path", "article_id"))
        created = []
        for path, article_id in wanted.items():
            if path in existing:
                if existing[path] != article_id:
                    self.report.redirects_taken.append(path)
            elif path != own_paths.get(article_id) and ("?" in path or not shows_a_page(path)):
                created.append(Redirect(old_path=path, article_id=article_id, source=Source.IMPORT))
        if created:
            # In bulk, so without the save signal that tells the caches: cached 404s of these addresses go stale.
            Redirect.objects.bulk_create(created)
            invalidate({REDIRECTS}, reason=f"WordPress import: {len(created)} old addresses")
            self.report.redirects += len(created)

    def entry(self, item, planned, article, updating=False):
        article.title, article.lead, article.body = planned.title, planned.lead, planned.body
        article.section = planned.section
        comment = (
            _("Updated from a newer WordPress export: %(link)s (post %(id)s, “%(status)s” there).")
            if updating
            else _("Imported from WordPress: %(link)s (post %(id)s, “%(status)s” there).")
        ) % {"link": item.link, "id": item.post_id, "status": _wordpress_status(item)}
        return workflow.Import(article, planned.status, planned.published_at, comment)

    def indexed(self, planned):
        """A new article with its search document made from the parts it is about to get: no second pass to
        read them back (photos that fail to be stored ask for it again, in write_photos)."""
        article = Article(slug=planned.slug, title=planned.title, lead=planned.lead, body=planned.body)
        quotes = [
            PullQuote(text=q.text, attribution_name=q.name, attribution_title=q.title, placement=q.placement)
            for q in planned.quotes
        ]
        texts = search.texts_of(
            article,
            photos=sorted(planned.photos, key=lambda photo: (photo.placement, photo.position)),
            quotes=sorted(quotes, key=lambda quote: quote.placement),
            bylines=[planned.byline],
            tags=[self.tag(name) for name in planned.tags],
        )
        for name, value in search.document(planned.title, planned.lead, texts, connection.vendor).items():
            setattr(article, name, value)
        return article

    @staticmethod
    def mapped(item, planned, article, digest):
        return {
            "article": article,
            "permalink": item.link[:1000],
            "status": _wordpress_status(item)[:20],
            "local_date": item.post_date[:19],
            "gmt_date": item.post_date_gmt[:19],
            "digest": digest,
            "article_version": article.version,
            "embeds": [dataclasses.asdict(embed) for embed in planned.embeds],
            "updated_at": timezone.now(),
        }

    def attach(self, posts, replace=False):
        """The bylines, tags, pull-quotes and photos of saved articles, in a statement per kind (photos one by
        one, through the image pipeline); returns each article's parts for its revision."""
        if replace:
            for _item, article, _planned in posts:
                article.byline_links.all().delete()
                article.tagged_items.all().delete()
                article.pull_quotes.all().delete()
                for photo in article.photos.all():
                    photo.delete()
        # In bulk: the articles' own saves have already asked for their search documents.
        ArticleByline.objects.bulk_create(
            ArticleByline(article=article, byline=planned.byline, position=0)
            for _item, article, planned in posts
        )
        tags = {id(article): [self.tag(name) for name in planned.tags] for _item, article, planned in posts}
        TaggedArticle.objects.bulk_create(
            TaggedArticle(content_object=article, tag=tag)
            for _item, article, _planned in posts
            for tag in tags[id(article)]
        )
        quotes = {
            id(article): [
                PullQuote(
                    article=article,
                    text=quote.text,
                    attribution_name=quote.name[:QUOTE_NAME_LENGTH],
                    attribution_title=quote.title,
                    placement=quote.placement,
                )
                for quote in planned.quotes
            ]
            for _item, article, planned in posts
        }
        PullQuote.objects.bulk_create(quote for each in quotes.values() for quote in each)
        return [
            {
                "section": planned.section,
                "bylines": [planned.byline],
                "photos": self.write_photos(item, article, planned),
                "quotes": quotes[id(article)],
                "tags": [tag.name for tag in tags[id(article)]],
                "related": [],
            }
            for item, article, planned in posts
        ]

    def write_photos(self, item, article, planned):
        """Each photo through the image pipeline (upright, metadata stripped, renditions); a dry run only checks."""
        written = []
        for photo in list(planned.photos):
            try:
                with open(photo.path, "rb") as handle:
                    upload = File(handle, name=photo.path.name)
                    if self.options.dry_run:
                        renditions.open_verified(upload)
                        continue
                    stored = Photo(
                        article=article,
                        image=upload,
                        caption=photo.caption,
                        credit=photo.credit,
                        alt_text=photo.alt,
                        placement=photo.placement,
                        position=photo.position,
                        is_lead=photo.is_lead,
                    )
                    self.written.append(stored)  # before saving: a save that fails half-way leaves files
                    stored.save()
                    written.append(stored)
            except (ValidationError, OSError) as error:
                planned.photos.remove(photo)
                search.reindex(article)  # its document named the caption of a photo it does not have
                self.report.missing_media.append(
                    MissingMedia(item.post_id, str(photo.path), _describe(error))
                )
        return written


def _remove_files(photos):
    """The files of photos whose rows were rolled back: the original and every rendition it may have had."""
    for photo in photos:
        if getattr(photo.image, "_committed", False) and photo.image.name:
            renditions.delete_files(photo.image, renditions.widths())


def _describe(error):
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or type(error).__name__


def _plain_title(raw):
    """A title as readers saw it: "Markup: Title <em>With</em> &amp; more" -> "Markup: Title With & more"."""
    return " ".join(html.unescape(strip_tags(raw or "")).split())


def _first_words(text, words=12):
    parts = (text or "").split()
    if not parts:
        return ""
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def _wordpress_status(item):
    return "password" if item.password and item.status in PUBLISHED_STATUSES else item.status


def _integer(text):
    try:
        return int(str(text or "").strip())
    except ValueError:
        return 0
