"""RamCache and the Parquet-with-checksum encoding every persistent cache uses."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import lore.io
import lore.stores
from lore.errors import CorruptArtifact
from lore.io.cache import RamCache, from_bytes, to_bytes


def awkward() -> pd.DataFrame:
    """Dtypes that must survive exactly: datetimes (naive and zoned), categoricals, NaN, text."""
    return pd.DataFrame(
        {
            "i": np.arange(4, dtype="int32"),
            "f": [0.5, np.nan, np.inf, -0.0],
            "s": ["a", None, "", "é"],
            "c": pd.Categorical(["x", "y", None, "x"], categories=["y", "x"], ordered=True),
            "t": pd.to_datetime(["2024-01-01", None, "2024-01-03", "2024-01-04"]).as_unit("ns"),
            "z": pd.date_range("2024-01-01", periods=4, freq="h", tz="Europe/Paris"),
            "b": pd.array([True, None, False, True], dtype="boolean"),
        },
        index=pd.Index([10, 11, 12, 13], name="row"),
    )


def test_bytes_round_trip_is_exact():
    frame = awkward()
    pd.testing.assert_frame_equal(from_bytes(to_bytes(frame, "k"), "x", "k"), frame)


def test_an_entry_answers_only_for_its_own_key():
    data = to_bytes(awkward(), "query-a")
    with pytest.raises(CorruptArtifact, match="another key"):
        from_bytes(data, "where", "query-b")


@pytest.mark.parametrize("damage", ["truncate", "flip", "empty"])
def test_damaged_bytes_are_detected(damage):
    data = bytearray(to_bytes(awkward(), "k"))
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "flip":
        data[len(data) // 3] ^= 0xFF
    else:
        data = bytearray()
    with pytest.raises(CorruptArtifact, match="where"):
        from_bytes(bytes(data), "where", "k")


def test_ram_cache_contract_and_isolation():
    cache = RamCache()
    frame = awkward()
    cache.set("k", frame)
    assert "k" in cache and "other" not in cache
    frame.loc[10, "f"] = 99.0  # the caller's frame changes; the cache does not
    got = cache.get("k")
    assert got.loc[10, "f"] == 0.5
    got.loc[10, "f"] = 42.0
    assert cache.get("k").loc[10, "f"] == 0.5
    cache.delete("k")
    assert cache.get("k") is None
    cache.set("a", frame)
    cache.clear()
    assert len(cache) == 0


def test_ram_cache_evicts_least_recently_used():
    one = pd.DataFrame({"x": np.arange(1000, dtype="int64")})
    size = int(one.memory_usage(deep=True).sum())
    cache = RamCache(max_bytes=size * 2 + 10)
    cache.set("a", one)
    cache.set("b", one)
    cache.get("a")  # a is now more recent than b
    cache.set("c", one)
    assert "a" in cache and "c" in cache and "b" not in cache
    cache.set("huge", pd.DataFrame({"x": np.arange(10_000)}))  # larger than the bound: not kept
    assert "huge" not in cache


def test_caches_are_exported():
    assert {"RamCache", "DiskCache", "RedisCache", "Cache"} <= set(lore.io.__all__)
    assert lore.io.DiskCache.__name__ == "DiskCache"
    assert "DiskCache" not in dir(lore.stores)  # one floor each: caches are io's
