"""Purging the edge by key: after the commit only, never on rollback; a dead or refusing edge never fails a publish;
what did not land is retried, listed and sent again by `manage.py purges`."""

import datetime
import http.server
import io
import threading

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from articles import workflow
from articles.models import Status
from pagecache import edge, journal
from pagecache.models import Invalidation

from .factories import make_article
from .redis_servers import free_port

pytestmark = pytest.mark.django_db


class FakeEdge:
    """An HTTP server answering PURGE like the repo's VCL, recording the keys; `status` decides its answer."""

    def __init__(self):
        self.purged = []
        self.modes = []  # "soft" (served while refetched) or "hard" (dropped at once), per purge that landed
        self.requests = []
        self.status = 200
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_PURGE(self):  # noqa: N802 - the HTTP method's name
                fake.requests.append((self.command, self.path, dict(self.headers)))
                if fake.status == 200:
                    fake.purged.append(self.headers.get("xkey-purge", "").split())
                    fake.modes.append("soft" if self.headers.get("xkey-soft") == "1" else "hard")
                self.send_response(fake.status)
                self.end_headers()

            do_POST = do_PURGE  # noqa: N815 - Fastly's API

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def keys(self):
        return {key for keys in self.purged for key in keys}

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_edge(settings):
    server = FakeEdge()
    settings.PAGECACHE = {**settings.PAGECACHE, "EDGE_PURGE_URLS": [server.url], "EDGE_REPURGE_SECONDS": 2}
    yield server
    server.close()


def test_publishing_purges_the_articles_keys_after_the_commit(committed, fake_edge, editor):
    article = make_article(title="Tin mới", status=Status.APPROVED)
    with committed() as callbacks:
        workflow.perform(article, "publish", editor)
        assert fake_edge.purged == []  # not while the transaction is open
    assert callbacks
    assert {f"a{article.pk}", "all", f"sl{article.section_id}"} <= fake_edge.keys()
    assert len(fake_edge.requests) == 1  # the whole step's keys in one purge


def test_an_edit_is_purged_softly_and_a_takedown_outright(committed, fake_edge, editor):
    """Readers of a corrected page get the old copy for the moment the edge refetches it (nobody waits for a render);
    an unpublished or deleted article must not be served again at all."""
    article = make_article(title="Tin sẽ gỡ", status=Status.APPROVED)
    with committed():
        workflow.perform(article, "publish", editor)
    assert fake_edge.modes == ["soft"] and not Invalidation.objects.latest("pk").hard
    with committed():
        workflow.perform(article, "unpublish", editor, comment="Sai sự thật")
    row = Invalidation.objects.latest("pk")
    assert row.hard and fake_edge.modes == ["soft", "hard"] and f"a{article.pk}" in fake_edge.purged[-1]
    other = make_article(title="Tin sẽ xóa", status=Status.PUBLISHED)
    sent, other_key = len(fake_edge.purged), f"a{other.pk}"
    with committed():
        other.delete()
    outright = {
        key
        for mode, keys in zip(fake_edge.modes[sent:], fake_edge.purged[sent:], strict=True)
        if mode == "hard"
        for key in keys
    }
    assert {other_key, f"sl{other.section_id}"} <= outright


def test_a_takedown_purged_with_other_edits_sends_its_keys_outright_and_the_rest_softly(fake_edge):
    edge.purge(["a1", "a2", "all"], hard=["a2", "all"])
    assert list(zip(fake_edge.modes, fake_edge.purged, strict=True)) == [
        ("hard", ["a2", "all"]),
        ("soft", ["a1"]),
    ]


def test_a_takedown_that_failed_is_retried_outright(committed, fake_edge, editor):
    article = make_article(status=Status.PUBLISHED)
    fake_edge.status = 503
    with committed():
        workflow.perform(article, "unpublish", editor, comment="Gỡ")
    row = Invalidation.objects.latest("pk")
    fake_edge.status = 200
    with time_machine.travel(row.next_purge_at + datetime.timedelta(seconds=1)):
        assert journal.retry_pending() == (1, 0)
    assert fake_edge.modes[0] == "hard" and f"a{article.pk}" in fake_edge.purged[0]


def test_an_edit_that_rolls_back_purges_nothing(committed, fake_edge):
    article = make_article(title="Tin sẽ không sửa")
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        article.title = "Sửa rồi hủy"
        article.save()
        raise RuntimeError("rolled back")
    assert fake_edge.purged == []


def test_a_draft_save_sends_no_purge(committed, fake_edge):
    draft = make_article(status=Status.DRAFT)
    with committed():
        draft.title = "Nháp sửa"
        draft.save()
    assert fake_edge.requests == []


def test_a_dead_edge_never_fails_a_publish_and_the_purge_waits_in_the_journal(committed, settings, editor):
    settings.PAGECACHE = {**settings.PAGECACHE, "EDGE_PURGE_URLS": [f"http://127.0.0.1:{free_port()}/"]}
    article = make_article(status=Status.APPROVED)
    with committed():
        published = workflow.perform(article, "publish", editor)
    assert published.status == Status.PUBLISHED
    row = Invalidation.objects.latest("pk")
    assert row.purged_at is None and row.failures == 1 and "127.0.0.1" in row.purge_error
    assert row.next_purge_at > timezone.now()


