"""Search: the one module that knows how readers find articles, on PostgreSQL and on SQLite.

Both databases see the same words. Python folds Vietnamese ("Đà Nẵng" -> "da nang", newsroom.vietnamese.fold) and
cuts text into words for the stored document and for the reader's query alike, so a word one database finds, the
other finds too:

- PostgreSQL matches them in a weighted tsvector (A title, B lead, C everything else) under a GIN index, built with
  the 'simple' configuration (Vietnamese has no stemmer) over unaccent(), and ranks with ts_rank. Where the RUM
  extension is installed, a RUM index holding each document with its publication time finds the newest matches
  without visiting the rest (a million articles; docs/search.md).
- SQLite keeps them as one space-delimited line and matches " word " with LIKE.
- Both find title hits in a space-delimited copy of the title.

The document is stored on the article row and recomputed by `reindex()` whenever the article or one of its
children (photos, pull-quotes, bylines, tags) is saved or deleted. Publishing needs no reindex: every search starts
from `Article.objects.published()`. docs/search.md tells the whole story."""

import collections.abc
import contextlib
import contextvars
import dataclasses
import datetime
import functools
import json
import re
import unicodedata

from django.apps import apps
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import DatabaseError, connections, transaction
from django.db.backends.signals import connection_created
from django.db.models import Case, F, FloatField, Func, Q, TextField, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_delete, post_migrate, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from newsroom.vietnamese import fold

from .sanitizer import html_to_text

MAX_QUERY_LENGTH = 200
# Longer runs of letters are no words a reader types (pasted hashes, URLs without separators); PostgreSQL would
# also drop words past 2047 bytes, and both engines must agree on what they drop.
MAX_WORD_LENGTH = 60
# The article's own fields that go into its document: saving only other fields (a status change) needs no reindex.
ARTICLE_FIELDS = frozenset({"title", "lead", "body", "correction_note"})
QUOTES = re.compile(r'["“”„]')
_WORD = re.compile(r"[^\W_]+")


def words(text):
    """The folded words of `text`, as both engines index them: "Đà Nẵng, 2017!" -> ["da", "nang", "2017"]."""
    return [word for word in _WORD.findall(fold(text or "")) if len(word) <= MAX_WORD_LENGTH]


def clean(text):
    """A reader's query made safe to keep and print: no control or format characters, at most 200 characters."""
    text = text[: MAX_QUERY_LENGTH * 4]  # bound the work before looking at each character
    kept = "".join(
        " " if char.isspace() else char
        for char in text
        if char.isspace() or unicodedata.category(char)[0] != "C"
    )
    return " ".join(kept.split())[:MAX_QUERY_LENGTH].strip()


@dataclasses.dataclass(frozen=True)
class Query:
    """What a reader asked for: terms that must all appear; a term is one word or a quoted run of words."""

    terms: tuple[tuple[str, ...], ...] = ()

    def __bool__(self):
        return bool(self.terms)

    def as_phrase(self):
        """All the words in the order typed, as one term: what a reader most likely means."""
        return Query(((*(word for term in self.terms for word in term),),))


def parse(text):
    """`nhiệm vụ "Quảng Ninh"` -> terms ("nhiem",), ("vu",), ("quang", "ninh"). Punctuation alone asks nothing."""
    terms = []
    # Split on quotes: odd pieces were inside a pair (an unclosed quote runs to the end, as a reader means it).
    for number, piece in enumerate(QUOTES.split(text)):
        found = words(piece)
        candidates = ([tuple(found)] if found else []) if number % 2 else [(word,) for word in found]
        terms += [term for term in candidates if term not in terms]
    return Query(tuple(terms))


# Searching.


# Ranking reads each candidate's whole document, and a word found in nearly every article ("tỉnh") would mean
# reading a hundred thousand of them (1.4 s at 100,000 articles). The candidates are the newest RANK_WINDOW
# matches, as many as the results a reader can page through (CappedPaginator); older news is one more word or a
# date range away.
RANK_WINDOW = 1000


