"""A large newsroom: bulk seeding, and index use on every public page at scale."""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, ArticleByline, Photo, Status, TaggedArticle

from .factories import make_article


@pytest.mark.django_db
def test_seed_bulk_fills_a_realistic_newsroom(client):
    call_command("seed_bulk", articles=400, batch=150, quiet=True, stdout=StringIO())
    assert Article.objects.count() == 400
    published = Article.objects.published()
    assert 350 <= published.count() <= 400
    dates = Article.objects.order_by("published_at").values_list("published_at", flat=True)
    assert dates.last() - dates.first() > datetime.timedelta(days=7 * 365)  # spread over ten years
    assert ArticleByline.objects.count() >= 400 and TaggedArticle.objects.count() == 800
    assert 120 <= Photo.objects.count() <= 280
    assert Article.objects.filter(published_on__isnull=True).count() == 0
    article = published.filter(photos__isnull=False).first()
    assert article.published_on == timezone.localdate(article.published_at)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200 and article.title in response.content.decode()
    assert 'srcset="' in response.content.decode()  # the shared image pool has its renditions
    # the search document written in bulk is exactly what articles.search computes for the article
    from articles import search

    for sample in published.filter(pull_quotes__isnull=False, photos__isnull=False)[:3]:
        seeded = Article.objects.filter(pk=sample.pk).values("search_title", "search_text").get()
        seeded_vector = _vector_text(sample.pk)
        search.reindex(sample)
        assert Article.objects.filter(pk=sample.pk).values("search_title", "search_text").get() == seeded
        assert _vector_text(sample.pk) == seeded_vector
    word = search.words(article.title)[-1]
    assert client.get("/search/", {"q": word}).status_code == 200
    assert (
        article.title in client.get("/search/", {"q": " ".join(search.words(article.title))}).content.decode()
    )
    # ids were written explicitly: the next ordinary insert must still get a fresh one
    assert make_article().pk > max(
        Article.objects.exclude(title__startswith="Bài viết số").values_list("pk", flat=True)
    )


def _vector_text(pk):
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_vector::text FROM articles_article WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _plans(queries):
    plans = []
    for query in queries:
        sql = query["sql"]
        if not sql.startswith("SELECT") or "articles_article" not in sql:
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN ANALYZE " + sql)
            plans.append((sql, "\n".join(row[0] for row in cursor.fetchall())))
    return plans


def _rows_filtered_out(plan):
    return max((int(n) for n in re.findall(r"Rows Removed by Filter: (\d+)", plan)), default=0)


@pytest.mark.postgres
@pytest.mark.django_db
def test_no_public_page_scans_the_whole_article_table(client):
    call_command("seed_bulk", articles=20_000, quiet=True, stdout=StringIO())
    make_article(title="Bài đã đính chính", corrected_at=timezone.now())
    article = Article.objects.published().filter(photos__isnull=False).order_by("-published_at")[300]
    day = article.published_on
    author = article.byline_links.first().byline
    tag = article.tags.first()
    urls = [
        "/",
        "/thoi-su/",
        "/thoi-su/?page=30",
        article.get_absolute_url(),
        f"/{day:%Y}/",
        f"/{day:%Y/%m}/",
        f"/{day:%Y/%m/%d}/",
        f"/{day:%Y/%m/%d}/?section=thoi-su",
        author.get_absolute_url(),
        tag.get_absolute_url(),
    ]
    assert Article.objects.filter(status=Status.PUBLISHED).count() > 15_000
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        for sql, plan in _plans(queries.captured_queries):
            assert "Seq Scan on articles_article " not in plan, f"{url}\n{sql}\n{plan}"
            # An index walked far past what the page needs is a scan too, only slower to spot: an article's
            # "newer in other sections" once read every older article first.
            assert _rows_filtered_out(plan) < 1_000, f"{url}\n{sql}\n{plan}"
