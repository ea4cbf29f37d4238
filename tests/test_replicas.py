"""Public reads go to the read replica when one is configured; staff and writes stay on the primary."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from newsroom import replicas
from newsroom.replicas import REPLICA

from .factories import make_article


@pytest.fixture
def replica(transactional_db, fresh_health):
    """A second database alias pointing at the test database, as a streaming replica would.

    Added after the test database is set up (hence `transactional_db`: committed rows, visible to both aliases).
    """
    connections.settings[REPLICA] = {**connections["default"].settings_dict}
    # Connect now: Django's test case refuses lazy connections to aliases it did not set up itself.
    connections[REPLICA].connect()
    try:
        yield connections[REPLICA]
    finally:
        connections[REPLICA].close()
        del connections.settings[REPLICA]
        if hasattr(connections._connections, REPLICA):
            delattr(connections._connections, REPLICA)


def test_a_readers_page_reads_from_the_replica(client, replica):
    article = make_article(title="Đọc từ bản sao")
    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(replica) as copy:
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200 and "Đọc từ bản sao" in response.content.decode()
    assert len(copy.captured_queries) > 0
    assert primary.captured_queries == []


def test_staff_and_admin_pages_read_from_the_primary(client, replica, admin_user):
    article = make_article()
    client.force_login(admin_user)
    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(replica) as copy:
        assert client.get(article.get_absolute_url()).status_code == 200
        assert client.get("/admin/articles/article/").status_code == 200
    assert copy.captured_queries == []
    assert len(primary.captured_queries) > 0


@pytest.mark.django_db
def test_without_a_replica_everything_uses_the_primary(client):
    article = make_article()
    with CaptureQueriesContext(connections["default"]) as primary:
        assert client.get(article.get_absolute_url()).status_code == 200
    assert len(primary.captured_queries) > 0
    assert REPLICA not in connections.settings


@pytest.fixture
def fresh_health():
    """Each test looks at the replica's health afresh (each process does every few seconds)."""
    replicas.health.checked = 0.0
    replicas.health.usable = True
    yield replicas.health
    replicas.health.checked = 0.0
    replicas.health.usable = True


@pytest.mark.postgres  # how far behind a replica is, is a question for PostgreSQL
def test_a_replica_too_far_behind_is_left_aside(client, replica, fresh_health, settings):
    settings.DATABASE_REPLICA_MAX_LAG = -1  # any lag at all is too much
    article = make_article(title="Bản sao chậm")
    with CaptureQueriesContext(replica) as copy:
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert [query for query in copy.captured_queries if "articles_article" in query["sql"]] == []
    settings.DATABASE_REPLICA_MAX_LAG = 10
    fresh_health.checked = 0.0
    with CaptureQueriesContext(replica) as copy:
        client.get(article.get_absolute_url())
    assert any("articles_article" in query["sql"] for query in copy.captured_queries)  # back in use