def results(query, articles, newest=False):
    """The articles of `articles` having every term of `query`, best first, or newest first if asked (Found).

    Best: title hits first (every term in the title), then articles with the reader's words side by side in the
    order typed ("da nang" is Đà Nẵng, not "đã nâng": Vietnamese writes a word a syllable), then, on PostgreSQL, by
    ts_rank; newest first among equals.
    """
    if not query:
        return Found([], articles)
    postgresql = connections[articles.db].vendor == "postgresql"
    # The newest matches are found once, here: a page and its count both read them, and finding them is what
    # costs (a common word is in half the archive, and each match's document is checked). Read as a subquery,
    # PostgreSQL found them twice: 2 s each at a million articles.
    now = timezone.now()
    span, archive = _first_span(query, articles, postgresql)
    while True:
        within = articles if span is None else articles.filter(published_at__gte=now - span)
        window = _newest(query, within, postgresql)[:RANK_WINDOW]
        if newest:
            # The matches as found, nothing to rank; ties in time by id, which the RUM scan leaves unordered.
            found = window.values_list("pk", "published_at")
            ids = [pk for pk, _at in sorted(found, key=lambda row: (row[1], row[0]), reverse=True)]
        else:
            ids = _ranked(query, window, postgresql)
        # A full span holds the newest RANK_WINDOW matches of the whole archive: every match outside it is older.
        if span is None or len(ids) == RANK_WINDOW:
            return Found(ids, articles)
        # Wide enough for twice RANK_WINDOW matches at the density this span had, or the whole archive.
        span = _unless_most_of(span * (2 * RANK_WINDOW / len(ids)), archive) if ids else None


# A word in one article of six ("du lich") is in 160,000 of a million: the newest thousand of them are in the last
# year or so, yet finding them meant reading every match's entry in the index (RUM) or every match's document
# (GIN) and sorting them all (100-160 ms a search at a million articles; 1 s with a section filter). When
# PostgreSQL's statistics say the reader's words are that common, the search looks first at the most recent news,
# a span expected to hold about twice RANK_WINDOW matches; a span that holds fewer is widened as far as the matches
# it held say is needed, or to the whole archive when that is most of it (docs/search.md).
COMMON = 8 * RANK_WINDOW  # fewer expected matches: the whole archive at once costs about as little
STATISTICS_KEPT = datetime.timedelta(minutes=10)


def _first_span(query, articles, postgresql):
    """(how far back from now to look first for the newest matches, how far back the archive goes), or (None,
    None): the whole archive at once."""
    if not postgresql:
        return None, None
    statistics = _statistics(connections[articles.db], articles.model._meta.db_table)
    share = min(statistics.shares.get(word, 0) for term in query.terms for word in term)
    if share * statistics.articles <= COMMON or statistics.oldest is None:
        return None, None
    expected = share * _planned_rows(articles)
    archive = timezone.now() - statistics.oldest
    if expected <= COMMON or archive <= datetime.timedelta(0):
        return None, None
    # The expected matches are an upper bound (every word as common as the rarest of them): the span is at most as
    # wide as it needs to be when the news is spread evenly over time.
    return _unless_most_of(archive * (2 * RANK_WINDOW / expected), archive), archive


def _unless_most_of(span, archive):
    """`span`, or None (the whole archive) when it would cover more than half of it."""
    return span if span * 2 < archive else None


def _planned_rows(articles):
    """How many rows PostgreSQL's planner expects `articles` to hold with its filters (a section, an author, dates):
    its estimate, nothing read."""
    sql, params = articles.order_by().values("pk").query.sql_with_params()
    with connections[articles.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]["Plan Rows"]


@dataclasses.dataclass(frozen=True)
class _Statistics:
    """What the spans are planned from, read once per connection every STATISTICS_KEPT."""

    read_at: datetime.datetime
    # {word: share of the documents having it}, for the commonest words (ANALYZE's most_common_elems)
    shares: dict
    articles: float  # rows in the table (pg_class.reltuples)
    oldest: datetime.datetime | None  # the oldest publication readers can see: how far back the archive goes


