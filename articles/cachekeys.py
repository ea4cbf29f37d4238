"""The newsroom's content keys: what each public page is built from, and which edits make which keys stale.

The page cache (pagecache/) knows no article; this module tells it. Keys are short, because a page names dozens of
them in its `Surrogate-Key` and `xkey` headers (docs/deploy.md lists them for operators):

| key | stands for |
|---|---|
| `a<id>` | an article: everything its page and its cards print (text, URL, photos, pull-quotes, bylines' order) |
| `s<id>` / `sl<id>` | a section's name, slug and description / which articles it lists, in which order |
| `b<id>` / `bl<id>` | a byline's name, role, bio and portrait / which articles it signs |
| `t<id>` / `tl<id>` | a tag's name and slug / which articles carry it |
| `d<yyyymmdd>`, `m<yyyymm>`, `y<yyyy>` | which articles a day, a month, a year holds (local dates) |
| `all` | which articles are published, newest first: the front page, feeds, the latest news, the sitemaps |
| `any` | anything readers can see in any published article: search results, the sitemaps' dates, the update stamp |
| `nav` | the sections menu: which sections, their names and order |
| `sched` | what scheduled articles will change when they come out (pagecache.fragments) |
| `corr` | the corrections readers are told of: the corrections page and its feeds |
| `redir` | the old addresses that redirect (redirects.models): every cached 301, and every cached 404 |
| `front` | the front page as editors arranged it (frontpage.models): which story in which slot, until when |
| `read` | the "most read" blocks (readership): they also expire a few minutes after they are counted |

Pages name list keys themselves (`pagecache.context.depends_on`); instances name themselves as they are loaded
(`register` below). Edits are turned into keys by the signal receivers at the end of this module, from the state
before and after each save, so that every way of changing content (the admin, the workflow, commands, the shell)
invalidates what it must, and a change no reader can see (a draft, a review step, a revision) invalidates nothing.
"""

import datetime

from django.db.models import Value
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone

from pagecache import holes
from pagecache.context import depends_on, register
from pagecache.fragments import SCHEDULE, register_schedule
from pagecache.journal import invalidate
from sections.models import NAV, Section

from .models import (
    Article,
    ArticleByline,
    Byline,
    Correction,
    Embed,
    Photo,
    PullQuote,
    Status,
    Tag,
    TaggedArticle,
    latest_articles,
    site_updated_at,
)

ALL = "all"
ANY = "any"
CORRECTIONS = "corr"
REDIRECTS = "redir"
FRONT = "front"
READ = "read"
BYLINES = "bys"  # the list of every byline (the search form's authors)


def article(pk):
    return f"a{pk}"


def section(pk):
    return f"s{pk}"


def section_list(pk):
    return f"sl{pk}"


def byline(pk):
    return f"b{pk}"


def byline_list(pk):
    return f"bl{pk}"


def tag(pk):
    return f"t{pk}"


def tag_list(pk):
    return f"tl{pk}"


def day(date):
    return f"d{date:%Y%m%d}"


def month(date):
    return f"m{date:%Y%m}"


def year(date):
    return f"y{date:%Y}"


def dated(date):
    """The keys of the lists an article published on `date` belongs to by its date."""
    return {day(date), month(date), year(date)}


def window(first, last):
    """Keys covering every date from `first` to `last`: a change on any of those days makes them stale.

    Days for a short span, months or years for longer ones: a page depending on what happened between two dates
    names a handful of keys, never hundreds.
    """
    if first is None or last is None:
        return {ALL}  # the span runs to the start or the end of the archive: anything may enter it
    first, last = min(first, last), max(first, last)
    if (last - first).days <= 31:
        return {day(first + datetime.timedelta(days=number)) for number in range((last - first).days + 1)}
    if (last.year - first.year) * 12 + last.month - first.month <= 24:
        months = set()
        current = first.replace(day=1)
        while current <= last:
            months.add(month(current))
            current = (current + datetime.timedelta(days=32)).replace(day=1)
        return months
    return {f"y{number}" for number in range(first.year, last.year + 1)}


