"""Connections to test lore.io against: the embedded SQLite file and the real PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

import lore.io
from lore.io.database import Connection


@pytest.fixture(params=["sqlite", "postgresql"])
def conn(request: pytest.FixtureRequest, tmp_path) -> Iterator[Connection]:
    """A fresh connection to SQLite (a file) or PostgreSQL, with its own cache folder."""
    from lore.io.disk_cache import DiskCache

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.sqlite'}"
    else:
        url = request.getfixturevalue("postgres_url")
    connection = Connection(request.param, url, cache=DiskCache(tmp_path / "cache"))
    yield connection
    connection.close()


@pytest.fixture
def table(conn: Connection) -> Iterator[str]:
    """A unique table name (parallel safety), dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:10]}"
    yield name
    conn.execute(f"DROP TABLE IF EXISTS {name}")


@pytest.fixture
def frame():
    """A small frame with ints, floats, text, timestamps and missing values."""
    import numpy as np
    import pandas as pd

    return pd.DataFrame(
        {
            "id": np.arange(6, dtype="int64"),
            "score": [0.5, np.nan, 2.25, 3.0, -1.0, 7.5],
            "name": ["ann", "bob", None, "dée", "", "x'y"],
            "seen": pd.to_datetime(
                [
                    "2024-01-01 00:00",
                    None,
                    "2024-03-01 12:30",
                    "2024-04-01 00:00",
                    "2024-05-01 00:00",
                    "2024-06-01 00:00",
                ],
                format="%Y-%m-%d %H:%M",
            ),
        }
    )


@pytest.fixture
def extract_project(project):
    """The ``project`` fixture with two extracts and its connections forgotten."""
    folder = project / "demo_app" / "extracts"
    (folder / "people.sql").write_text("-- people\nSELECT *\nFROM %(table)s_unused\n")
    (folder / "by_id.sql").write_text("-- one row\nSELECT id, name\nFROM people\nWHERE id = %(id)s\n")
    (folder / "broken.sql").write_text("-- broken on line 3\nSELECT id\nFROM no_such_table_here\n")
    lore.io._open.clear()
    yield project
    lore.io._open.clear()
