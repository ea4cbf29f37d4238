"""Revisions of an article: a JSON snapshot after every save, a readable diff of two, and restoring one.

A snapshot holds everything a reviewer must see: the text fields, the body, the photos' captions, credits, alt
texts and placements, the pull-quotes, the bylines in order, the tags, the section and the publication time.
Restoring writes an old snapshot back as a new save; no revision is ever deleted or changed.
"""

import dataclasses
import datetime
import re
from difflib import SequenceMatcher
from itertools import zip_longest

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sections.models import Section

from . import embeds
from .models import Article, ArticleByline, Byline, Embed, Photo, PullQuote, Revision, Status
from .sanitizer import html_to_text, sanitize
from .templatetags.news import zoned_time

# The fields of a snapshot in the order a reviewer reads them.
FIELDS = [
    ("title", _("Title")),
    ("section", _("Section")),
    ("lead", _("Lead")),
    ("body", _("Body")),
    ("photos", _("Photos")),
    ("embeds", _("Embedded videos and posts")),
    ("pull_quotes", _("Pull-quotes")),
    ("bylines", _("Bylines")),
    ("tags", _("Tags")),
    ("related", _("Related articles")),
    ("published_at", _("Publication time")),
    ("status", _("Status")),
    ("correction_note", _("Correction note")),
    ("slug", _("Slug")),
    ("seo_title", _("Title for search engines and sharing")),
    ("seo_description", _("Description for search engines and sharing")),
]


def _iso(value):
    return value.isoformat() if value else None


def _document(article, *, section, bylines, photos, quotes, tags, related, embedded=()):
    return {
        "title": article.title,
        "slug": article.slug,
        "lead": article.lead,
        "body": sanitize(article.body),
        "seo_title": article.seo_title,
        "seo_description": article.seo_description,
        "section": {"id": section.pk, "name": section.name} if section else None,
        "status": article.status,
        "published_at": _iso(article.published_at),
        "corrected_at": _iso(article.corrected_at),
        "correction_note": article.correction_note,
        "bylines": [{"id": byline.pk, "name": byline.name} for byline in bylines],
        "photos": [
            {
                "id": photo.pk,
                "image": photo.image.name if photo.image else "",
                "new_upload": bool(photo.image) and not getattr(photo.image, "_committed", True),
                "caption": photo.caption,
                "credit": photo.credit,
                "alt_text": photo.alt_text,
                "placement": photo.placement,
                "is_lead": photo.is_lead,
                "position": photo.position,
            }
            for photo in photos
        ],
        "embeds": [
            {"url": embed.url, "caption": embed.caption, "placement": embed.placement} for embed in embedded
        ],
        "pull_quotes": [
            {
                "text": quote.text,
                "attribution_name": quote.attribution_name,
                "attribution_title": quote.attribution_title,
                "placement": quote.placement,
            }
            for quote in quotes
        ],
        "tags": sorted(tags, key=str.casefold),
        "related": [{"id": item.pk, "title": item.title} for item in related],
    }


def snapshot(article):
    """The article and its parts as stored now."""
    links = article.byline_links.select_related("byline").order_by("position", "pk")
    return _document(
        article,
        section=article.section,
        bylines=[link.byline for link in links],
        photos=article.photos.order_by("placement", "position", "pk"),
        embedded=article.embeds.order_by("placement", "pk"),
        quotes=article.pull_quotes.order_by("placement", "pk"),
        tags=list(article.tags.names()),
        related=article.related.order_by("pk").only("pk", "title"),
    )


