"""lore.io.recording: the queries a block ran, for data signatures."""

from __future__ import annotations

import lore.io
from lore.io.database import Connection


def test_recording_collects_every_query_and_nests():
    conn = Connection("mem", "sqlite://")
    with lore.io.recording() as outer:
        conn.select("SELECT 1")
        with lore.io.recording() as inner:
            frame = conn.dataframe("SELECT %(a)s AS a UNION ALL SELECT 2", a=1)
    assert len(frame) == 2
    assert [q["rows"] for q in outer] == [1, 2]
    assert inner == outer[1:]
    entry = inner[0]
    assert set(entry) == {"connection", "extract", "sql_sha256", "params", "rows"}
    assert entry["connection"] == "mem" and entry["params"] == {"a": 1} and len(entry["sql_sha256"]) == 64


def test_chunked_reads_count_rows_as_they_stream():
    conn = Connection("mem", "sqlite://")
    with lore.io.recording() as queries:
        for _ in conn.dataframe("SELECT 1 AS a UNION ALL SELECT 2 UNION ALL SELECT 3", chunksize=2):
            pass
    assert queries[0]["rows"] == 3


def test_nothing_is_recorded_outside_a_block():
    with lore.io.recording() as queries:
        pass
    Connection("mem", "sqlite://").select("SELECT 1")
    assert queries == []