def test_refused_purges_are_retried_until_they_land(committed, fake_edge, editor):
    fake_edge.status = 503
    article = make_article(status=Status.APPROVED)
    with committed():
        workflow.perform(article, "publish", editor)
    row = Invalidation.objects.latest("pk")
    assert row.failures == 1 and row.purged_at is None
    assert journal.retry_pending() == (0, 0)  # not due yet: it waits, longer after each failure
    with time_machine.travel(row.next_purge_at + datetime.timedelta(seconds=1)):
        assert journal.retry_pending() == (0, 1)
    row.refresh_from_db()
    assert row.failures == 2
    fake_edge.status = 200
    with time_machine.travel(row.next_purge_at + datetime.timedelta(seconds=1)):
        assert journal.retry_pending() == (1, 0)
    row.refresh_from_db()
    assert f"a{article.pk}" in fake_edge.keys() and row.purges == 1 and row.purged_at is None
    # and a second purge a moment later, for a page that was on its way to the edge during the first
    with time_machine.travel(row.next_purge_at + datetime.timedelta(seconds=1)):
        assert journal.retry_pending() == (1, 0)
    row.refresh_from_db()
    assert row.purged_at is not None and len(fake_edge.purged) == 2


def test_the_purges_command_lists_and_resends_what_is_pending(committed, fake_edge, editor):
    article = make_article(title="Tin chờ xóa ở biên", status=Status.APPROVED)
    fake_edge.status = 500
    with committed():
        workflow.perform(article, "publish", editor)
    output = io.StringIO()
    call_command("purges", stdout=output)
    listed = output.getvalue()
    assert "pending purge(s)" in listed and f"a{article.pk}" in listed and "article" in listed
    assert "answered 500" in output.getvalue() and "takedown" not in listed
    with committed():
        workflow.perform(article, "unpublish", editor, comment="Gỡ")
    output = io.StringIO()
    call_command("purges", stdout=output)
    assert "a takedown: dropped outright" in output.getvalue()
    with pytest.raises(CommandError):
        call_command("purges", "--send", stdout=io.StringIO())
    fake_edge.status = 200
    output = io.StringIO()
    call_command("purges", "--send", stdout=output)
    assert "Sent 1 pending purge(s); 0 failed again." in output.getvalue()  # both rows, in one go
    assert f"a{article.pk}" in fake_edge.keys()


def test_purging_keys_by_hand(committed, fake_edge):
    with committed():
        call_command("purges", "--keys", "a12", "nav", stdout=io.StringIO())
    assert {"a12", "nav"} <= fake_edge.keys()
    with committed():
        call_command("purges", "--everything", stdout=io.StringIO())
    assert "site" in fake_edge.keys() and fake_edge.modes == ["soft", "soft"]
    with committed():
        call_command("purges", "--keys", "a12", "--hard", stdout=io.StringIO())
    assert fake_edge.modes[-1] == "hard" and fake_edge.purged[-1] == ["a12"]
    with pytest.raises(CommandError, match="--hard goes with"):
        call_command("purges", "--hard", stdout=io.StringIO())


def test_every_edge_listed_is_purged(committed, settings):
    first, second = FakeEdge(), FakeEdge()
    settings.PAGECACHE = {**settings.PAGECACHE, "EDGE_PURGE_URLS": [first.url, second.url]}
    try:
        with committed():
            journal.invalidate(["a1", "all"])
        assert first.keys() == second.keys() == {"a1", "all"}
    finally:
        first.close()
        second.close()


def test_the_fastly_adapter_purges_by_surrogate_key(monkeypatch, settings):
    fastly = FakeEdge()
    monkeypatch.setenv("FASTLY_API_URL", fastly.url.rstrip("/"))
    monkeypatch.setenv("FASTLY_API_TOKEN", "token-for-tests")
    settings.PAGECACHE = {**settings.PAGECACHE, "EDGE_PURGE_URLS": ["fastly://SERVICE123"]}
    try:
        edge.purge(["a1", "all"])
        method, path, headers = fastly.requests[0]
        assert (method, path) == ("POST", "/service/SERVICE123/purge")
        assert headers["Surrogate-Key"] == "a1 all" and headers["Fastly-Key"] == "token-for-tests"
        assert headers["Fastly-Soft-Purge"] == "1"  # an edit: stale while Fastly refetches
        edge.purge(["a1"], hard=["a1"])
        assert "Fastly-Soft-Purge" not in fastly.requests[1][2]  # a takedown: gone at once
    finally:
        fastly.close()


def test_many_keys_go_out_in_batches(fake_edge):
    edge.purge([f"a{number}" for number in range(450)])
    assert [len(keys) for keys in fake_edge.purged] == [200, 200, 50]