def snapshot_from_forms(form, formsets):
    """What an admin change form submitted, saved or not: the valid part of each form applied to its instance."""
    article = form.instance
    data = getattr(form, "cleaned_data", {})
    parts = {ArticleByline: [], Photo: [], Embed: [], PullQuote: []}
    for formset in formsets:
        if formset.model not in parts:
            continue
        for inline_form in formset.forms:
            if inline_form.instance.pk is None and not inline_form.has_changed():
                continue  # an empty extra form
            if formset.can_delete and formset._should_delete_form(inline_form):
                continue
            parts[formset.model].append(inline_form.instance)
    links = sorted(
        (link for link in parts[ArticleByline] if link.byline_id),
        key=lambda link: (link.position, link.pk or 0),
    )
    section = data.get("section") or (article.section if article.section_id else None)
    tags = data["tags"] if "tags" in data else (list(article.tags.names()) if article.pk else [])
    related = data["related"] if "related" in data else (article.related.all() if article.pk else [])
    return _document(
        article,
        section=section,
        bylines=[link.byline for link in links],
        photos=sorted(parts[Photo], key=lambda photo: (photo.placement, photo.position, photo.pk or 0)),
        embedded=sorted(parts[Embed], key=lambda embed: (embed.placement, embed.pk or 0)),
        quotes=sorted(parts[PullQuote], key=lambda quote: (quote.placement, quote.pk or 0)),
        tags=tags,
        related=sorted(related, key=lambda item: item.pk),
    )


def record(article, user, kind, *, transition="", restored_from=None, document=None, parts=None):
    """Keep the article as it is now as a new revision, unless it is what the newest revision already shows.

    A workflow button saves the form before its step: without the check, every press kept a "saved" revision of an
    unchanged article, and steps that change nothing a revision shows (start review, reassign) one more. A restore is
    always kept: it is the record of someone's decision. Returns the revision, or None when nothing changed.
    `document` is the snapshot, when the caller has already taken it; `parts` what it is made of (see `make`).
    """
    revision = make(
        article,
        user,
        kind,
        transition=transition,
        restored_from=restored_from,
        document=document,
        parts=parts,
    )
    if kind != Revision.Kind.RESTORED and article.pk:
        newest = (
            article.revisions.exclude(kind=Revision.Kind.REJECTED).order_by("-pk").only("snapshot").first()
        )
        if newest is not None and newest.snapshot == revision.snapshot:
            return None
    revision.save()
    return revision


def make(article, user, kind, *, transition="", restored_from=None, document=None, parts=None):
    """The revision `record` keeps, unsaved (bulk imports insert many at once).

    `parts` are the article's parts as the caller has just written them (the snapshot's keyword arguments:
    section, bylines, photos, quotes, tags, related), so that they need not be read back.
    """
    if document is None:
        document = _document(article, **parts) if parts is not None else snapshot(article)
    return Revision(
        article=article,
        version=article.version,
        kind=kind,
        transition=transition,
        restored_from=restored_from,
        user=user,
        snapshot=document,
    )


def record_rejected(article, version, user, form, formsets):
    """Keep a submission refused for a conflict, so that nothing the user typed is lost."""
    return Revision.objects.create(
        article=article,
        version=version,
        kind=Revision.Kind.REJECTED,
        user=user,
        snapshot=snapshot_from_forms(form, formsets),
    )


def published_revision(article):
    """The revision taken when the article was last published, or None."""
    return (
        article.revisions.filter(kind=Revision.Kind.TRANSITION, transition="publish").order_by("-pk").first()
    )


# The diff.


@dataclasses.dataclass
class Row:
    kind: str  # equal, changed, removed, added, skipped
    old: list = dataclasses.field(default_factory=list)  # [(text, is_changed), ...]
    new: list = dataclasses.field(default_factory=list)
    skipped: int = 0


@dataclasses.dataclass
class FieldDiff:
    name: str
    label: str
    rows: list

    @property
    def changed(self):
        return any(row.kind not in ("equal", "skipped") for row in self.rows)


