"""The sample users table: seeded, and with something for a model to learn."""

from __future__ import annotations

import sqlite3

from lore.cli import sample


def test_same_seed_same_rows_and_a_learnable_signal():
    rows = sample.generate(3000, seed=1)
    assert rows == sample.generate(3000, seed=1) and rows != sample.generate(3000, seed=2)
    by_name: dict[str, list[int]] = {}
    for _, name, subscribes in rows:
        by_name.setdefault(name, []).append(subscribes)
    rates = [sum(v) / len(v) for v in by_name.values() if len(v) >= 20]
    assert max(rates) - min(rates) > 0.3  # names differ: there is something to learn


def test_write_sample_replaces_the_table(tmp_path):
    path = tmp_path / "db.sqlite"
    sample.write_sample(path, rows=10)
    sample.write_sample(path, rows=20)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM users").fetchone() == (20,)
