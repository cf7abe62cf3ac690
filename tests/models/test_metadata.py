from __future__ import annotations

import uuid

import pytest

from lore.errors import ConnectionFailed
from lore.models import metadata


def test_default_database_is_sqlite_under_data(project) -> None:
    assert metadata.database_url() == f"sqlite:///{project / 'data' / 'metadata.sqlite'}"


def test_metadata_section_of_database_cfg(project) -> None:
    (project / "config" / "database.cfg").write_text("[METADATA]\nurl: sqlite:///elsewhere.sqlite\n")
    assert metadata.database_url() == "sqlite:///elsewhere.sqlite"


def test_history_is_opt_in(project) -> None:
    assert not metadata.enabled()
    (project / "config" / "database.cfg").write_text("[METADATA]\nurl: sqlite:///elsewhere.sqlite\n")
    assert metadata.enabled()


def test_records_and_reads_back_on_sqlite(project) -> None:
    first = {"params": {"depth": 3}, "metrics": {"test": {"loss": 0.25}}, "code_version": "abc"}
    metadata.record("app.Model", 1, first)
    metadata.record("app.Model", 2, {"params": {"depth": 4}, "timings": {"fit": 1.5}})
    metadata.record("app.Other", 1, {})
    rows = metadata.history("app.Model")
    assert [(row["fitting"], row["params"]["depth"]) for row in rows] == [(1, 3), (2, 4)]
    assert rows[0]["metrics"] == {"test": {"loss": 0.25}} and rows[0]["code_version"] == "abc"
    assert len(metadata.history()) == 3


def test_records_on_postgresql(postgres_url: str) -> None:
    import sqlalchemy as sa

    model = f"app.Model{uuid.uuid4().hex[:8]}"
    record = {"params": {"eta": 0.1}, "metrics": {"validation": {"loss": 0.5}}}
    metadata.record(model, 7, record, url=postgres_url)
    (row,) = metadata.history(model, url=postgres_url)
    assert row["fitting"] == 7 and row["params"] == {"eta": 0.1}
    engine = sa.create_engine(postgres_url)
    with engine.connect() as connection:  # the team's SQL view of it
        loss = connection.execute(
            sa.text("SELECT CAST(metrics AS json)->'validation'->>'loss' FROM fittings WHERE model = :model"),
            {"model": model},
        ).scalar_one()
        connection.execute(sa.text("DELETE FROM fittings WHERE model = :model"), {"model": model})
        connection.commit()
    assert float(loss) == 0.5


def test_unreachable_database_is_a_clear_error() -> None:
    with pytest.raises(ConnectionFailed, match=r"postgresql://lore:\*\*\*\*@127.0.0.1:1/none"):
        metadata.record("app.Model", 1, {}, url="postgresql://lore:secret@127.0.0.1:1/none")


def test_sync_derives_the_rows_from_the_fittings_records(project) -> None:
    from lore.stores import ModelStore

    store = ModelStore(project / "models")
    for loss in (0.5, 0.25):
        with store.new_fitting("app.Model", {"params": {"depth": 3}, "metrics": {"loss": loss}}):
            pass
    metadata.record("app.Model", 1, store.get("app.Model", 1).metadata)  # already there
    assert metadata.sync(store=store) == 1
    assert metadata.sync(store=store) == 0
    rows = metadata.history("app.Model")
    assert [(row["fitting"], row["metrics"]["loss"]) for row in rows] == [(1, 0.5), (2, 0.25)]
