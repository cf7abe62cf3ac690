"""Partitioned reads: the same rows as one read, on SQLite and PostgreSQL; bad input is clear."""

from __future__ import annotations

import datetime

import pandas as pd
import pytest

from lore.errors import DataError, ParameterError
from lore.io.partitioned import edges


def _events(rows: int = 1000) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": range(3, 3 + rows),
            "amount": [i * 0.5 for i in range(rows)],
            "city": ["oslo", "lima", "pune", "kyiv"] * (rows // 4),
        }
    )


def test_partitions_hold_the_same_rows_as_one_read(conn, table) -> None:
    conn.insert(table, _events())
    sql = f"SELECT * FROM {table} WHERE amount >= %(low)s;"
    whole = conn.dataframe(sql, low=10.0).sort_values("id").reset_index(drop=True)
    frame = conn.dataframe(sql, partitions=7, index="id", low=10.0)
    assert frame.npartitions == 7
    assert frame.known_divisions and frame.divisions[0] == whole["id"].min()
    parts = [part.compute(scheduler="sync") for part in frame.to_delayed()]
    assert all(part.index.is_monotonic_increasing for part in parts)
    assert sum(len(part) for part in parts) == len(whole)
    together = frame.compute(scheduler="sync").reset_index(drop=True)
    pd.testing.assert_frame_equal(together, whole, check_dtype=False)


def test_timestamps_partition_too(conn, table) -> None:
    start = datetime.datetime(2024, 1, 1)
    conn.insert(table, pd.DataFrame({"at": [start + datetime.timedelta(hours=h) for h in range(48)]}))
    if conn.backend == "sqlite":  # SQLite hands back text, which has no arithmetic range
        with pytest.raises(DataError, match="numeric or a date/time"):
            conn.dataframe(f"SELECT * FROM {table}", partitions=4, index="at")
        return
    frame = conn.dataframe(f"SELECT * FROM {table}", partitions=4, index="at")
    assert len(frame.compute(scheduler="sync")) == 48


def test_null_index_values_are_refused_not_dropped(conn, table) -> None:
    conn.insert(table, pd.DataFrame({"id": [1.0, None, 3.0]}))
    with pytest.raises(DataError, match="1 of 3 rows have NULL in the index column 'id'"):
        conn.dataframe(f"SELECT * FROM {table}", partitions=2, index="id")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"partitions": 0, "index": "id"}, "positive integer"),
        ({"partitions": 2, "index": "id; DROP TABLE x"}, "name of a column"),
        ({"partitions": 2}, "needs index="),
        ({"partitions": 2, "index": "id", "chunksize": 10}, "without cache or chunksize"),
    ],
)
def test_bad_options(tmp_path, options, message) -> None:
    from lore.io.database import Connection

    conn = Connection("bad", f"sqlite:///{tmp_path / 'bad.sqlite'}")
    conn.insert("t", pd.DataFrame({"id": [1, 2]}))
    with pytest.raises(ParameterError, match=message):
        conn.dataframe("SELECT * FROM t", **options)


def test_edges() -> None:
    assert edges(0, 100, 4) == [0, 25, 50, 75, 100]
    assert edges(7, 7, 3) == [7]
    with pytest.raises(DataError):
        edges("a", "z", 2)
