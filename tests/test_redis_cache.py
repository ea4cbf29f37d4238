"""The production cache backend against a real Redis: the page cache and its generation work through it."""

import os
import shutil
import socket
import subprocess
import time

import pytest
from django.core.cache import caches

from newsroom.cache import RedisCache

from .factories import make_article


def _answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(scope="session")
def redis_url():
    """Redis on 127.0.0.1:6379 when it answers, else a throwaway redis-server on a free port."""
    # One database number per pytest-xdist worker: each test clears its own.
    database = 12 + int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0) % 4
    if _answers(6379):
        yield f"redis://127.0.0.1:6379/{database}"
        return
    assert shutil.which("redis-server"), "no Redis on 127.0.0.1:6379 and no redis-server to start one"
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"])
    deadline = time.monotonic() + 10
    while not _answers(port) and time.monotonic() < deadline:
        time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/{database}"
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def redis_cache(settings, redis_url):
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "newsroom.cache.RedisCache", "LOCATION": redis_url},
    }
    cache = caches["default"]
    cache.clear()
    yield cache
    cache.clear()


def test_the_backend_reuses_one_client_per_pool(redis_cache):
    assert isinstance(redis_cache, RedisCache)
    redis_cache.set("answer", 42)
    assert redis_cache.get("answer") == 42
    assert redis_cache.incr("answer") == 43
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client() is client
    assert redis_cache._cache.get_client(write=True) is client  # one server: one pool, one client


@pytest.mark.django_db
@pytest.mark.usefixtures("page_cache")
def test_pages_are_cached_and_invalidated_through_redis(client, redis_cache):
    article = make_article(title="Qua Redis")
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "miss"
    assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"
    assert any(key.startswith(b":1:newsroom:page:") for key in redis_cache._cache.get_client().keys("*"))
    article.title = "Qua Redis, đã sửa"
    article.save()
    response = client.get(article.get_absolute_url())
    assert response["X-Page-Cache"] == "miss" and "Qua Redis, đã sửa" in response.content.decode()