def _statistics(connection, table):
    """ANALYZE's statistics of the documents (the commonest words, up to ten times the statistics target, each
    with its share of the documents; an upper bound of a query's matches is the rarest word's share times the
    rows) and the archive's oldest publication, in one query. They change only when PostgreSQL analyzes the table
    again or the oldest news is withdrawn, and either only moves where the first span starts, not the results."""
    kept = getattr(connection, "search_statistics", None)
    if kept is None or kept.read_at < timezone.now() - STATISTICS_KEPT:
        quoted = connection.ops.quote_name(table)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples, "
                f"(SELECT min(published_at) FROM {quoted} WHERE status = 'published') "
                "FROM pg_class c LEFT JOIN pg_stats s ON s.tablename = c.relname AND s.attname = 'search_vector' "
                "AND s.schemaname = current_schema() WHERE c.oid = %s::regclass",
                [table],
            )
            words, shares, rows, oldest = cursor.fetchone()
        # The shares of the words, then three more numbers (the least and most common word's share, and the
        # share of empty documents) that zip() leaves out: not strict.
        shares = dict(zip(words or (), shares or (), strict=False))
        kept = _Statistics(timezone.now(), shares, max(rows or 0, 0), oldest)
        connection.search_statistics = kept
    return kept


def _ranked(query, window, postgresql):
    """The ids of the matches `window` (a sliced queryset), best first, in the one query that finds them.

    The ranks are computed over the window's rows as the scan returns them, in an outer query: written on the
    matching query itself, PostgreSQL would compute them for every match before keeping the newest (160,000
    documents for "du lich" at a million articles without the RUM index), and ranking the ids in a second query
    visited the thousand rows again (a third of the time of a common word's search at 10,000 articles).
    """
    ranks = {"title_hit": _hit(Q(*(Q(search_title__contains=_spaced(term)) for term in query.terms)))}
    if len(query.terms) > 1:
        ranks["phrase_hit"] = _hit(_having(query.as_phrase(), postgresql))
    if postgresql:
        ranks["rank"] = SearchRank(F("search_vector"), _tsquery(query))
    model = window.model
    ranked = (
        model._default_manager.using(window.db)
        .alias(**ranks)
        .order_by(*(f"-{name}" for name in ranks), "-published_at", "-pk")
        .values_list("pk", flat=True)
    )
    # The outer query's columns name the model's table: the window, a derived table, is given that name.
    document = "search_vector" if postgresql else "search_text"
    columns = (model._meta.pk.column, "published_at", "search_title", document)  # by name: "pk" is an alias
    inner, inner_params = window.values_list(*columns).query.sql_with_params()
    outer, outer_params = ranked.query.sql_with_params()
    table = connections[window.db].ops.quote_name(model._meta.db_table)
    head, from_table, tail = outer.partition(f" FROM {table}")
    assert from_table and f" FROM {table}" not in tail, outer  # one table, read once: the window
    with connections[window.db].cursor() as cursor:
        cursor.execute(f"{head} FROM ({inner}) {table}{tail}", (*inner_params, *outer_params))
        return [pk for (pk,) in cursor.fetchall()]


class Found:
    """Matches in the order the reader asked for, as a paginator reads them: counted from their ids, and a page
    (a slice) loads only its own articles, not a query over all the matches' ids for twenty of them."""

    def __init__(self, ids, articles):
        self.ids = ids
        self.articles = articles
        self.match_count = len(ids)  # what views.CappedPaginator reads

    def __len__(self):
        return len(self.ids)

    def __getitem__(self, page: slice):
        return FoundPage(self.ids[page], self.articles)

    def __iter__(self):
        return iter(self[:])  # every match, in one query

    def as_queryset(self):
        """The matches as a queryset of `articles`, for a caller that orders them its own way."""
        return self.articles.filter(pk__in=self.ids)


