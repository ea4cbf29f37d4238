"""Search on a large archive: PostgreSQL's plans for a word found in every article (docs/search.md).

A few thousand generated articles all have "du lịch"; the newest RANK_WINDOW of them are the candidates. With the
RUM index the scan must stop there, read from the index in time order; without it (a plain PostgreSQL) search
keeps the GIN index and sorts every match, as it always did. Both paths are asserted on every PostgreSQL: a
database with the RUM index checks the GIN path too, by turning the index off for the connection.
"""

import json

import pytest
from django.db import connection
from django.utils import timezone

from articles import search
from articles.models import Article

from .factories import make_section

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

ARCHIVE = 4000
RARE_EVERY = 200  # a place name in ARCHIVE / RARE_EVERY articles


@pytest.fixture
def archive():
    """ARCHIVE published articles a minute apart, written in one statement, with PostgreSQL's statistics of them."""
    section = make_section()
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO articles_article (
                title, slug, lead, body, status, published_at, published_on, correction_note, created_at,
                modified_at, version, section_id, search_title, search_text, search_vector, seo_description,
                seo_title)
            SELECT 'Du lịch ' || n, 'du-lich-' || n, '', '', 'published', %(now)s - n * interval '1 minute',
                (%(now)s - n * interval '1 minute')::date, '', %(now)s, %(now)s, 1, %(section)s,
                ' du lich ' || n || ' ', ' du lich ' || n || ' ' || words || ' ',
                setweight(to_tsvector('simple', 'du lich ' || n), 'A') || to_tsvector('simple', words), '', ''
            FROM generate_series(1, %(archive)s) AS n,
                LATERAL (SELECT CASE WHEN n %% %(rare)s = 0 THEN 'tuan chau' ELSE 'bien dao' END AS words) AS w
            """,
            {"now": now, "section": section.pk, "archive": ARCHIVE, "rare": RARE_EVERY},
        )
        # ANALYZE counts this transaction's own rows: the planner knows how common the words are.
        cursor.execute("ANALYZE articles_article")
    return Article.objects.published()


def plan(queryset):
    """PostgreSQL's executed plan of `queryset`, as JSON."""
    return explained(*queryset.query.sql_with_params())


