"""Most read (readership): counting past every cache with a beacon, without cookies, bots or repeats; folding the
hours into the database on the next request; the blocks and their order."""

import datetime
from unittest import mock

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from articles import workflow
from articles.models import Article
from pagecache.redis_cache import RedisCache
from readership import counting
from readership.models import ArticleReadCount, Ranking

from .factories import make_article, make_section
from .redis_servers import free_port

pytestmark = pytest.mark.django_db

BROWSER = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1"
)


def hit(client, article, address="203.0.113.7", user_agent=BROWSER):
    return client.post(f"/_hit/{article.pk}/", REMOTE_ADDR=address, HTTP_USER_AGENT=user_agent)


def reads(article):
    return counting.hour_counts(counting.hour_now()).get(article.pk, 0)


@pytest.fixture
def three():
    section = make_section(slug="thoi-su")
    return [make_article(section=section, title=f"Tin {name}") for name in ("A", "B", "C")]


def test_a_page_served_from_the_cache_is_still_counted_by_its_beacon(client, three, page_cache):
    article = three[0]
    client.get(article.get_absolute_url())
    page = client.get(article.get_absolute_url())
    assert page["X-Page-Cache"] == "hit"
    assert f'data-hit="/_hit/{article.pk}/"' in page.content.decode()  # the page asks for the count itself
    assert reads(article) == 0  # serving the page counted nothing
    response = hit(client, article)
    assert response.status_code == 204 and reads(article) == 1
    assert "no-cache" in response["Cache-Control"] and "X-Page-Cache" not in response


def test_the_beacon_sets_no_cookie_and_takes_only_a_post(client, three):
    response = hit(client, three[0])
    assert "Set-Cookie" not in response and not response.cookies
    assert client.get(f"/_hit/{three[0].pk}/").status_code == 405
    assert client.post("/_hit/abc/").status_code == 404
    assert hit(client, type(three[0])(pk=2**64)).status_code == 204  # no such article can exist: not counted
    assert counting.hour_counts(counting.hour_now()) == {three[0].pk: 1}


def test_bots_and_repeats_are_not_counted(client, three):
    article = three[0]
    for robot in (
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "curl/8.5.0",
        "",
    ):
        hit(client, article, user_agent=robot)
    assert reads(article) == 0
    hit(client, article)
    hit(client, article)  # the same reader, reloading
    assert reads(article) == 1
    hit(client, article, address="198.51.100.4")  # another reader
    hit(client, three[1])  # the first reader, another article
    assert reads(article) == 2 and reads(three[1]) == 1
    # Nothing about the reader is kept: only a salted hash, for half an hour.
    assert not any("203.0.113.7" in key for key in cache._cache)  # the local-memory cache's keys
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=counting.REPEAT_SECONDS + 1)):
        hit(client, article)
        earlier = counting.hour_counts(counting.hour_now() - 1).get(article.pk, 0)  # the hour may have turned
        assert reads(article) + earlier == 3


def test_ended_hours_are_folded_into_the_database_by_the_next_request(client, three):
    start = timezone.now().replace(minute=10, second=0, microsecond=0)
    with time_machine.travel(start, tick=False):
        counting.fold_if_due()  # the site's first fold: nothing to take yet
        hit(client, three[0])
        hit(client, three[0], address="198.51.100.4")
        hit(client, three[1])
        assert not ArticleReadCount.objects.exists()
    with time_machine.travel(start + datetime.timedelta(hours=1), tick=False):
        cache.add("read:folding", 1, 60)  # another process is folding
        hit(client, three[2])
        assert not ArticleReadCount.objects.exists()
        cache.delete("read:folding")
        hit(client, three[2], address="198.51.100.4")
        folded = dict(ArticleReadCount.objects.values_list("article_id", "count"))
        assert folded == {three[0].pk: 2, three[1].pk: 1}
        counting.fold(counting.hour_now() - 1)  # again: the same numbers, no second row
        assert ArticleReadCount.objects.count() == 2