def depends_on_window(first, last):
    depends_on(*window(first, last))


# What instances stand for, as they are loaded during a render. Own fields only (see pagecache.context.register).


def _article_keys(instance):
    keys = {article(instance.pk)}
    section_id = instance.__dict__.get("section_id")
    if section_id:
        keys.add(section(section_id))
    # Asked again of an instance already loaded (a template fragment naming it): the bylines and tags it carries.
    keys |= {byline(link.byline_id) for link in instance.__dict__.get("byline_list", ())}
    keys |= {tag(link.tag_id) for link in instance.__dict__.get("tag_links", ())}
    return keys


def _part_of(field):
    def keys(instance):
        pk = instance.__dict__.get(field)
        return {article(pk)} if pk else set()

    return keys


def register_instances():
    register(Article, _article_keys)
    register(Section, lambda instance: {section(instance.pk)})
    register(Byline, lambda instance: {byline(instance.pk)})
    register(Tag, lambda instance: {tag(instance.pk)})
    register(Photo, _part_of("article_id"))
    register(PullQuote, _part_of("article_id"))
    register(Embed, _part_of("article_id"))
    register(ArticleByline, _part_of("article_id"))
    register(TaggedArticle, _part_of("content_object_id"))


# Scheduled articles: when each comes out, and the keys of what it will then change.


def upcoming():
    now = timezone.now()
    rows = list(
        Article.objects.filter(status=Status.PUBLISHED, published_at__gt=now)
        .order_by("published_at")
        .values("pk", "published_at", "published_on", "section_id")[:500]
    )
    links = _links([row["pk"] for row in rows])
    return [
        (row["published_at"], membership(row, *links.get(row["pk"], ((), ()))) | {article(row["pk"])})
        for row in rows
    ]


def _links(pks):
    """{article id: (byline ids, tag ids)}, both kinds of link in one query."""
    found = {pk: ([], []) for pk in pks}
    if not pks:
        return found
    bylines = (
        ArticleByline.objects.filter(article_id__in=pks)
        .order_by()  # the models' own order is not allowed in a part of a UNION (SQLite)
        .annotate(kind=Value(0))
        .values_list("article_id", "byline_id", "kind")
    )
    tags = (
        TaggedArticle.objects.filter(content_object_id__in=pks)
        .order_by()
        .annotate(kind=Value(1))
        .values_list("content_object_id", "tag_id", "kind")
    )
    for article_id, linked_id, kind in bylines.union(tags, all=True):
        found[article_id][kind].append(linked_id)
    return found


def membership(state, byline_ids=(), tag_ids=()):
    """The lists an article in `state` (published_on, section_id) is part of."""
    keys = {ALL, section_list(state["section_id"])} | dated(state["published_on"])
    keys |= {byline_list(pk) for pk in byline_ids}
    keys |= {tag_list(pk) for pk in tag_ids}
    return keys


# Which edits make which keys stale.

# What an article's page and cards print, besides where it is listed: a change to one of these on a published
# article makes its own key stale.
CONTENT_FIELDS = (
    "title",
    "slug",
    "lead",
    "body",
    "corrected_at",
    "correction_note",
    "seo_title",
    "seo_description",
)
STATE_FIELDS = ("status", "published_at", "published_on", "section_id")


def _visible(state, now):
    return state is not None and state["status"] == Status.PUBLISHED and state["published_at"] <= now


def _scheduled(state, now):
    return state is not None and state["status"] == Status.PUBLISHED and state["published_at"] > now


def _placement(state):
    return (state["published_at"], state["section_id"])


def _stored_state(pk):
    return Article.objects.filter(pk=pk).values(*STATE_FIELDS, *CONTENT_FIELDS).first()


def _state_of(instance):
    return {name: getattr(instance, name) for name in (*STATE_FIELDS, *CONTENT_FIELDS)}