def explained(sql, params, options="ANALYZE"):
    """PostgreSQL's plan of a statement, as JSON."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ({options}, FORMAT JSON) {sql}", params)
        value = cursor.fetchone()[0]
    return (json.loads(value) if isinstance(value, str) else value)[0]["Plan"]


def nodes(node):
    yield node
    for child in node.get("Plans", []):
        yield from nodes(child)


def newest_ids(query, articles):
    return search._newest(search.parse(query), articles, postgresql=True).values_list("pk", flat=True)[
        : search.RANK_WINDOW
    ]


def rum_installed():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [search.RUM_INDEX])
        return cursor.fetchone() is not None


def test_the_rum_index_is_used_exactly_where_it_exists():
    assert search.uses_rum(connection) == rum_installed()


def test_a_common_word_reads_only_the_newest_matches_where_rum_is(archive):
    top = plan(newest_ids("du lich", archive))
    if rum_installed():
        assert top["Node Type"] == "Limit"
        scan = top["Plans"][0]
        assert (scan["Node Type"], scan["Index Name"]) == ("Index Scan", search.RUM_INDEX)
        assert scan["Actual Rows"] == search.RANK_WINDOW  # not ARCHIVE: the scan stopped at the window
        assert not any(node["Node Type"] in ("Sort", "Bitmap Heap Scan") for node in nodes(top))
    else:
        assert_gin_path(top)


def newest_having(archive, words):
    return list(
        archive.filter(search_text__contains=f" {words} ")
        .order_by("-published_at")
        .values_list("pk", flat=True)
    )


def test_the_newest_matches_come_newest_first(archive):
    assert list(newest_ids("du lich", archive)) == newest_having(archive, "du lich")[: search.RANK_WINDOW]
    rare = newest_having(archive, "tuan chau")
    assert len(rare) == ARCHIVE // RARE_EVERY
    assert list(newest_ids("tuan chau", archive)) == rare


def test_a_rare_word_is_found_through_the_index_not_by_walking_the_archive(archive):
    top = plan(newest_ids("tuan chau", archive))
    scanned = [
        node for node in nodes(top) if node["Node Type"] in ("Seq Scan", "Index Scan", "Bitmap Heap Scan")
    ]
    assert scanned and all(node["Actual Rows"] <= ARCHIVE // RARE_EVERY for node in scanned)
    assert not any(node["Node Type"] == "Seq Scan" for node in scanned)


def test_without_rum_search_keeps_the_gin_index(archive):
    """A PostgreSQL without the extension searches as before: the GIN index, then a sort of the matches."""
    had_rum = search.uses_rum(connection)
    connection.search_rum = False
    try:
        assert_gin_path(plan(newest_ids("du lich", archive)))
        assert list(newest_ids("du lich", archive)) == newest_having(archive, "du lich")[: search.RANK_WINDOW]
    finally:
        connection.search_rum = had_rum


def assert_gin_path(top):
    """A bitmap of every match, each one checked on the table, then sorted: what search costs without RUM. The
    planner may take the bitmap from the RUM index where there is one; it cannot read that one in order here."""
    indexes = {"article_search_vector", search.RUM_INDEX} if rum_installed() else {"article_search_vector"}
    bitmaps = [node for node in nodes(top) if node["Node Type"] == "Bitmap Index Scan"]
    assert bitmaps and {node["Index Name"] for node in bitmaps} <= indexes, [
        node["Node Type"] for node in nodes(top)
    ]
    heap = next(node for node in nodes(top) if node["Node Type"] == "Bitmap Heap Scan")
    assert heap["Actual Rows"] == ARCHIVE
    assert any(node["Node Type"] == "Sort" for node in nodes(top))


def ranked_plan(query, articles):
    """The executed plan of the one query that finds and ranks `query`'s matches (search._ranked), with each node's
    output columns."""
    statements = []

    def keep(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        found = search.results(search.parse(query), articles)
    [(sql, params)] = [(sql, params) for sql, params in statements if "ts_rank" in sql]
    return found, explained(sql, params, "ANALYZE, VERBOSE")


@pytest.mark.parametrize("with_rum", [True, False], ids=["rum-if-installed", "gin"])
def test_a_common_word_is_ranked_over_the_newest_matches_only_in_one_query(archive, with_rum, rum_flag):
    """ts_rank reads each document it ranks: it runs over the window the scan returns, not over every match (the
    bitmap path would compute it for all of them before the sort), and the rows are read once, not again by id."""
    connection.search_rum = connection.search_rum and with_rum
    found, top = ranked_plan("du lich", archive)
    assert found.match_count == search.RANK_WINDOW
    assert found.ids == list(
        archive.filter(pk__in=found.ids)
        .alias(
            title_hit=search._hit(search.Q(search_title__contains=" du lich ")),
            rank=search.SearchRank(search.F("search_vector"), search._tsquery(search.parse("du lich"))),
        )
        .order_by("-title_hit", "-rank", "-published_at", "-pk")
        .values_list("pk", flat=True)
    )
    assert top["Node Type"] == "Sort" and "ts_rank" in " ".join(top["Sort Key"])
    [window] = [node for node in top["Plans"] if node["Parent Relationship"] == "Outer"]  # not the tsqueries
    assert (window["Node Type"], window["Actual Rows"]) == ("Subquery Scan", search.RANK_WINDOW)
    below = list(nodes(window["Plans"][0]))
    assert below[0]["Node Type"] == "Limit"
    assert not any("ts_rank" in " ".join(node.get("Output", [])) for node in below)
    assert sum(node["Node Type"] in ("Index Scan", "Bitmap Heap Scan", "Seq Scan") for node in below) == 1


def rewritten(old, new):
    """A connection wrapper that rewrites part of every statement: a database as it would answer elsewhere."""

    def wrapper(execute, sql, params, many, context):
        return execute(sql.replace(old, new), params, many, context)

    return connection.execute_wrapper(wrapper)


@pytest.fixture
def rum_flag():
    """These tests drop the index inside their transaction: the connection's flag comes back with the rollback."""
    had = search.uses_rum(connection)
    yield
    connection.search_rum = had


@pytest.mark.usefixtures("rum_flag")
def test_without_the_extension_the_migration_creates_nothing_and_search_works(archive):
    search.drop_rum_index(connection)
    with rewritten("WHERE name = 'rum'", "WHERE name = 'not-on-this-server'"):
        assert not search.create_rum_index(connection, Article._meta.db_table)
    assert not rum_installed() and not search.uses_rum(connection)
    assert list(newest_ids("tuan chau", archive)) == newest_having(archive, "tuan chau")