class FoundPage(collections.abc.Sequence):
    """Some of the matches (a page of them), their own articles loaded in one query when first read: a page whose
    marked cards are kept is printed without reading them (SearchView.page_cards)."""

    def __init__(self, ids, articles):
        self.ids = ids
        self.articles = articles

    @functools.cached_property
    def loaded(self):
        found = self.articles.in_bulk(self.ids) if self.ids else {}
        return [found[pk] for pk in self.ids if pk in found]  # one withdrawn meanwhile is left out

    def __getitem__(self, index):
        return self.loaded[index]

    def __len__(self):
        return len(self.loaded)


def _newest(query, articles, postgresql):
    """The matches of `query` among `articles`, newest first.

    With the RUM index, its scan orders the matches by distance from now inside the index and visits only the
    rows it returns: "du lich" at a million articles fetches a thousand rows instead of fetching and checking the
    documents of 160,000 (docs/search.md). The tsquery is written where the planner can read it, so that its
    statistics choose that scan for common words and the cheaper bitmap and sort for rare ones. Ties in time are
    not broken by id there: a second sort key would make PostgreSQL sort every match.
    """
    if postgresql and uses_rum(connections[articles.db]):
        distance = Func(
            F("published_at"),
            Value(timezone.now()),
            arg_joiner=" <=| ",
            template="(%(expressions)s)",
            output_field=FloatField(),
        )
        return (
            articles.filter(search_vector=_tsquery(query, planned=True)).alias(age=distance).order_by("age")
        )
    return articles.filter(_having(query, postgresql)).order_by("-published_at", "-pk")


def _having(query, postgresql):
    """Every term of `query` in the document: the GIN index on PostgreSQL, " word " in the text on SQLite."""
    if postgresql:
        return Q(search_vector=_tsquery(query))
    return Q(*(Q(search_text__contains=_spaced(term)) for term in query.terms))


def _hit(condition):
    return Case(When(condition, then=Value(1)), default=Value(0))


def _spaced(words):
    """Words as the text columns store them, a space on each side: " quang ninh " never matches "quang ninhx"."""
    return f" {' '.join(words)} "


def _tsquery(query, planned=False):
    """`('quang' <-> 'ninh') & ('vu')`: the words of a term side by side, the terms all required.

    The lexemes are folded word characters (no quote or operator can reach the query syntax); unaccent() folds
    them once more exactly as it folded the document, for the letters NFKD leaves alone (ø, æ, ł). `planned`:
    written inline, where the planner reads it (the RUM path), rather than in a subquery (_TsQuery).
    """
    text = " & ".join("(" + " <-> ".join(f"'{word}'" for word in term) + ")" for term in query.terms)
    return (SearchQuery if planned else _TsQuery)(_unaccent(text), search_type="raw", config="simple")


class _TsQuery(SearchQuery):
    """to_tsquery() in a scalar subquery: computed once per search, and matched through the GIN index.

    Written inline, the STABLE unaccent() would run for every row looked at. And a tsquery PostgreSQL can read
    when planning invites it to walk the newest articles instead for a word it knows to be common, reading and
    decompressing each one's document on the way: at 100,000 articles that was 2-4 times slower than the index
    for every word but the very commonest (docs/search.md).
    """

    template = "(SELECT %(function)s(%(expressions)s))"


def _unaccent(text):
    return Func(Value(text), function="unaccent", output_field=TextField())


# The RUM index (docs/search.md): created by the migrations where the extension can be, used where it was.

RUM_INDEX = "article_search_rum"


def uses_rum(connection):
    """Whether this database has the RUM index; looked up once per connection (see _look_for_rum)."""
    if not hasattr(connection, "search_rum"):
        _look_for_rum(connection)
    return connection.search_rum


@receiver(connection_created, dispatch_uid="search-look-for-rum")
def _look_for_rum(connection, **kwargs):
    """Looked up as each connection opens, not inside a request: a page's queries are the same with or without it.
    An index created later (`manage.py create_rum_index`) is used from the next connection on."""
    connection.search_rum = False
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [RUM_INDEX])
            connection.search_rum = cursor.fetchone() is not None


@receiver(post_migrate, dispatch_uid="search-migrated")
def _migrated(sender, using="default", **kwargs):
    """Migrations may have created or dropped the index on a connection already open (a test database)."""
    if sender.label == "articles":
        _look_for_rum(connections[using])