def test_the_block_lists_the_most_read_first_for_the_day_and_the_week(
    client, editor, three, django_assert_num_queries
):
    a, b, c = three
    other = make_article(section=make_section(slug="kinh-te"), title="Tin D")
    an_hour_ago = counting.hour_start(counting.hour_now() - 1)
    three_days_ago = counting.hour_start(counting.hour_now() - 72)
    ArticleReadCount.objects.bulk_create(
        [
            ArticleReadCount(article=a, hour=an_hour_ago, count=30),
            ArticleReadCount(article=b, hour=an_hour_ago, count=50),
            ArticleReadCount(article=c, hour=three_days_ago, count=500),
            ArticleReadCount(article=other, hour=an_hour_ago, count=40),
        ]
    )
    for number in range(
        25
    ):  # this hour, from the cache; the first hit folds the hours that ended and ranks them
        hit(client, a, address=f"198.51.100.{number}")
    ranked = Ranking.objects.filter(hour=counting.hour_start(counting.hour_now()))
    assert sorted(ranked.values_list("section__slug", flat=True), key=str) == [None, "kinh-te", "thoi-su"]
    assert counting.most_read(24) == [a, b, other]
    assert counting.most_read(24 * 7) == [c, a, b, other]
    # A block prints titles and addresses: the rest of each row (bodies, leads, sections) stays in the database.
    loaded = {"id", *counting.PRINTED}
    assert all(
        {field.attname for field in Article._meta.concrete_fields} - article.get_deferred_fields() == loaded
        for article in counting.most_read(24 * 7)
    )
    assert counting.most_read(24, a.section) == [a, b]
    # Both lists of a block: the hour's ranking of both periods, then their articles, in one query each.
    # The hours the database does not hold yet are read from the cache once for both periods, not once for each.
    # Whether the hours are folded and ranked is read once, in the same round trip.
    with (
        django_assert_num_queries(2),
        mock.patch.object(counting, "hour_counts", wraps=counting.hour_counts) as reading,
        mock.patch.object(counting, "cache", mock.Mock(wraps=cache)) as cached,
    ):
        assert counting.read_lists([24, 24 * 7]) == [[a, b, other], [c, a, b, other]]
    assert [call.args for call in reading.call_args_list] == [(counting.hour_now(),)]
    state_reads = [call for call in cached.mock_calls if "read:folded" in str(call.args)]
    assert [call.args for call in state_reads] == [(["read:folded", "read:ranked"],)]
    # An hour not ranked yet (another process is folding it): the block sums the counts itself, to the same lists.
    cache.delete("read:ranked")
    with django_assert_num_queries(3):
        assert counting.read_lists([24, 24 * 7]) == [[a, b, other], [c, a, b, other]]
    assert counting.read_lists([24], a.section) == [[a, b]]
    day = most_read_on(client, "/")
    assert day.index("Tin A") < day.index("Tin B") < day.index("Tin D")
    assert "Tin D" not in most_read_on(client, "/thoi-su/")
    assert "Tin D" not in most_read_on(client, b.get_absolute_url())  # an article page: its section's
    # Withdrawn: off the list at once.
    workflow.perform(a, "unpublish", editor, comment="Sai.")
    assert counting.most_read(24) == [b, other]


def most_read_on(client, url):
    page = client.get(url).content.decode()
    return page[page.index('class="most-read"') :].split("</section>")[0]


def test_the_block_is_kept_a_few_minutes(client, three, fragments):
    for number in range(3):
        hit(client, three[0], address=f"198.51.100.{number}")
    assert "Tin A" in most_read_on(client, "/")
    for number in range(9):
        hit(client, three[1], address=f"198.51.100.{number}")
    assert "Tin B" not in most_read_on(client, "/")
    later = timezone.now() + datetime.timedelta(seconds=counting.BLOCK_SECONDS + 1)
    with time_machine.travel(later):
        block = most_read_on(client, "/")
        assert block.index("Tin B") < block.index("Tin A")


def test_without_the_cache_counting_costs_nothing(client, three, monkeypatch):
    gone = RedisCache(
        f"redis://127.0.0.1:{free_port()}/0",
        {"OPTIONS": {"socket_timeout": 0.1, "socket_connect_timeout": 0.1}},
    )
    monkeypatch.setattr(counting, "cache", gone)
    ArticleReadCount.objects.create(article=three[0], hour=counting.hour_start(counting.hour_now()), count=3)
    assert hit(client, three[0]).status_code == 204
    assert "Tin A" in most_read_on(client, "/")


def test_each_hour_is_ranked_once_by_its_fold_for_the_site_and_each_section(client, three, monkeypatch):
    monkeypatch.setattr(counting, "RANKED", 2)  # a ranking keeps the 2 most read of each section
    economy = make_section(slug="kinh-te")
    d, e = (make_article(section=economy, title=f"Tin {name}") for name in ("D", "E"))
    hour = counting.hour_now()
    reads = {three[0]: 5, three[1]: 9, three[2]: 1, d: 7, e: 8}
    ArticleReadCount.objects.bulk_create(
        ArticleReadCount(article=article, hour=counting.hour_start(hour - 2), count=count)
        for article, count in reads.items()
    )
    ArticleReadCount.objects.create(article=three[2], hour=counting.hour_start(hour - 30), count=100)
    counting.fold_if_due(hour)
    (site,) = Ranking.objects.filter(hour=counting.hour_start(hour), section=None).values_list(
        "lists", flat=True
    )
    # The site's two most read are the best of the sections' two most read; the week keeps the older reads.
    assert site == {"24": [[three[1].pk, 9], [e.pk, 8]], "168": [[three[2].pk, 101], [three[1].pk, 9]]}
    (news,) = Ranking.objects.filter(section=three[0].section).values_list("lists", flat=True)
    assert news == {"24": [[three[1].pk, 9], [three[0].pk, 5]], "168": [[three[2].pk, 101], [three[1].pk, 9]]}
    assert counting.most_read(24) == [three[1], e]
    assert counting.most_read(24, economy) == [e, d]
    # The next hour's fold ranks again, from the counts as they stand then, and drops the ended hour's rankings.
    ArticleReadCount.objects.create(article=d, hour=counting.hour_start(hour), count=50)
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1)):
        counting.fold_if_due()
        assert set(Ranking.objects.values_list("hour", flat=True)) == {counting.hour_start(hour + 1)}
        assert counting.most_read(24) == [d, three[1]]
        assert counting.most_read(24, economy) == [d, e]


def test_a_site_nobody_read_this_week_ranks_nothing_and_writes_nothing(three):
    ArticleReadCount.objects.create(
        article=three[0], hour=counting.hour_start(counting.hour_now() - 24 * 7), count=9
    )
    counting.fold_if_due()
    assert not Ranking.objects.exists() and cache.get("read:ranked") is None
    assert counting.most_read(24 * 7) == []