@pytest.mark.usefixtures("rum_flag")
def test_a_user_who_may_not_create_the_extension_gets_no_index_and_no_error(archive):
    search.drop_rum_index(connection)
    # An extension the server offers but this database has not got, and a CREATE EXTENSION PostgreSQL refuses.
    offered = "SELECT NULL FROM pg_available_extensions WHERE name = 'plpgsql'"
    with (
        rewritten("SELECT installed_version FROM pg_available_extensions WHERE name = 'rum'", offered),
        rewritten("CREATE EXTENSION IF NOT EXISTS rum", "CREATE EXTENSION not_on_this_server"),
    ):
        assert not search.create_rum_index(connection, Article._meta.db_table)
    assert not rum_installed()  # and the transaction goes on: the refusal was kept in a savepoint
    assert list(newest_ids("tuan chau", archive)) == newest_having(archive, "tuan chau")


@pytest.fixture
def small_window(monkeypatch):
    """RANK_WINDOW 100, so that the 4,000 articles of `archive` are a deep archive for it; the words' statistics
    read afresh (ANALYZE ran in the test's transaction)."""
    monkeypatch.setattr(search, "RANK_WINDOW", 100)
    monkeypatch.setattr(search, "COMMON", 8 * 100)
    if hasattr(connection, "search_statistics"):
        monkeypatch.delattr(connection, "search_statistics")


def searches(query, articles, **options):
    """What search.results() returns, and the statements that looked for matches (not the statistics' reads)."""
    statements = []

    def keep(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        found = search.results(search.parse(query), articles, **options)
    return found, [
        (sql, params) for sql, params in statements if '"search_vector" @@' in sql and "EXPLAIN" not in sql
    ]


def whole_archive(query, articles, **options):
    """The results of a search of the whole archive at once, as when no word is common."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "COMMON", float("inf"))
        return search.results(search.parse(query), articles, **options).ids


@pytest.mark.usefixtures("small_window")
@pytest.mark.parametrize("newest", [False, True], ids=["by-relevance", "newest-first"])
def test_a_common_word_is_looked_for_in_the_recent_news_first(archive, newest):
    """ "du lich" is in every article: the statistics say so, and the newest RANK_WINDOW matches are looked for in
    a span of recent news expected to hold twice as many, not among all 4,000."""
    statistics = search._statistics(connection, Article._meta.db_table)
    assert statistics.shares["du"] * statistics.articles == pytest.approx(ARCHIVE, rel=0.05)
    assert statistics.oldest == archive.order_by("published_at").first().published_at
    found, statements = searches("du lich", archive, newest=newest)
    assert found.ids == whole_archive("du lich", archive, newest=newest)
    assert len(found.ids) == found.match_count == 100
    [(sql, params)] = statements
    assert '"published_at" >= ' in sql
    top = explained(sql, params)
    scans = [
        node
        for node in nodes(top)
        if node["Node Type"].endswith("Scan")
        and "Index Name" in node
        or node["Node Type"] == "Bitmap Heap Scan"
    ]
    assert scans and all(node["Actual Rows"] <= 2 * 100 * 1.1 for node in scans)  # about 200 of 4,000


@pytest.mark.usefixtures("small_window")
def test_a_span_holding_too_few_matches_is_widened_by_what_it_held(archive):
    """The statistics were read before the newest 150 articles lost the words: the first span (about 200
    articles) holds 50 matches, the next one is four times wider, the results are those of the whole archive."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE articles_article SET search_vector = to_tsvector('simple', 'bien dao'), "
            "search_text = ' bien dao ' WHERE id IN (SELECT id FROM articles_article ORDER BY published_at DESC "
            "LIMIT 150)"
        )
    found, statements = searches("du lich", archive)
    assert found.ids == whole_archive("du lich", archive)
    assert len(found.ids) == 100
    assert len(statements) == 2 and all('"published_at" >= ' in sql for sql, _params in statements)


@pytest.mark.usefixtures("small_window")
def test_rare_words_and_few_articles_search_the_whole_archive_at_once(archive):
    for query, articles in [
        ("tuan chau", archive),
        ("du lich", archive.filter(pk__in=archive.values("pk")[:500])),
    ]:
        found, statements = searches(query, articles)
        assert found.ids == whole_archive(query, articles)
        [(sql, _params)] = statements
        assert '"published_at" >= ' not in sql, query
