"""The API's endpoints: published articles, sections, bylines and tags, read-only (docs/api.md).

Every article comes from `Article.objects.published()`, the site's embargo gate, and lists page with an opaque
cursor over (published_at, id), newest first: a client walking the pages while an article is published sees no
duplicate and skips nothing. Responses declare the content keys of the pages showing the same lists, so the page
cache and an edge in front keep and purge them like pages (api/urls.py opts the views in).
"""

import base64
import binascii
import datetime
import json
import re

from django.db.models import Exists, OuterRef, Q
from django.utils.http import urlencode
from ninja import NinjaAPI, Query
from ninja.errors import HttpError, ValidationError
from ninja.renderers import JSONRenderer

from articles import cachekeys, renditions, search
from articles.models import Article, ArticleByline, Byline, Correction, Tag, TaggedArticle
from articles.seo import absolute_url
from pagecache.context import depends_on
from sections.models import NAV, Section

from . import schemas

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_CURSOR_LENGTH = 200
MAX_ID = 2**63 - 1  # a larger number is no id, and no database would take it in a query
SLUG = re.compile(r"[-\w]+")
# A date range longer than this names `all` rather than one key per year it spans.
MAX_WINDOW_DAYS = 5 * 366
LIST_PARAMETERS = ("limit", "cursor")
ARTICLE_FILTERS = ("section", "tag", "author", "from", "to", "q")
# Parameters whose names are no Python names, or that carry bounds: declared once, for the OpenAPI schema too.
FROM = Query(None, alias="from", description="Published on or after this local date (YYYY-MM-DD).")
TO = Query(None, alias="to", description="Published on or before this local date (YYYY-MM-DD).")
LIMIT = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Items per page, 1 to {MAX_LIMIT}.")


class Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # Vietnamese as it is written: a third of the bytes


class ReadOnlyAPI(NinjaAPI):
    def create_response(self, request, data, *, status=None, temporal_response=None):
        response = super().create_response(request, data, status=status, temporal_response=temporal_response)
        # Public, read-only, no cookies read: any site's script may read it (docs/api.md).
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = "ETag, Last-Modified"
        return response


api = ReadOnlyAPI(
    title="Newsroom content API",
    version="1",
    description=(
        "Read-only access to the published articles, sections, bylines and tags. Lists page with `cursor`; "
        'bad input answers 400 with `{"detail": …}`. See docs/api.md.'
    ),
    urls_namespace="api",
    renderer=Renderer(),
)


@api.exception_handler(ValidationError)
def invalid_parameters(request, exc):
    """Ninja answers 422 with pydantic's error list; a client reads one sentence and a 400 more easily."""
    messages = [f"{error['loc'][-1]}: {error['msg']}" for error in exc.errors]
    return api.create_response(request, {"detail": "; ".join(messages)}, status=400)


def refuse_unknown_parameters(request, known):
    unknown = sorted(set(request.GET) - set(known))
    if unknown:
        raise HttpError(400, f"Unknown parameter: {', '.join(unknown)}. Known: {', '.join(known)}.")


def encode_cursor(*values):
    text = json.dumps(values, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor):
    """The values a cursor of ours holds, or a 400 for anything else."""
    try:
        if len(cursor) > MAX_CURSOR_LENGTH:
            raise ValueError
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(values, list):
            raise ValueError
        return values
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise HttpError(400, "Invalid cursor: pass the next_cursor of a previous page unchanged.") from None


def article_position(cursor):
    values = decode_cursor(cursor)
    try:
        published_at, pk = values
        published_at = datetime.datetime.fromisoformat(published_at)
        if published_at.tzinfo is None or type(pk) is not int or not 0 < pk <= MAX_ID:
            raise ValueError
        # In UTC, as stored: a time that has none (the year 1 at +14:00) raises OverflowError here, not in the query.
        published_at = published_at.astimezone(datetime.UTC)
    except (TypeError, ValueError, OverflowError):
        raise HttpError(400, "Invalid cursor: pass the next_cursor of a previous page unchanged.") from None
    return published_at, pk


def slug_position(cursor):
    values = decode_cursor(cursor)
    if len(values) != 1 or not isinstance(values[0], str):
        raise HttpError(400, "Invalid cursor: pass the next_cursor of a previous page unchanged.")
    return values[0]


