"""The production cache backend (pagecache.redis_cache): Django's Redis cache, with one client per connection pool
kept instead of one built for every call."""

import pytest
import redis as redis_lib

from pagecache.redis_cache import RedisCache

from .redis_servers import free_port

OPTIONS = {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}


def cache_on(url):
    return RedisCache(url, {"OPTIONS": OPTIONS})


def test_every_call_goes_through_one_client_and_answers_as_django_s_backend(redis):
    cache = cache_on(redis.url)
    client = cache._cache.get_client()
    built = []
    original = client.__class__.__init__
    client.__class__.__init__ = lambda self, *args, **kwargs: (
        built.append(1) or original(self, *args, **kwargs)
    )
    try:
        assert cache.add("read:1:n", 0) is True
        assert cache.add("read:1:n", 5) is False
        assert cache.incr("read:1:n") == 1
        cache.set("title", "Xác định nhiệm vụ", 60)
        assert cache.get_many(["title", "read:1:n", "missing"]) == {
            "title": "Xác định nhiệm vụ",
            "read:1:n": 1,
        }
        cache.delete("title")
        assert cache.get("title") is None
    finally:
        client.__class__.__init__ = original
    assert built == []  # no client built for any of those calls
    assert cache._cache.get_client(write=True) is client


def test_the_kept_client_answers_again_after_redis_restarts(redis):
    cache = cache_on(redis.url)
    cache.set("n", 1)
    redis.stop()
    with pytest.raises(redis_lib.ConnectionError):
        cache.get("n")
    redis.start()  # back empty: nothing was saved
    assert cache.get("n") is None
    cache.set("n", 2)
    assert cache.get("n") == 2


def test_a_cache_nobody_answers_fails_fast_like_django_s():
    cache = cache_on(f"redis://127.0.0.1:{free_port()}/0")
    with pytest.raises(redis_lib.ConnectionError):
        cache.get("n")
