"""Most read ("Đọc nhiều"): counting readers without a cookie, past every cache, and the blocks that show it.

Pages are served whole from the page cache or the edge, so they cannot count themselves: each article page sends
a small POST (static/js/hit.js) to `/_hit/<id>/`, which no cache keeps. A hit is counted in Django's cache (Redis in
production, local memory in development), per article per hour:

- `read:<hour>:<id>` the hour's count of an article; the first hit of an article in an hour also appends its id to
  the hour's list (`read:<hour>:n`, then `read:<hour>:id:<n>`), so the hour can be read back with plain cache calls;
- `read:seen:<hash>` a short-lived mark that this client (a hash of its address, browser and the article, salted
  with the site's secret) was counted already: nothing personal is kept, and it is gone after REPEAT_SECONDS.

Ended hours are folded into ArticleReadCount by whichever request comes first after an hour ends (a hit or a block
being rebuilt), under a lock in the cache so that one process folds; no worker is needed. A cache that fails makes
counting a no-op, never an error page.
"""

import datetime
import hashlib
import logging
import re

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Sum, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from articles.cachekeys import READ
from articles.models import Article
from pagecache.context import expires_at
from pagecache.fragments import fragment
from sections.models import Section, navigation

from .models import ArticleReadCount, Ranking

logger = logging.getLogger(__name__)

# A client opening the same article again within this time is not counted again.
REPEAT_SECONDS = 30 * 60
# The cache keeps an hour's counts this long: a quiet site folds them when it next has a reader.
KEEP_SECONDS = 3 * 24 * 60 * 60
# At most this many different articles are counted in one hour (made-up ids cannot fill the cache).
MAX_PER_HOUR = 20_000
# The blocks are rebuilt this often, and show this many articles.
BLOCK_SECONDS = 5 * 60
BLOCK_SIZE = 5
# What a block prints of an article: its title and address (and the time that says whether it is reachable).
PRINTED = ("title", "slug", "published_on", "published_at")
PERIODS = {"day": 24, "week": 24 * 7}
# A ranking keeps this many articles of each period: room for those readers can no longer see (withdrawn, or out of
# the block's section) and for the counts of the hour being counted.
RANKED = BLOCK_SIZE * 10
# Crawlers, link previews, monitors and scripts: they announce themselves in the User-Agent.
BOTS = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|archiver|facebookexternalhit|embedly|preview|lighthouse|headless|"
    r"pingdom|uptime|monitor|curl|wget|python|httpclient|http-client|okhttp|java/|go-http|scrapy|phantomjs|"
    r"zalo(?:app)?-?(?:bot|crawler)",
    re.IGNORECASE,
)