def article_changed(pk, before, after, now=None):
    """The keys an edit of article `pk` from `before` to `after` (None: not there) makes stale, as of `now`."""
    now = now or timezone.now()
    keys = set()
    seen_before, seen_after = _visible(before, now), _visible(after, now)
    moved = before is None or after is None or _placement(before) != _placement(after)
    links = None
    if seen_before or seen_after:
        if seen_before != seen_after or moved:
            links = _links([pk])[pk]
            keys |= (membership(before, *links) if seen_before else set()) | (
                membership(after, *links) if seen_after else set()
            )
            keys |= {article(pk), ANY}
        elif any(before[name] != after[name] for name in CONTENT_FIELDS):
            keys |= {article(pk), ANY}
    coming_before, coming_after = _scheduled(before, now), _scheduled(after, now)
    if (coming_before or coming_after) and (coming_before != coming_after or moved):
        # When or where it will come out changed: pages it will change must expire at the new time.
        links = links or _links([pk])[pk]
        keys |= (membership(before, *links) if coming_before else set()) | (
            membership(after, *links) if coming_after else set()
        )
        keys.add(SCHEDULE)
    return keys


def inserted_in_bulk(pks):
    """The keys articles inserted without signals (a bulk import) made stale: the lists each one joins."""
    now = timezone.now()
    rows = list(Article.objects.filter(pk__in=pks).values("pk", *STATE_FIELDS))
    links = _links([row["pk"] for row in rows])
    keys = set()
    for row in rows:
        if _visible(row, now):
            keys |= membership(row, *links[row["pk"]]) | {article(row["pk"]), ANY}
        elif _scheduled(row, now):
            keys |= membership(row, *links[row["pk"]]) | {SCHEDULE}
    return keys


