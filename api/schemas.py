"""What the API answers, as OpenAPI sees it (the views build plain dicts; these validate and document them)."""

import datetime

from ninja import Schema


class Error(Schema):
    detail: str


class SectionOut(Schema):
    id: int
    name: str
    slug: str
    description: str
    active: bool
    url: str


class SectionRef(Schema):
    id: int
    name: str
    slug: str
    url: str


class BylineOut(Schema):
    id: int
    name: str
    slug: str
    role: str
    bio: str
    portrait: str | None
    url: str


class BylineRef(Schema):
    id: int
    name: str
    slug: str
    role: str
    url: str


class TagOut(Schema):
    id: int
    name: str
    slug: str
    url: str


class Rendition(Schema):
    width: int
    url: str


class PhotoOut(Schema):
    url: str
    width: int | None
    height: int | None
    renditions: list[Rendition]
    caption: str
    credit: str
    alt_text: str
    is_lead: bool
    placement: int


class PullQuoteOut(Schema):
    text: str
    attribution_name: str
    attribution_title: str
    placement: int


class EmbedOut(Schema):
    url: str
    provider: str
    caption: str
    placement: int


class CorrectionOut(Schema):
    corrected_at: datetime.datetime
    note: str


class ArticleSummary(Schema):
    id: int
    title: str
    slug: str
    lead: str
    url: str
    published_at: datetime.datetime
    corrected_at: datetime.datetime | None
    section: SectionRef
    bylines: list[BylineRef]
    tags: list[TagOut]
    lead_photo: PhotoOut | None


class ArticleDetail(ArticleSummary):
    body: str
    photos: list[PhotoOut]
    pull_quotes: list[PullQuoteOut]
    embeds: list[EmbedOut]
    correction_note: str
    corrections: list[CorrectionOut]


class ArticlePage(Schema):
    results: list[ArticleSummary]
    next: str | None
    next_cursor: str | None


class SectionList(Schema):
    results: list[SectionOut]


class BylinePage(Schema):
    results: list[BylineOut]
    next: str | None
    next_cursor: str | None


class TagPage(Schema):
    results: list[TagOut]
    next: str | None
    next_cursor: str | None