def create_rum_index(connection, table):
    """Create the RUM extension if it can be and the index if it is there; returns whether the index exists.

    The index keeps each published article's document with its publication time attached, so a scan returns the
    matches by distance in time. Without the extension (a plain PostgreSQL, a managed service where it was not
    enabled) nothing happens and search runs on the GIN index alone: the migrations must not fail for it.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT installed_version FROM pg_available_extensions WHERE name = 'rum'")
        available = cursor.fetchone()
        if available is None:
            return False
        if available[0] is None:
            try:
                # In a savepoint: a refusal must leave the migration around it going.
                with transaction.atomic(using=connection.alias):
                    cursor.execute("CREATE EXTENSION IF NOT EXISTS rum")
            except DatabaseError:  # not a superuser, and no one enabled it for this database
                return False
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {RUM_INDEX} ON {connection.ops.quote_name(table)} "
            "USING rum (search_vector rum_tsvector_addon_ops, published_at) "
            "WITH (attach = 'published_at', to = 'search_vector') WHERE status = 'published'"
        )
    connection.search_rum = True
    return True


def drop_rum_index(connection):
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {RUM_INDEX}")
    connection.search_rum = False


# Highlighting.


@functools.lru_cache(maxsize=4096)
def _fold_char(char):
    return fold(char)


_CARD_TITLE = re.compile(r'(<h[1-6] class="card-title"><a href="[^"]*">)(.*?)(</a>)', re.S)
_CARD_LEAD = re.compile(r'(<p class="card-lead">)(.*?)(</p>)', re.S)


def mark_card(card, article, query):
    """A result's card with the reader's words marked in its title and its whole lead.

    The card itself is the one every listing prints (a kept fragment: rendering twenty cards for each search cost
    more than the rest of the page); only its title and lead are put back, marked, here."""
    card = _CARD_TITLE.sub(lambda m: m[1] + highlight(article.title, query) + m[3], card, count=1)
    card = _CARD_LEAD.sub(lambda m: m[1] + highlight(article.lead, query) + m[3], card, count=1)
    return mark_safe(card)  # noqa: S308 - a rendered card, with pieces highlight() escaped


def highlight(text, query):
    """`text` escaped for HTML, each match of `query` in <mark>: "Đà <b>Nẵng" + "da nang" -> "<mark>Đà &lt;b&gt;Nẵng…".

    Matching happens on the folded text, which may be longer or shorter than the original ("ß" -> "ss", a
    combining accent -> nothing), so it is built character by character with a map back to the original. Every
    piece of the original is escaped on the way out: searching "amp" or "lt" can never split an entity.
    """
    if not text:
        return ""
    folds = {char: _fold_char(char) for char in set(text)}
    if all(len(piece) == 1 for piece in folds.values()):
        # Each character folds to one (any Vietnamese text in composed form): positions are the same in both.
        origin = range(len(text))
        folded = text.translate({ord(char): piece for char, piece in folds.items()})
    else:
        pieces = [folds[char] for char in text]
        origin = [index for index, piece in enumerate(pieces) for _char in piece]
        folded = "".join(pieces)
    tokens = list(_WORD.finditer(folded))
    found = [token.group() for token in tokens]
    spans = []
    for term in query.terms:
        for first, word in enumerate(found):
            if word == term[0] and tuple(found[first : first + len(term)]) == term:
                start, end = (
                    origin[tokens[first].start()],
                    origin[tokens[first + len(term) - 1].end() - 1] + 1,
                )
                # Trailing combining marks stay with their letter.
                while end < len(text) and not folds[text[end]]:
                    end += 1
                spans.append((start, end))
    marked, position = [], 0
    for start, end in _merged(spans, text):
        marked += [escape(text[position:start]), "<mark>", escape(text[start:end]), "</mark>"]
        position = end
    marked.append(escape(text[position:]))
    return mark_safe("".join(marked))  # noqa: S308 - every piece of the input went through escape()


def _merged(spans, text):
    """Overlapping spans, and spans only a space apart, as one: "<mark>Quảng Ninh</mark>", not two marks."""
    merged = []
    for start, end in sorted(spans):
        if merged and (start <= merged[-1][1] or text[merged[-1][1] : start].isspace()):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


# The stored document.


def document(title, lead, texts, vendor):
    """The stored search fields of an article: its title, its lead, and every other text printed with it."""
    title_words, lead_words = words(title), words(lead)
    other_words = [word for text in texts for word in words(text)]
    fields = {
        "search_title": _spaced(title_words),
        "search_text": _spaced(title_words + lead_words + other_words),
    }
    if vendor == "postgresql":
        parts = [" ".join(title_words), " ".join(lead_words), " ".join(other_words)]
        fields["search_vector"] = RawSQL(_VECTOR_SQL, parts, output_field=SearchVectorField())
    return fields


# Weighted by where the words stand. Raw SQL rather than SearchVector(): a bulk insert compiles it per row.
_VECTOR_SQL = " || ".join(
    f"setweight(to_tsvector('simple', unaccent(%s)), '{weight}')" for weight in ("A", "B", "C")
)


def other_texts(article):
    """Everything printed with the article but its title and lead: the body's text (not its markup), the
    correction note, captions and credits, pull-quotes, bylines and tags."""
    return texts_of(
        article,
        photos=article.photos.all(),
        quotes=article.pull_quotes.all(),
        bylines=[link.byline for link in article.byline_links.all()],
        tags=[item.tag for item in sorted(article.tagged_items.all(), key=lambda item: item.pk)],
    )


def texts_of(article, *, photos, quotes, bylines, tags):
    """other_texts() from parts a caller holds (a bulk import that has just made them): photos and quotes in
    their page order, bylines in order, tags in the order they were given."""
    texts = [html_to_text(article.body), article.correction_note]
    for photo in photos:
        texts += [photo.caption, photo.credit]
    for quote in quotes:
        texts += [quote.text, quote.attribution_title, quote.attribution_name]
    texts += [byline.name for byline in bylines]
    texts += [tag.name for tag in tags]
    return texts


def reindex(article):
    """Recompute one article's stored document from its row and its children (at the end of `deferred()`)."""
    _reindex(type(article), article._state.db or "default", article.pk)