def _article_pre_save(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk is not None:
        instance._cache_state_before = _stored_state(instance.pk)


def _article_post_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    before = None if created else getattr(instance, "_cache_state_before", None)
    after, now = _state_of(instance), timezone.now()
    keys = article_changed(instance.pk, before, after, now)
    # Taken down (unpublished, withdrawn): no reader may get the old page again, not even while the edge refetches.
    hard = _visible(before, now) and not _visible(after, now)
    invalidate(keys, reason=f"article {instance.pk} saved", using=kwargs.get("using"), hard=hard)


def _article_deleted(sender, instance, **kwargs):
    keys = article_changed(instance.pk, _state_of(instance), None)
    invalidate(keys, reason=f"article {instance.pk} deleted", using=kwargs.get("using"), hard=True)


# The parts of an article: photos and pull-quotes change what its page prints; bylines and tags also which author
# and topic lists it is on.

PARTS = {
    Photo: ("article_id", None),
    PullQuote: ("article_id", None),
    Embed: ("article_id", None),
    ArticleByline: ("article_id", ("byline_id", byline_list)),
    TaggedArticle: ("content_object_id", ("tag_id", tag_list)),
}


def _part_pre_save(sender, instance, raw=False, **kwargs):
    _link, listed = PARTS[sender]
    if not raw and listed and instance.pk is not None:
        instance._cache_listed_before = (
            sender.objects.filter(pk=instance.pk).values_list(listed[0], flat=True).first()
        )


def _part_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    link, listed = PARTS[sender]
    pk = getattr(instance, link)
    state = Article.objects.filter(pk=pk).values(*STATE_FIELDS).first()
    now = timezone.now()
    lists = set()
    if listed:
        ids = {getattr(instance, listed[0]), getattr(instance, "_cache_listed_before", None)}
        lists = {listed[1](each) for each in ids if each}
    if _visible(state, now):
        # The day's lists change too: pages choosing articles by topic within a span of days name its days.
        keys = {article(pk), ANY} | (lists | dated(state["published_on"]) if lists else set())
    elif _scheduled(state, now) and lists:
        keys = lists | {SCHEDULE}
    else:
        return
    invalidate(keys, reason=f"{sender._meta.model_name} of article {pk}", using=kwargs.get("using"))


def _related_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    pks = (pk_set or set()) if reverse else {instance.pk}
    now = timezone.now()
    shown = [
        row["pk"]
        for row in Article.objects.filter(pk__in=pks).values("pk", "status", "published_at")
        if _visible(row, now)
    ]
    invalidate({article(pk) for pk in shown}, reason="related articles", using=kwargs.get("using"))


def _correction_changed(sender, instance, **kwargs):
    """A correction readers are told of was written or removed: the corrections page and its feeds."""
    invalidate(
        {CORRECTIONS}, reason=f"correction of article {instance.article_id}", using=kwargs.get("using")
    )


# Sections, bylines and tags: their own fields, wherever they are printed.

PUBLIC_FIELDS = {
    Section: ("name", "slug", "description", "position", "is_active"),
    Byline: ("name", "slug", "role", "bio", "photo"),
    Tag: ("name", "slug"),
}
OWN_KEYS = {
    Section: lambda pk: {section(pk), NAV},
    Byline: lambda pk: {byline(pk)},
    Tag: lambda pk: {tag(pk)},
}
LIST_KEYS = {Section: section_list, Byline: byline_list, Tag: tag_list}


def _named_pre_save(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk is not None:
        instance._cache_fields_before = (
            sender.objects.filter(pk=instance.pk).values(*PUBLIC_FIELDS[sender]).first()
        )


def _named_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created:
        # A new byline or tag has no page anyone has seen yet; a byline is one more name in the search form.
        keys = {Section: {NAV}, Byline: {BYLINES}}.get(sender, set())
    else:
        before = getattr(instance, "_cache_fields_before", None) or {}
        changed = {
            name for name in PUBLIC_FIELDS[sender] if before.get(name) != _plain(getattr(instance, name))
        }
        keys = OWN_KEYS[sender](instance.pk) if changed else set()
        if sender is Byline and changed & {"name", "slug"}:
            keys.add(BYLINES)  # the search form lists every byline by name and slug
    invalidate(keys, reason=f"{sender._meta.model_name} {instance.pk} saved", using=kwargs.get("using"))


def _plain(value):
    return getattr(value, "name", value) if hasattr(value, "field") else value  # a file field's stored name


def _named_deleted(sender, instance, **kwargs):
    keys = OWN_KEYS[sender](instance.pk) | {LIST_KEYS[sender](instance.pk)}
    if sender is Byline:
        keys.add(BYLINES)
    invalidate(keys, reason=f"{sender._meta.model_name} {instance.pk} deleted", using=kwargs.get("using"))


def connect():
    register_instances()
    register_schedule(upcoming)
    pre_save.connect(_article_pre_save, sender=Article, dispatch_uid="cachekeys-article-pre")
    post_save.connect(_article_post_save, sender=Article, dispatch_uid="cachekeys-article-post")
    post_delete.connect(_article_deleted, sender=Article, dispatch_uid="cachekeys-article-delete")
    for model in PARTS:
        pre_save.connect(_part_pre_save, sender=model, dispatch_uid=f"cachekeys-part-pre-{model.__name__}")
        post_save.connect(_part_changed, sender=model, dispatch_uid=f"cachekeys-part-{model.__name__}")
        post_delete.connect(_part_changed, sender=model, dispatch_uid=f"cachekeys-part-del-{model.__name__}")
    m2m_changed.connect(_related_changed, sender=Article.related.through, dispatch_uid="cachekeys-related")
    post_save.connect(_correction_changed, sender=Correction, dispatch_uid="cachekeys-correction")
    post_delete.connect(_correction_changed, sender=Correction, dispatch_uid="cachekeys-correction-delete")
    for model in PUBLIC_FIELDS:
        pre_save.connect(_named_pre_save, sender=model, dispatch_uid=f"cachekeys-named-pre-{model.__name__}")
        post_save.connect(_named_saved, sender=model, dispatch_uid=f"cachekeys-named-{model.__name__}")
        post_delete.connect(
            _named_deleted, sender=model, dispatch_uid=f"cachekeys-named-del-{model.__name__}"
        )
    holes.register("stamp", "includes/site_updated.html", _stamp_context)
    holes.register("latest", "articles/includes/latest_column.html", _latest_context)


def _stamp_context(arg):
    return {"site_updated_at": site_updated_at()}


def _latest_context(arg):
    return {"latest_articles": latest_articles()}