def page(request, items, limit, cursor_of):
    """The envelope of a list: `items` holds up to `limit` + 1 rows, the extra one saying there is more."""
    more = len(items) > limit
    items = items[:limit]
    next_cursor = cursor_of(items[-1]) if more else None
    next_url = None
    if next_cursor:
        query = [(name, value) for name, value in request.GET.items() if name != "cursor"]
        next_url = absolute_url(f"{request.path}?{urlencode([*query, ('cursor', next_cursor)])}")
    return items, next_url, next_cursor


# What the JSON says of each thing.


def section_ref(section):
    return {
        "id": section.pk,
        "name": section.name,
        "slug": section.slug,
        "url": absolute_url(section.get_absolute_url()),
    }


def byline_ref(byline):
    return {
        "id": byline.pk,
        "name": byline.name,
        "slug": byline.slug,
        "role": byline.role,
        "url": absolute_url(byline.get_absolute_url()),
    }


def tag_data(tag):
    return {"id": tag.pk, "name": tag.name, "slug": tag.slug, "url": absolute_url(tag.get_absolute_url())}


def photo_data(photo):
    storage = photo.image.storage
    return {
        "url": absolute_url(photo.image.url),
        "width": photo.width,
        "height": photo.height,
        "renditions": [
            {
                "width": width,
                "url": absolute_url(storage.url(renditions.rendition_name(photo.image.name, width))),
            }
            for width in photo.renditions
        ],
        "caption": photo.caption,
        "credit": photo.credit,
        "alt_text": photo.alt_text,
        "is_lead": photo.is_lead,
        "placement": photo.placement,
    }


def article_summary(article):
    return {
        "id": article.pk,
        "title": article.title,
        "slug": article.slug,
        "lead": article.lead,
        "url": absolute_url(article.get_absolute_url()),
        "published_at": article.published_at,
        "corrected_at": article.corrected_at,
        "section": section_ref(article.section),
        "bylines": [byline_ref(byline) for byline in article.ordered_bylines],
        "tags": [tag_data(tag) for tag in article.ordered_tags],
        "lead_photo": photo_data(article.lead_photo) if article.lead_photo else None,
    }


def article_detail(article, corrections):
    return {
        **article_summary(article),
        "body": article.body,  # sanitized on every save (articles.sanitizer)
        "photos": [photo_data(photo) for photo in article.photos.all()],
        "pull_quotes": [
            {
                "text": quote.text,
                "attribution_name": quote.attribution_name,
                "attribution_title": quote.attribution_title,
                "placement": quote.placement,
            }
            for quote in article.pull_quotes.all()
        ],
        "embeds": [
            {
                "url": embed.url,
                "provider": embed.provider,
                "caption": embed.caption,
                "placement": embed.placement,
            }
            for embed in article.embeds.all()
        ],
        "correction_note": article.correction_note,
        "corrections": [{"corrected_at": c.corrected_at, "note": c.note} for c in corrections],
    }


# Endpoints.


def named(model, slug, what):
    found = model.objects.filter(slug=slug).first() if SLUG.fullmatch(slug) else None
    if found is None:
        raise HttpError(404, f"No {what} with the slug {slug!r}.")
    return found


def date_keys(first, last):
    if first is None or last is None or (last - first).days > MAX_WINDOW_DAYS:
        return {cachekeys.ALL}
    return cachekeys.window(first, last)


