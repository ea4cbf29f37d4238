"""Fill the database with a realistic newsroom of N articles over ten years, fast: for benchmarks and EXPLAIN.

PostgreSQL gets COPY; SQLite gets executemany in large transactions. Rows are built in Python with explicit
primary keys so children can point at their articles without a round trip per row. Seeded photos share a small
pool of generated images (with renditions), so a million rows do not mean a million files.
"""

import csv
import datetime
import io
import json
import random
import sys
import time
import zoneinfo

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone
from django.utils.html import escape

from articles import renditions, search
from articles.demo import images
from articles.demo.newsroom import (
    BODY_PARAGRAPHS,
    BYLINES,
    LEAD_SENTENCES,
    PHOTO_CAPTIONS,
    PLACES,
    QUOTES,
    SECTIONS,
    SUBHEADINGS,
    TOPICS,
)
from articles.models import Article, ArticleByline, Byline, Photo, PullQuote, Status, Tag, TaggedArticle
from newsroom.vietnamese import slugify
from pagecache.fragments import EVERYTHING
from pagecache.journal import invalidate
from sections.models import Section

# Plain strings: the row writer passes str and int through untouched.
STATUSES = (str(Status.PUBLISHED.value), str(Status.DRAFT.value), str(Status.UNPUBLISHED.value))
IMAGE_POOL = 12
EXTRA_BYLINES = 120
EXTRA_TAGS = 400
FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
GIVEN_NAMES = [
    "An",
    "Bình",
    "Chi",
    "Dũng",
    "Hà",
    "Hải",
    "Hương",
    "Khánh",
    "Lan",
    "Minh",
    "Nam",
    "Quân",
    "Thảo",
]


