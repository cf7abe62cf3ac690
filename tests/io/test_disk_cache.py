"""DiskCache: exact round trips, LRU bound, damaged files, and several processes at once."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
import time

import numpy as np
import pandas as pd
import pytest

from lore.errors import StoreError
from lore.io.disk_cache import DiskCache


def awkward() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "f": [0.5, np.nan, 2.0],
            "s": ["a", None, "é"],
            "c": pd.Categorical(["x", "y", "x"]),
            "t": pd.to_datetime(["2024-01-01", None, "2024-01-03 04:05:06.123456"], format="ISO8601"),
        }
    )


def test_round_trip_keeps_dtypes_exactly(tmp_path):
    cache = DiskCache(tmp_path)
    cache.set("k", awkward())
    assert "k" in cache
    pd.testing.assert_frame_equal(cache.get("k"), awkward())
    assert cache.get("absent") is None
    cache.delete("k")
    assert "k" not in cache
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary files left


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty"])
def test_corrupt_entry_is_logged_dropped_and_missed(tmp_path, caplog, damage):
    cache = DiskCache(tmp_path)
    cache.set("k", awkward())
    path = cache.path("k")
    data = path.read_bytes()
    path.write_bytes({"truncate": data[: len(data) - 40], "garbage": b"x" * len(data), "empty": b""}[damage])
    with caplog.at_level(logging.WARNING, logger="lore.io.cache"):
        assert cache.get("k") is None
    assert "unreadable" in caplog.text and str(path) in caplog.text
    assert not path.exists()


def test_lru_eviction_keeps_the_folder_under_its_bound(tmp_path):
    frame = pd.DataFrame({"x": np.arange(10_000)})
    cache = DiskCache(tmp_path)
    cache.set("probe", frame)
    size = cache.path("probe").stat().st_size
    cache.clear()
    cache = DiskCache(tmp_path, max_bytes=int(size * 2.5))
    cache.set("a", frame)
    cache.set("b", frame)
    old = time.time() - 100
    os.utime(cache.path("b"), (old, old))  # b was used long ago
    cache.get("a")
    cache.set("c", frame)
    assert "a" in cache and "c" in cache and "b" not in cache


def test_unsafe_keys_are_refused(tmp_path):
    with pytest.raises(StoreError, match="cache key"):
        DiskCache(tmp_path).get("../etc/passwd")


WORKER = textwrap.dedent(
    """
    import sys, numpy as np, pandas as pd
    from lore.io.disk_cache import DiskCache
    cache = DiskCache(sys.argv[1])
    seed = int(sys.argv[2])
    bad = 0
    for round in range(40):
        value = seed * 1000 + round
        cache.set("shared", pd.DataFrame({"v": np.full(20_000, value, dtype="int64")}))
        got = cache.get("shared")
        if got is None or len(got) != 20_000 or got["v"].nunique() != 1:
            bad += 1
    print(bad)
    """
)


def test_concurrent_processes_never_read_a_half_file(tmp_path, caplog):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(tmp_path), str(seed)], stdout=subprocess.PIPE, env=env
        )
        for seed in range(3)
    ]
    results = [worker.communicate(timeout=120)[0].decode().strip() for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0, 0]
    assert results == ["0", "0", "0"]
    final = DiskCache(tmp_path).get("shared")
    assert final is not None and final["v"].nunique() == 1
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_file_swapped_for_another_keys_entry_is_a_miss(tmp_path, caplog):
    cache = DiskCache(tmp_path)
    cache.set("three", pd.DataFrame({"x": [1, 2, 3]}))
    cache.set("four", pd.DataFrame({"x": [1, 2, 3, 4]}))
    os.replace(cache.path("four"), cache.path("three"))  # a valid entry, under the wrong name
    assert cache.get("three") is None
    assert "another key" in caplog.text