def hour_now():
    """The current hour, as hours since the epoch (UTC)."""
    return int(timezone.now().timestamp() // 3600)


def hour_start(hour):
    return datetime.datetime.fromtimestamp(hour * 3600, tz=datetime.UTC)


def is_bot(user_agent):
    return not user_agent or BOTS.search(user_agent) is not None


def count(article_id, address, user_agent):
    """Count one read of `article_id`, unless this client was counted a moment ago. True when counted."""
    # An id no article can have would fail the database's query when its hour is folded.
    if is_bot(user_agent) or not 0 < article_id < 2**63:
        return False
    seen = hashlib.sha256(f"{settings.SECRET_KEY}|{address}|{user_agent}|{article_id}".encode()).hexdigest()
    try:
        if not cache.add(f"read:seen:{seen[:32]}", 1, REPEAT_SECONDS):
            return False
        hour = hour_now()
        key = f"read:{hour}:{article_id}"
        if cache.add(key, 1, KEEP_SECONDS):
            cache.add(f"read:{hour}:n", 0, KEEP_SECONDS)
            number = cache.incr(f"read:{hour}:n")
            if number > MAX_PER_HOUR:
                return False
            cache.set(f"read:{hour}:id:{number}", article_id, KEEP_SECONDS)
        else:
            cache.incr(key)
        fold_if_due(hour)
    except Exception:  # noqa: BLE001 - a cache that fails costs the count, never the reader's page
        logger.warning("Most read: a hit was not counted (the cache failed)", exc_info=True)
        return False
    return True


def hour_counts(hour):
    """{article id: reads} of one hour, as the cache holds them (empty when it holds nothing)."""
    number = cache.get(f"read:{hour}:n") or 0
    if not number:
        return {}
    ids = cache.get_many([f"read:{hour}:id:{each}" for each in range(1, min(number, MAX_PER_HOUR) + 1)])
    counts = cache.get_many([f"read:{hour}:{pk}" for pk in set(ids.values())])
    return {int(key.rsplit(":", 1)[1]): value for key, value in counts.items() if value}


def fold_if_due(hour=None):
    """Fold the hours that ended since the last fold into the database, once, whoever asks first, and rank the new
    hour. Returns (the last hour folded, the last hour ranked) as they stand after, None for either not known."""
    hour = hour_now() if hour is None else hour
    state = cache.get_many(["read:folded", "read:ranked"])
    folded, ranked = state.get("read:folded"), state.get("read:ranked")
    if folded is not None and folded >= hour - 1:
        return folded, ranked
    if not cache.add("read:folding", 1, 60):
        return folded, ranked  # another process is at it
    try:
        first = hour - KEEP_SECONDS // 3600 if folded is None else folded + 1
        for each in range(max(first, hour - KEEP_SECONDS // 3600), hour):
            fold(each)
        if rank(hour):
            ranked = hour
        cache.set("read:folded", hour - 1, KEEP_SECONDS)
        return hour - 1, ranked
    finally:
        cache.delete("read:folding")


def fold(hour):
    counts = hour_counts(hour)
    known = set(Article.objects.filter(pk__in=counts).values_list("pk", flat=True))
    rows = [
        ArticleReadCount(article_id=pk, hour=hour_start(hour), count=reads)
        for pk, reads in counts.items()
        if pk in known
    ]
    # Again with the same numbers if a fold is repeated (the cache lost its mark): the hour's count is final.
    ArticleReadCount.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["article", "hour"], update_fields=["count"]
    )


def rank(hour):
    """Sum each period's folded counts once for the blocks of `hour`: a ranking for the whole site and one for each
    section (lists empty or not), written together, then the hour marked ranked in the cache for the blocks.
    True if it wrote them (not when nothing was read for a week).

    Each article's total is ranked within its section in the same query; the site's most read are among its
    sections' most read, so they are the best of those."""
    sections = {pk: {} for pk in Section.objects.values_list("pk", flat=True)}
    site = {}
    for hours in PERIODS.values():
        ranked = (
            _counted(hour, hours)
            .values("article_id", "article__section_id")
            .annotate(total=Sum("count"))
            .annotate(
                place=Window(
                    RowNumber(),
                    partition_by=F("article__section_id"),
                    order_by=(F("total").desc(), F("article_id").desc()),
                )
            )
            .filter(place__lte=RANKED)
            .values_list("article__section_id", "article_id", "total")
        )
        found = {}
        for section_id, pk, total in ranked:
            found.setdefault(section_id, []).append((pk, total))
            sections.setdefault(section_id, {})
        for section_id, lists in sections.items():
            lists[hours] = found.get(section_id, [])
        site[hours] = sorted(
            (pair for pairs in found.values() for pair in pairs), key=lambda pair: (-pair[1], -pair[0])
        )[:RANKED]
    if not any(site.values()):
        # Nothing read for a week: nothing to write, and the blocks' sums of nothing cost nothing.
        return False
    start = hour_start(hour)
    with transaction.atomic():
        Ranking.objects.filter(hour__lte=start).delete()
        Ranking.objects.bulk_create(
            [Ranking(hour=start, section_id=None, lists=site)]
            + [Ranking(hour=start, section_id=pk, lists=lists) for pk, lists in sections.items()]
        )
    cache.set("read:ranked", hour, KEEP_SECONDS)
    return True


def _counted(hour, hours):
    """The folded counts of the last `hours` hours, this one included."""
    return ArticleReadCount.objects.filter(hour__gte=hour_start(hour - hours + 1))


def most_read(hours, section=None, limit=BLOCK_SIZE):
    """The articles read most in the last `hours` hours (this one included), most read first."""
    return read_lists([hours], section, limit)[0]


def read_lists(periods, section=None, limit=BLOCK_SIZE):
    """`most_read` for each of `periods` (in hours): each period ranked, then the articles of all in one query."""
    hour, live, ranked = _live_counts(max(periods))
    stored = _stored(hour, section) if ranked and limit <= BLOCK_SIZE else {}
    rankings = [_ranked(hour, hours, live, section, limit, stored.get(hours)) for hours in periods]
    # A block prints titles and addresses, nothing else: the week's list read 20 bodies (13 ms a page cold), then
    # 40 whole rows and their sections for the 10 titles shown.
    articles = Article.objects.published().only(*PRINTED).filter(pk__in=set().union(*rankings))
    if section is not None:
        articles = articles.filter(section=section)
    found = articles.in_bulk()
    return [[found[pk] for pk in ranked if pk in found][:limit] for ranked in rankings]


def _live_counts(hours):
    """(this hour, {hour: {article id: reads}}, whether this hour is ranked) for the hours among the last `hours`
    that the cache holds and the database does not yet (this one, and any not folded yet): read once for all the
    periods of a block."""
    hour = hour_now()
    try:
        folded, ranked = fold_if_due(hour)
        first = max(hour - hours + 1, (folded or hour - 1) + 1)
        live = {each: hour_counts(each) for each in range(first, hour + 1)}
        return hour, live, ranked == hour
    except Exception:  # noqa: BLE001 - without the cache, what the database holds
        logger.warning("Most read: the cache did not answer; counts of this hour left out", exc_info=True)
        return hour, {}, False


def _stored(hour, section):
    """{hours: [(article id, reads)]} ranked for this hour and section by the fold (`rank`); empty if it is not
    there (a database restored since, or a section made since)."""
    lists = (
        Ranking.objects.filter(hour=hour_start(hour), section=section).values_list("lists", flat=True).first()
    )
    return {int(hours): ranking for hours, ranking in (lists or {}).items()}


def _ranked(hour, hours, live_hours, section, limit, stored=None):
    """The ids of the articles read most in the last `hours` hours, with room for some readers may no longer see:
    the folded counts as ranked for this hour (`stored`), or summed here when the hour is not ranked yet."""
    live = {}
    for each, counts in live_hours.items():
        if each > hour - hours:
            for pk, reads in counts.items():
                live[pk] = live.get(pk, 0) + reads
    if stored is not None:
        totals = dict(stored)
    else:
        rows = _counted(hour, hours)
        if section is not None:
            rows = rows.filter(article__section=section)
        totals = dict(
            rows.values("article_id")
            .annotate(total=Sum("count"))
            .order_by("-total")
            .values_list("article_id", "total")[: limit * 10]
        )
    for pk, reads in live.items():
        totals[pk] = totals.get(pk, 0) + reads
    return sorted(totals, key=lambda pk: (-totals[pk], -pk))[: limit * 4]


def blocks(section_slug=""):
    """Both lists of a block (the last day, the last week), kept a few minutes: what readers read keeps changing."""

    def compute():
        # From the navigation the page has loaded already: no query of its own.
        section = next((each for each in navigation() if each.slug == section_slug), None)
        expires_at(timezone.now() + datetime.timedelta(seconds=BLOCK_SECONDS))
        return {
            "section": section,
            "periods": list(zip(PERIODS, read_lists(PERIODS.values(), section), strict=True)),
        }

    return fragment(f"most-read:{section_slug}", compute, keys=(READ,))


def block_context(arg):
    return blocks(arg)
