"""The Redis cache backend keeps one client per connection pool (see inclusion/redis_cache)."""

import threading

import pytest

from inclusion.redis_cache import RedisCache

URL = "redis://127.0.0.1:6379/14"


@pytest.fixture
def redis_cache():
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(URL).ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    backend = RedisCache(URL, {"KEY_PREFIX": "test-redis-cache"})
    backend.clear()
    yield backend
    backend.clear()


def test_one_client_per_pool(redis_cache):
    client = redis_cache._cache.get_client("a")
    assert redis_cache._cache.get_client("b") is client
    assert redis_cache._cache.get_client("c", write=True) is client  # one server: one pool


def test_the_cache_works_as_django_s(redis_cache):
    assert redis_cache.add("compteur", 1, 60)
    assert not redis_cache.add("compteur", 5, 60)
    assert redis_cache.incr("compteur") == 2
    redis_cache.set("page", ("<html>", b"gz"), 60)
    assert redis_cache.get("page") == ("<html>", b"gz")
    assert redis_cache.get_many(["page", "absent"]) == {"page": ("<html>", b"gz")}
    redis_cache.delete("page")
    assert redis_cache.get("page", "vide") == "vide"


def test_threads_share_the_client_safely(redis_cache):
    errors = []

    def work(n):
        try:
            for i in range(200):
                redis_cache.set(f"t{n}", i, 60)
                assert redis_cache.get(f"t{n}") == i
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