def _reindex(model, db, pk):
    pending = _pending.get()
    if pending is not None:
        pending.setdefault((model, db), set()).add(pk)
    else:
        reindex_many(model._default_manager.using(db).filter(pk=pk))


_pending = contextvars.ContextVar("search_pending", default=None)


@contextlib.contextmanager
def deferred():
    """Reindex each article touched inside once, on the way out: for loads that save many children per article."""
    if _pending.get() is not None:  # already inside one: the outermost reindexes
        yield
        return
    pending = {}
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    for (model, db), pks in pending.items():
        reindex_many(model._default_manager.using(db).filter(pk__in=pks))


def reindex_many(articles, batch_size=500):
    """Recompute the stored document of every article in `articles`, a batch at a time; returns how many.

    Works on the migrations' historical models too: it reads only the fields and relations the document is made of.
    """
    model, db = articles.model, articles.db
    vendor = connections[db].vendor
    articles = (
        articles.order_by("pk")
        .only("pk", "title", "lead", "body", "correction_note")
        .prefetch_related("photos", "pull_quotes", "byline_links__byline", "tagged_items__tag")
    )
    done, last_pk = 0, None
    while True:
        batch = list((articles if last_pk is None else articles.filter(pk__gt=last_pk))[:batch_size])
        if batch:
            _store(model, db, vendor, batch)
            done, last_pk = done + len(batch), batch[-1].pk
        if len(batch) < batch_size:
            return done