def _photo_lines(photos):
    # Labels are looked up outside the f-strings: gettext calls inside them are invisible to makemessages.
    new_upload, caption, credit = gettext("new upload, not saved"), gettext("caption"), gettext("credit")
    alt_text, after, lead = gettext("alt text"), gettext("after block"), gettext("lead photo")
    lines = []
    for number, photo in enumerate(photos, start=1):
        prefix = gettext("Photo %(number)s") % {"number": number}
        if photo.get("new_upload"):
            lines.append(f"{prefix} · {new_upload}: {photo['image']}")
        lines += [
            f"{prefix} · {caption}: {photo['caption']}",
            f"{prefix} · {credit}: {photo['credit']}",
            f"{prefix} · {alt_text}: {photo['alt_text']}",
            f"{prefix} · {after}: {photo['placement']}" + (f" · {lead}" if photo["is_lead"] else ""),
        ]
    return lines


def _embed_lines(embedded):
    caption, after = gettext("caption"), gettext("after block")
    lines = []
    for number, embed in enumerate(embedded, start=1):
        prefix = gettext("Embed %(number)s") % {"number": number}
        lines += [
            f"{prefix}: {embed['url']}",
            f"{prefix} · {caption}: {embed['caption']}",
            f"{prefix} · {after}: {embed['placement']}",
        ]
    return lines


def _quote_lines(quotes):
    person, title, after = gettext("quoted person"), gettext("their title"), gettext("after block")
    lines = []
    for number, quote in enumerate(quotes, start=1):
        prefix = gettext("Pull-quote %(number)s") % {"number": number}
        lines += [
            f"{prefix}: {quote['text']}",
            f"{prefix} · {person}: {quote['attribution_name']}",
            f"{prefix} · {title}: {quote['attribution_title']}",
            f"{prefix} · {after}: {quote['placement']}",
        ]
    return lines


def _time_line(value):
    return [zoned_time(datetime.datetime.fromisoformat(value))] if value else []


def lines(document, name):
    """One field of a snapshot as lines of text to compare."""
    value = document.get(name)
    if name == "body":
        return html_to_text(value or "").splitlines()
    if name == "section":
        return [value["name"]] if value else []
    if name == "status":
        return [str(Status(value).label)] if value else []
    if name == "published_at":
        return _time_line(value)
    if name == "bylines":
        return [f"{number}. {byline['name']}" for number, byline in enumerate(value or [], start=1)]
    if name == "related":
        return [item["title"] for item in value or []]
    if name == "tags":
        return list(value or [])
    if name == "photos":
        return _photo_lines(value or [])
    if name == "embeds":
        return _embed_lines(value or [])
    if name == "pull_quotes":
        return _quote_lines(value or [])
    return (value or "").splitlines()


# A word with the spaces after it: changed words are marked together with the spaces between them.
_WORDS = re.compile(r"\S+\s*|\s+")