class Command(BaseCommand):
    help = "Seed N realistic articles (ten years of dates, bylines, tags, photo records) with bulk inserts."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, required=True)
        parser.add_argument("--batch", type=int, default=10_000)
        parser.add_argument("--years", type=int, default=10)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args, articles, batch, years, seed, quiet, **options):
        self.rng = random.Random(seed)
        self.slugs = {}
        self.folded = {}
        self.quiet = quiet
        started = time.monotonic()
        sections = self.ensure_sections()
        bylines = self.ensure_bylines()
        tags = self.ensure_tags()
        pool = self.ensure_image_pool()
        writer = _RowWriter(connection)
        ids = _IdBlocks(writer)
        now = timezone.now()
        span = years * 365 * 86400
        done = 0
        while done < articles:
            size = min(batch, articles - done)
            self.write_batch(writer, ids, size, now, span, sections, bylines, tags, pool)
            done += size
            self.progress(done, articles, started)
        writer.finish()
        invalidate([EVERYTHING], reason="bulk seeding")  # rows written without signals: nothing cached stands
        elapsed = time.monotonic() - started
        if not quiet:
            sys.stderr.write("\n")
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {articles:,} articles in {elapsed:.1f} s ({articles / elapsed:,.0f}/s)."
            )
        )

    def ensure_sections(self):
        for position, (name, slug, description) in enumerate(SECTIONS, start=1):
            Section.objects.get_or_create(
                slug=slug, defaults={"name": name, "description": description, "position": position * 10}
            )
        return list(
            Section.objects.filter(slug__in=[slug for _name, slug, _d in SECTIONS]).values_list("pk", "slug")
        )

    def ensure_bylines(self):
        names = [name for name, _role, _bio in BYLINES]
        names += [
            f"{family} {given} {number}"
            for number, (family, given) in enumerate(
                ((self.rng.choice(FAMILY_NAMES), self.rng.choice(GIVEN_NAMES)) for _ in range(EXTRA_BYLINES)),
                start=1,
            )
        ]
        existing = set(Byline.objects.filter(name__in=names).values_list("name", flat=True))
        for name in names:
            if name not in existing:
                Byline.objects.create(name=name, role="Phóng viên")
        return list(Byline.objects.filter(name__in=names).values_list("pk", "name"))

    def ensure_tags(self):
        names = sorted({topic for templates in TOPICS.values() for _t, topic in templates} | set(PLACES))
        names += [f"Chủ đề {number}" for number in range(1, EXTRA_TAGS + 1)]
        existing = set(Tag.objects.filter(name__in=names).values_list("name", flat=True))
        Tag.objects.bulk_create(
            [Tag(name=name, slug=slugify(name)) for name in names if name not in existing]
        )
        return list(Tag.objects.filter(name__in=names).values_list("pk", "name"))

    def ensure_image_pool(self):
        """A dozen stored images with renditions that seeded photo rows share."""
        pool = []
        for number in range(IMAGE_POOL):
            name = f"photos/seed/bay-{number:02d}.jpg"
            if not default_storage.exists(name):
                upload = renditions.normalised_upload(images.bay_photo(10_000 + number, 960, 640))
                default_storage.save(name, upload)
                field = Photo(image=name).image
                widths = renditions.make_renditions(field)
            else:
                widths = [width for width in renditions.widths() if width < 960]
            pool.append((name, 960, 640, widths))
        return pool

    def write_batch(self, writer, ids, size, now, span, sections, bylines, tags, pool):
        rng = self.rng
        local = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        article_rows, byline_rows, tag_rows, photo_rows, quote_rows = [], [], [], [], []
        slugs = self.slugs
        first_id = ids.take(Article, size)
        for offset in range(size):
            article_id = first_id + offset
            section_id, section_slug = sections[article_id % len(sections)]
            place = rng.choice(PLACES)
            template, topic = rng.choice(TOPICS[section_slug])
            title = template.format(place=place, quarter="quý II", season="hè")
            if title not in slugs:
                slugs[title] = slugify(title)[:180]
            published_at = now - datetime.timedelta(seconds=rng.randrange(60, span))
            status = STATUSES[0] if rng.random() < 0.97 else rng.choice(STATUSES[1:])
            words = {"place": place}
            paragraphs = rng.sample(BODY_PARAGRAPHS, 3)
            subheading = rng.choice(SUBHEADINGS)
            texts = [paragraphs[0].format(**words), subheading, *(p.format(**words) for p in paragraphs[1:])]
            body = f"<p>{escape(texts[0])}</p><h2>{escape(subheading)}</h2>" + "".join(
                f"<p>{escape(text)}</p>" for text in texts[2:]
            )
            lead = " ".join(s.format(**words) for s in rng.sample(LEAD_SENTENCES, 2))
            row = {
                "id": article_id,
                "title": title,
                "slug": f"{slugs[title]}-{article_id}",
                "lead": lead,
                "body": body,
                "status": status,
                "published_at": published_at,
                "published_on": published_at.astimezone(local).date(),
                "corrected_at": None,
                "correction_note": "",
                "seo_title": "",
                "seo_description": "",
                "created_at": published_at,
                "modified_at": published_at,
                "version": 1,
                "created_by_id": None,
                "section_id": section_id,
            }
            article_rows.append(row)
            texts.append("")  # the correction note, in search.other_texts() order
            named = []
            for position, (byline_id, byline_name) in enumerate(
                rng.sample(bylines, rng.choice((1, 1, 2, 3)))
            ):
                byline_rows.append({"position": position, "article_id": article_id, "byline_id": byline_id})
                named.append(byline_name)
            for tag_id, tag_name in rng.sample(tags, 2):
                tag_rows.append({"content_object_id": article_id, "tag_id": tag_id})
                named.append(tag_name)
            if rng.random() < 0.5:
                name, width, height, widths = rng.choice(pool)
                caption, alt_text = rng.choice(PHOTO_CAPTIONS)
                photo_rows.append(
                    {
                        "image": name,
                        "width": width,
                        "height": height,
                        "caption": caption.format(place=place),
                        "credit": "Xuân Việt",
                        "alt_text": alt_text,
                        "placement": 0,
                        "is_lead": True,
                        "position": 0,
                        "renditions": widths,
                        "article_id": article_id,
                    }
                )
                texts += [photo_rows[-1]["caption"], "Xuân Việt"]
            if rng.random() < 0.2:
                text, name, title_ = rng.choice(QUOTES)
                quote_rows.append(
                    {
                        "text": text,
                        "attribution_name": name,
                        "attribution_title": title_,
                        "placement": 2,
                        "article_id": article_id,
                    }
                )
                texts += [text, title_, name]
            row.update(self.search_document(title, lead, texts + named, writer.postgres))
        with transaction.atomic():
            writer.skip_foreign_key_triggers()
            writer.write(Article, article_rows)
            writer.write(ArticleByline, byline_rows, ids)
            writer.write(TaggedArticle, tag_rows, ids)
            writer.write(Photo, photo_rows, ids)
            writer.write(PullQuote, quote_rows, ids)

    def search_document(self, title, lead, texts, postgres):
        """The row's search fields as articles.search computes them, with the tsvector written out literally
        (COPY cannot call to_tsvector); words are folded once per distinct text, as texts repeat a lot here."""
        title_words, lead_words = self.words(title), self.words(lead)
        other_words = [word for text in texts for word in self.words(text)]
        fields = {
            "search_title": f" {' '.join(title_words)} ",
            "search_text": f" {' '.join(title_words + lead_words + other_words)} ",
        }
        if postgres:
            positions = {}
            for position, (word, weight) in enumerate(
                [(w, "A") for w in title_words]
                + [(w, "B") for w in lead_words]
                + [(w, "C") for w in other_words],
                start=1,
            ):
                positions.setdefault(word, []).append(f"{min(position, 16383)}{weight}")
            fields["search_vector"] = " ".join(
                f"'{word}':{','.join(marks)}" for word, marks in positions.items()
            )
        return fields

    def words(self, text):
        found = self.folded.get(text)
        if found is None:
            found = self.folded[text] = search.words(text)
        return found

    def progress(self, done, total, started):
        if self.quiet:
            return
        width = 40
        filled = int(width * done / total)
        rate = done / max(time.monotonic() - started, 1e-6)
        sys.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done:>11,}/{total:,} articles  {rate:,.0f}/s"
        )
        sys.stderr.flush()


