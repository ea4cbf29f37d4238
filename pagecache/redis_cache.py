"""Django's Redis cache backend, with one client kept per connection pool.

Django's RedisCacheClient builds a new `redis.Redis` for every call, a third of what a `cache.get()` costs here
(docs/performance.md). A client holds nothing but its pool and the pool's options, and Django keeps one cache
object per thread, so a client made once per pool serves all of that thread's calls; the pool still hands out the
connections, and starts afresh in a forked worker.
"""

from django.core.cache.backends import redis as django_redis


class KeptClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = KeptClient
