"""RedisCache against the real Redis: contract, LRU bound, damaged values, unreachable server."""

from __future__ import annotations

import socket
import time
import uuid

import numpy as np
import pandas as pd
import pytest

from lore.errors import StoreError
from lore.io.redis_cache import RedisCache


@pytest.fixture
def cache(redis_url):
    store = RedisCache(redis_url, prefix=f"test:{uuid.uuid4().hex[:8]}:")
    yield store
    store.clear()


def test_round_trip_and_contract(cache):
    frame = pd.DataFrame(
        {"t": pd.to_datetime(["2024-01-01", None]), "c": pd.Categorical(["a", "b"]), "f": [np.nan, 1.0]}
    )
    cache.set("k", frame)
    assert "k" in cache and "nope" not in cache
    pd.testing.assert_frame_equal(cache.get("k"), frame)
    cache.delete("k")
    assert cache.get("k") is None


def test_lru_bound(cache):
    frame = pd.DataFrame({"x": np.arange(5_000)})
    cache.set("probe", frame)
    size = len(cache.client.get(cache.prefix + "probe"))
    cache.clear()
    cache.max_bytes = int(size * 2.5)
    cache.set("a", frame)
    cache.set("b", frame)
    cache.get("a")
    cache.set("c", frame)
    assert "a" in cache and "c" in cache and "b" not in cache


def test_damaged_value_is_a_miss(cache, caplog):
    cache.set("k", pd.DataFrame({"x": [1]}))
    cache.client.set(cache.prefix + "k", b"garbage" * 10)
    assert cache.get("k") is None
    assert "unreadable" in caplog.text
    assert "k" not in cache


def test_unreachable_redis_is_a_store_error():
    store = RedisCache("redis://default:hunter2@127.0.0.1:1/0")
    with pytest.raises(StoreError, match=r"127\.0\.0\.1:1") as caught:
        store.get("k")
    assert "hunter2" not in str(caught.value) and "hunter2" not in repr(store)
    started = time.monotonic()
    with pytest.raises(StoreError, match="not retried"):  # fails at once for a while
        store.get("k")
    assert time.monotonic() - started < 0.1


def test_a_stalled_redis_times_out_quickly():
    with socket.socket() as server:  # accepts connections, never answers
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        store = RedisCache(f"redis://127.0.0.1:{server.getsockname()[1]}/0", timeout=0.5)
        started = time.monotonic()
        with pytest.raises(StoreError, match="TimeoutError"):
            store.get("k")
        assert time.monotonic() - started < 3


def test_a_key_of_the_wrong_type_is_a_store_error(cache):
    cache.client.rpush(cache.prefix + "k", b"x")
    with pytest.raises(StoreError, match="refused get"):
        cache.get("k")
    cache.client.delete(cache.prefix + "k")


def test_another_keys_value_is_a_miss(cache, caplog):
    cache.set("a", pd.DataFrame({"x": [1, 2, 3, 4]}))
    cache.client.copy(cache.prefix + "a", cache.prefix + "b")
    assert cache.get("b") is None
    assert "another key" in caplog.text