class _IdBlocks:
    """Hands out primary keys past the current maximum, so rows can be written with their ids."""

    def __init__(self, writer):
        self.writer = writer
        self.next = {}

    def take(self, model, count):
        if model not in self.next:
            self.next[model] = (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        first = self.next[model]
        self.next[model] += count
        self.writer.used_ids[model] = self.next[model] - 1
        return first


class _RowWriter:
    """COPY on PostgreSQL, executemany on SQLite; afterwards the id sequences are moved past the rows written."""

    def __init__(self, connection):
        self.connection = connection
        self.postgres = connection.vendor == "postgresql"
        self.used_ids = {}

    def skip_foreign_key_triggers(self):
        """Inside the batch's transaction, skip per-row foreign-key triggers: every id written is one we made.

        It needs a superuser (a development or benchmark database); elsewhere the checks simply run.
        """
        if not self.postgres:
            return
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if cursor.fetchone()[0]:
                cursor.execute("SET LOCAL session_replication_role = replica")

    def write(self, model, rows, ids=None):
        if not rows:
            return
        if ids is not None:
            first = ids.take(model, len(rows))
            for offset, row in enumerate(rows):
                row["id"] = first + offset
        fields = [model._meta.get_field(name) for name in rows[0]]
        columns = [field.column for field in fields]
        table = model._meta.db_table
        with self.connection.cursor() as cursor:
            if self.postgres:
                buffer = io.StringIO()
                out = csv.writer(buffer)
                for row in rows:
                    out.writerow([self._pg_value(value) for value in row.values()])
                buffer.seek(0)
                quoted = ", ".join(f'"{column}"' for column in columns)
                cursor.cursor.copy_expert(
                    f"COPY \"{table}\" ({quoted}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer
                )
            else:
                placeholders = ", ".join(["%s"] * len(columns))
                quoted = ", ".join(f'"{column}"' for column in columns)
                values = [
                    [
                        self._sqlite_value(field, value)
                        for field, value in zip(fields, row.values(), strict=True)
                    ]
                    for row in rows
                ]
                cursor.executemany(f'INSERT INTO "{table}" ({quoted}) VALUES ({placeholders})', values)

    @staticmethod
    def _pg_value(value):
        kind = type(value)
        if kind is str or kind is int:
            return value
        if value is None:
            return "\\N"
        if kind is bool:
            return "t" if value else "f"
        if kind is list or kind is dict:
            return json.dumps(value)
        return value.isoformat()

    def _sqlite_value(self, field, value):
        if isinstance(value, list | dict):
            return json.dumps(value)
        return field.get_db_prep_save(value, self.connection)

    def finish(self):
        """Move each table's id sequence past the ids written explicitly."""
        if not self.postgres:
            return  # SQLite's AUTOINCREMENT follows the largest id by itself
        with self.connection.cursor() as cursor:
            for model in self.used_ids:
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT COALESCE(MAX(id), 1) FROM \"{table}\"))"
                )
            cursor.execute("ANALYZE")