def _word_diff(old, new):
    """Both lines split into (text, changed) parts, the changed words marked."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    # Compare the words without their spaces, so that "Cháy" at the end of a line matches "Cháy " before more.
    matcher = SequenceMatcher(
        None, [word.rstrip() for word in a], [word.rstrip() for word in b], autojunk=False
    )
    old_parts, new_parts = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            old_parts.append(("".join(a[i1:i2]), False))
            new_parts.append(("".join(b[j1:j2]), False))
        else:
            if i2 > i1:
                old_parts.append(("".join(a[i1:i2]), True))
            if j2 > j1:
                new_parts.append(("".join(b[j1:j2]), True))
    return old_parts, new_parts


def _rows(old_lines, new_lines, context=1):
    rows = []
    matcher = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows += [Row("equal", [(line, False)], [(line, False)]) for line in old_lines[i1:i2]]
            continue
        for old, new in zip_longest(old_lines[i1:i2], new_lines[j1:j2]):
            if old is not None and new is not None:
                rows.append(Row("changed", *_word_diff(old, new)))
            elif old is not None:
                rows.append(Row("removed", old=[(old, True)]))
            else:
                rows.append(Row("added", new=[(new, True)]))
    return _collapse(rows, context)


def _collapse(rows, context):
    """Keep `context` unchanged lines around each change; fold longer unchanged runs into one "skipped" row."""
    near_change = set()
    for index, row in enumerate(rows):
        if row.kind != "equal":
            near_change.update(range(index - context, index + context + 1))
    collapsed, run = [], []
    for index, row in enumerate(rows + [None]):
        if row is not None and row.kind == "equal" and index not in near_change:
            run.append(row)
            continue
        # A single line is shown as it is: folding it would take as much room.
        collapsed += [Row("skipped", skipped=len(run))] if len(run) > 1 else run
        run = []
        if row is not None:
            collapsed.append(row)
    return collapsed


def compare(old, new):
    """Every field of two snapshots, each with the rows of its diff; `.changed` tells which differ."""
    return [FieldDiff(name, label, _rows(lines(old, name), lines(new, name))) for name, label in FIELDS]


# Restoring.


@dataclasses.dataclass
class Restored:
    article: Article
    revision: Revision
    missing_photos: list  # captions of photos deleted since the revision: their files are gone
    kept_photos: list  # captions of photos added since the revision: kept, nothing is deleted
    missing_bylines: list  # names of bylines deleted since


def restore(article, revision, user):
    """Write `revision` back into the article as a new save, and keep the result as a new revision.

    The workflow's fields (state, publication time, correction) and the slug, which is the article's address,
    stay as they are. Photos deleted since cannot come back (their files are gone); photos added since stay.
    """
    data = revision.snapshot
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        locked.title = data["title"]
        locked.lead = data["lead"]
        locked.body = data["body"]
        # Snapshots from before these fields existed leave them empty: the title and the lead then stand in.
        locked.seo_title = data.get("seo_title", "")
        locked.seo_description = data.get("seo_description", "")
        if data["section"] and Section.objects.filter(pk=data["section"]["id"]).exists():
            locked.section_id = data["section"]["id"]
        locked.last_edited_by = user
        locked.version += 1
        locked.save()
        locked.tags.set(data["tags"], clear=True)
        locked.related.set(Article.objects.filter(pk__in=[item["id"] for item in data["related"]]))

        existing_bylines = Byline.objects.in_bulk([byline["id"] for byline in data["bylines"]])
        locked.byline_links.all().delete()
        ArticleByline.objects.bulk_create(
            ArticleByline(article=locked, byline=existing_bylines[byline["id"]], position=position)
            for position, byline in enumerate(
                byline for byline in data["bylines"] if byline["id"] in existing_bylines
            )
        )
        locked.pull_quotes.all().delete()
        PullQuote.objects.bulk_create(PullQuote(article=locked, **quote) for quote in data["pull_quotes"])
        # Older snapshots have no embeds: restoring one leaves the article without. A refused submission may hold
        # an address that was never accepted: it stays out.
        locked.embeds.all().delete()
        for embed in data.get("embeds", []):
            try:
                embeds.recognise(embed["url"])
            except ValidationError:
                continue
            Embed.objects.create(article=locked, **embed)

        photos = {photo.pk: photo for photo in locked.photos.all()}
        wanted = [photo for photo in data["photos"] if photo["id"] in photos]
        # One lead photo at a time (a unique constraint): clear the flag before setting it again.
        locked.photos.filter(is_lead=True).update(is_lead=False)
        for values in wanted:
            photo = photos[values["id"]]
            for field in ("caption", "credit", "alt_text", "placement", "is_lead", "position"):
                setattr(photo, field, values[field])
            photo.save(update_fields=["caption", "credit", "alt_text", "placement", "is_lead", "position"])
        restored_ids = {values["id"] for values in wanted}
        result = Restored(
            article=locked,
            revision=record(locked, user, Revision.Kind.RESTORED, restored_from=revision),
            missing_photos=[
                photo["caption"] or photo["alt_text"] for photo in data["photos"] if photo["id"] not in photos
            ],
            kept_photos=[str(photo) for pk, photo in photos.items() if pk not in restored_ids],
            missing_bylines=[
                byline["name"] for byline in data["bylines"] if byline["id"] not in existing_bylines
            ],
        )
    return result
