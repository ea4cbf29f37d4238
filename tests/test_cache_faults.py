"""The cache failing: Redis gone, hung, back after missing edits, back from an older snapshot. Readers still get
pages from the database, staff still publish, and nothing stale is ever served once Redis is back."""

import datetime
import os
import signal
import time

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

import pagecache.conf
from articles import workflow
from articles.models import ArticleTransition, Revision, Status
from pagecache.models import Invalidation
from pagecache.store import Unavailable

from .factories import make_article, make_section
from .redis_servers import HungServer, free_port

pytestmark = pytest.mark.django_db


def use_store(settings, url, **options):
    settings.PAGECACHE = {
        **settings.PAGECACHE,
        "ENABLED": True,
        "FRAGMENTS": True,
        "STORE": url,
        "TIMEOUT": 0.1,
        "BREAKER_FAILURES": 3,
        "BREAKER_SECONDS": 30,
        **options,
    }
    return pagecache.conf.store()


@pytest.fixture
def hung():
    server = HungServer()
    yield server
    server.close()


@pytest.fixture
def site(committed):
    with committed():
        section = make_section(name="Thời sự", slug="thoi-su")
        article = make_article(section=section, title="Bản đầu tiên")
    return article


def pages_answer_from_the_database(client, article):
    for url in ("/", "/thoi-su/", article.get_absolute_url(), "/search/?q=ban+dau", "/feeds/latest/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert article.get_absolute_url() in response.content.decode(), url


def test_with_redis_gone_pages_answer_from_the_database_and_the_store_is_skipped(client, settings, site):
    store = use_store(settings, f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    pages_answer_from_the_database(client, site)
    assert store.breaker.is_open
    attempts = []
    original = store.pool.get_connection
    store.pool.get_connection = lambda *args, **kwargs: attempts.append(1) or original(*args, **kwargs)
    pages_answer_from_the_database(client, site)
    assert attempts == []  # while the breaker is open a dead store costs no connection attempt at all


def test_with_redis_hung_pages_answer_and_it_is_skipped_after_a_few_timeouts(client, settings, site, hung):
    store = use_store(settings, hung.url)
    pages_answer_from_the_database(client, site)
    assert store.breaker.is_open
    tried = hung.accepted
    pages_answer_from_the_database(client, site)
    assert hung.accepted == tried  # skipped: nobody waits on it again until the pause is over


def test_staff_publish_while_redis_is_gone_and_nothing_of_the_step_is_lost(
    client, settings, committed, editor
):
    use_store(settings, f"redis://127.0.0.1:{free_port()}/0")
    article = make_article(title="Đăng khi Redis hỏng", status=Status.IN_REVIEW)
    editor.email = "bientap@example.com"
    editor.save()
    with committed():
        workflow.perform(article, "publish", editor)
    assert ArticleTransition.objects.filter(article=article, name="publish").exists()
    assert Revision.objects.filter(article=article).exists()
    row = Invalidation.objects.latest("pk")
    assert (
        row.cached_at is None and f"a{article.pk}" in row.key_list
    )  # kept, to be applied when Redis is back
    assert client.get(article.get_absolute_url()).status_code == 200


def test_edits_missed_while_redis_hung_are_applied_before_it_serves_again(
    client, settings, committed, redis, site
):
    # Long enough for the three failing requests' pages to render after the breaker opens, on a busy machine.
    store = use_store(settings, redis.url, BREAKER_SECONDS=2)
    url = site.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    os.kill(redis.process.pid, signal.SIGSTOP)  # hung: it keeps its data, it answers nothing
    try:
        for _attempt in range(3):
            client.get("/thoi-su/")
        assert store.breaker.is_open
        with committed():
            site.title = "Bản sửa khi Redis treo"
            site.save()
        assert Invalidation.objects.latest("pk").cached_at is None
    finally:
        os.kill(redis.process.pid, signal.SIGCONT)
    time.sleep(2.05)  # the breaker's pause ends: the next call tries the store again
    pagecache.conf.near_pages().clear()  # another process, which kept nothing of its own
    response = client.get(url)
    assert "Bản sửa khi Redis treo" in response.content.decode()
    assert Invalidation.objects.latest("pk").cached_at is not None


def test_redis_back_from_an_older_snapshot_serves_nothing_stale(client, settings, committed, redis, site):
    store = use_store(settings, redis.url, BREAKER_SECONDS=0.3)
    url = site.get_absolute_url()
    assert "Bản đầu tiên" in client.get(url).content.decode()
    redis.snapshot()  # the snapshot holds this page and the versions it was kept under
    with committed():
        site.title = "Bản thứ hai"
        site.save()
    assert "Bản thứ hai" in client.get(url).content.decode()
    redis.stop()
    with committed():  # an edit while Redis is away
        site.lead = "Mở đầu viết lại khi Redis vắng mặt."
        site.save()
    redis.start()  # back from the snapshot: the first page and the old versions are in it again
    pagecache.conf.near_pages().clear()
    pagecache.conf.near_fragments().clear()
    time.sleep(0.35)
    for _attempt in range(2):  # the first may meet the connection the restart broke
        html = client.get(url).content.decode()
        assert "Bản thứ hai" in html and "Mở đầu viết lại khi Redis vắng mặt." in html
    assert store.run_id and redis.command("GET", "newsroom:pc:run").find(store.run_id.encode()) != -1
    assert client.get(url)["X-Page-Cache"] == "hit"  # and caching again


def test_a_process_that_missed_an_outage_learns_from_the_journal(
    client, settings, committed, redis, site, monkeypatch
):
    store = use_store(settings, redis.url, SYNC_CHECK_SECONDS=1)
    url = site.get_absolute_url()
    client.get(url)
    original = store.bump

    def failing(keys):
        raise Unavailable("this process could not reach it")

    monkeypatch.setattr(store, "bump", failing)
    with committed():
        site.title = "Bản sửa mà Redis chưa biết"
        site.save()
    monkeypatch.setattr(store, "bump", original)
    assert Invalidation.objects.latest("pk").cached_at is None
    pagecache.conf.near_pages().clear()  # another process, idle during all that: Redis still has the old page
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=3)):
        time.sleep(1.05)  # its next look in the journal is due
        assert "Bản sửa mà Redis chưa biết" in client.get(url).content.decode()


def test_workflow_mail_goes_out_while_redis_is_gone(settings, committed, editor, reporter):
    use_store(settings, f"redis://127.0.0.1:{free_port()}/0")
    reporter.email = "phongvien@example.com"
    reporter.save()
    article = make_article(status=Status.IN_REVIEW, created_by=reporter)
    with committed():
        workflow.perform(article, "send_back", editor, comment="Thiếu nguồn tin.")
    assert [message.to for message in mail.outbox] == [["phongvien@example.com"]]