@api.get(
    "/articles",
    response={200: schemas.ArticlePage, 400: schemas.Error, 404: schemas.Error},
    url_name="articles",
)
def articles(
    request,
    section: str | None = None,
    tag: str | None = None,
    author: str | None = None,
    date_from: datetime.date | None = FROM,
    date_to: datetime.date | None = TO,
    q: str | None = None,
    limit: int = LIMIT,
    cursor: str | None = None,
):
    """Published articles, newest first, narrowed by section, tag, author (byline slug), local dates and words."""
    refuse_unknown_parameters(request, (*ARTICLE_FILTERS, *LIST_PARAMETERS))
    if date_from and date_to and date_from > date_to:
        raise HttpError(400, "from: must not be after to.")
    found = Article.objects.published()
    keys = set()
    if section:
        section = named(Section, section, "section")
        found = found.filter(section=section)
        keys.add(cachekeys.section_list(section.pk))
    if tag:
        tag = named(Tag, tag, "tag")
        found = found.filter(tagged_items__tag=tag)
        keys.add(cachekeys.tag_list(tag.pk))
    if author:
        byline = named(Byline, author, "author")
        found = found.filter(byline_links__byline=byline)
        keys.add(cachekeys.byline_list(byline.pk))
    if date_from or date_to:
        found = found.filter(
            **({"published_on__gte": date_from} if date_from else {}),
            **({"published_on__lte": date_to} if date_to else {}),
        )
        keys |= date_keys(date_from, date_to)
    if cursor:
        published_at, pk = article_position(cursor)
        found = found.filter(Q(published_at__lt=published_at) | Q(published_at=published_at, pk__lt=pk))
    if q and q.strip():
        # What matches depends on every published text (as for the search page). The site's own search finds
        # them; a client paging through them wants them in the order of this list, newest first.
        keys |= {cachekeys.ALL, cachekeys.ANY}
        found = search.results(search.parse(search.clean(q)), found).as_queryset()
    depends_on(*(keys or {cachekeys.ALL}))
    found = found.for_listing().with_bylines().with_tags().order_by("-published_at", "-pk")
    items, next_url, next_cursor = page(
        request,
        list(found[: limit + 1]),
        limit,
        lambda article: encode_cursor(article.published_at.isoformat(), article.pk),
    )
    return {
        "results": [article_summary(article) for article in items],
        "next": next_url,
        "next_cursor": next_cursor,
    }


@api.get(
    "/articles/{int:article_id}",
    response={200: schemas.ArticleDetail, 404: schemas.Error},
    url_name="article",
)
def article(request, article_id: int):
    """One published article with everything its page prints."""
    refuse_unknown_parameters(request, ())
    found = (
        Article.objects.published().for_page().filter(pk=article_id).first() if article_id <= MAX_ID else None
    )
    if found is None:
        raise HttpError(404, "No published article with this id.")
    corrections = list(
        Correction.objects.filter(article=found).exclude(note="").order_by("-corrected_at", "-pk")
    )
    return article_detail(found, corrections)


@api.get("/sections", response={200: schemas.SectionList, 400: schemas.Error}, url_name="sections")
def sections(request):
    """Every section in the navigation's order; inactive ones are out of the menu but their articles stay online."""
    refuse_unknown_parameters(request, ())
    depends_on(NAV)
    return {
        "results": [
            {**section_ref(section), "description": section.description, "active": section.is_active}
            for section in Section.objects.order_by("position", "name", "pk")
        ]
    }


def named_list(request, found, limit, cursor):
    """Bylines or tags carried by at least one published article, by slug, a page at a time."""
    # Which ones carry a published article changes as articles come and go, and as published ones are retagged.
    depends_on(cachekeys.ALL, cachekeys.ANY)
    if cursor:
        found = found.filter(slug__gt=slug_position(cursor))
    return page(
        request, list(found.order_by("slug")[: limit + 1]), limit, lambda item: encode_cursor(item.slug)
    )


@api.get("/bylines", response={200: schemas.BylinePage, 400: schemas.Error}, url_name="bylines")
def bylines(request, limit: int = LIMIT, cursor: str | None = None):
    """The people credited on published articles, by slug."""
    refuse_unknown_parameters(request, LIST_PARAMETERS)
    signs = Exists(
        ArticleByline.objects.filter(byline=OuterRef("pk"), article__in=Article.objects.published())
    )
    items, next_url, next_cursor = named_list(request, Byline.objects.filter(signs), limit, cursor)
    results = [
        {
            **byline_ref(byline),
            "bio": byline.bio,
            "portrait": absolute_url(byline.photo.url) if byline.photo else None,
        }
        for byline in items
    ]
    return {"results": results, "next": next_url, "next_cursor": next_cursor}


@api.get("/tags", response={200: schemas.TagPage, 400: schemas.Error}, url_name="tags")
def tags(request, limit: int = LIMIT, cursor: str | None = None):
    """The topics of published articles, by slug."""
    refuse_unknown_parameters(request, LIST_PARAMETERS)
    carried = Exists(
        TaggedArticle.objects.filter(tag=OuterRef("pk"), content_object__in=Article.objects.published())
    )
    items, next_url, next_cursor = named_list(request, Tag.objects.filter(carried), limit, cursor)
    return {"results": [tag_data(tag) for tag in items], "next": next_url, "next_cursor": next_cursor}