def _store(model, db, vendor, batch):
    """Write the documents of a batch of articles in one statement per batch (PostgreSQL) or one prepared
    statement run per row (SQLite, in-process): bulk_update's CASE over every row for every column cost as much as
    computing the documents."""
    connection = connections[db]
    table, pk = (
        connection.ops.quote_name(model._meta.db_table),
        connection.ops.quote_name(model._meta.pk.column),
    )
    rows = []
    for article in batch:
        title_words, lead_words = words(article.title), words(article.lead)
        other_words = [word for text in other_texts(article) for word in words(text)]
        rows.append(
            (
                article.pk,
                _spaced(title_words),
                _spaced(title_words + lead_words + other_words),
                " ".join(title_words),
                " ".join(lead_words),
                " ".join(other_words),
            )
        )
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            values = ", ".join(["(%s::bigint, %s, %s, %s, %s, %s)"] * len(rows))
            vector = " || ".join(
                f"setweight(to_tsvector('simple', unaccent(v.{part})), '{weight}')"
                for part, weight in (("t", "A"), ("l", "B"), ("o", "C"))
            )
            cursor.execute(
                f"UPDATE {table} SET search_title = v.title, search_text = v.text, search_vector = {vector} "
                f"FROM (VALUES {values}) AS v(id, title, text, t, l, o) WHERE {table}.{pk} = v.id",
                [value for row in rows for value in row],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET search_title = %s, search_text = %s WHERE {pk} = %s",
                [(title, text, article_pk) for article_pk, title, text, *_words in rows],
            )


# Keeping the document current. The children are saved after the article (admin inlines, taggit), so each of
# their saves and deletes reindexes the article they belong to.

# The fields of each child that reach the document: a save that touches only others (a photo's renditions, a
# byline's position) changes nothing searchable.
CHILD_FIELDS = {
    "articles.Photo": ("article", {"article", "caption", "credit"}),
    "articles.PullQuote": ("article", {"article", "text", "attribution_name", "attribution_title"}),
    "articles.ArticleByline": ("article", {"article", "byline"}),
    "articles.TaggedArticle": ("content_object", {"content_object", "tag"}),
}


def _article_model():
    return apps.get_model("articles", "Article")


def _reindex_parent(sender, instance):
    link, _fields = CHILD_FIELDS[sender._meta.label]
    _reindex(_article_model(), instance._state.db or "default", getattr(instance, f"{link}_id"))


def _child_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    _link, fields = CHILD_FIELDS[sender._meta.label]
    if raw or (update_fields is not None and not fields & set(update_fields)):
        return  # fixtures carry their documents; this save changed nothing searchable
    _reindex_parent(sender, instance)


def _child_deleted(sender, instance, origin=None, **kwargs):
    if getattr(origin, "model", type(origin)) is _article_model():
        return  # the article itself is going: nothing left to index
    _reindex_parent(sender, instance)


for _label in CHILD_FIELDS:
    post_save.connect(_child_saved, sender=_label, dispatch_uid=f"search-saved-{_label}")
    post_delete.connect(_child_deleted, sender=_label, dispatch_uid=f"search-deleted-{_label}")


@receiver(pre_save, sender="articles.Byline", dispatch_uid="search-byline-name")
@receiver(pre_save, sender="articles.Tag", dispatch_uid="search-tag-name")
def _remember_name(sender, instance, raw=False, **kwargs):
    """Renaming a byline or a tag changes the documents of its articles; other edits (a bio, a photo) do not."""
    if raw or instance.pk is None:
        return
    instance._search_name_before = (
        sender._default_manager.filter(pk=instance.pk).values_list("name", flat=True).first()
    )


@receiver(post_save, sender="articles.Byline", dispatch_uid="search-byline-renamed")
def _byline_renamed(sender, instance, created, raw=False, **kwargs):
    if not raw and not created and getattr(instance, "_search_name_before", instance.name) != instance.name:
        reindex_many(_article_model()._default_manager.filter(byline_links__byline=instance))


@receiver(post_save, sender="articles.Tag", dispatch_uid="search-tag-renamed")
def _tag_renamed(sender, instance, created, raw=False, **kwargs):
    if not raw and not created and getattr(instance, "_search_name_before", instance.name) != instance.name:
        reindex_many(_article_model()._default_manager.filter(tagged_items__tag=instance))
