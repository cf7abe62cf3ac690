"""The history of fittings in a SQL database, for a team to query: derived, and opt-in.

What a fitting is lives in one place, its own record (``model.json`` in the fitting,
:data:`lore.stores.layout.RECORD`). The ``fittings`` table is derived from those
records: one row per fitting with the model name, the fitting number, its parameters,
metrics and timings (JSON), the data signature, the code version and when it was made.
It is opt-in: a fit adds its row only when section ``[METADATA]`` of
``config/database.cfg`` has a ``url`` (see :func:`enabled`); point it at a shared
PostgreSQL and the whole team's fittings land in one table::

    [METADATA]
    url: $METADATA_DATABASE_URL

    SELECT model, fitting, metrics->'validation'->>'loss' AS loss
    FROM fittings ORDER BY created_at DESC;

:func:`sync` (re)derives the rows of fittings already in the model store, so turning
the history on later, or a database outage during a fit, loses nothing. Values are
always bound parameters, never formatted into SQL.

>>> import tempfile, pathlib
>>> url = f"sqlite:///{pathlib.Path(tempfile.mkdtemp()) / 'metadata.sqlite'}"
>>> record("demo.Model", 1, {"params": {"depth": 3}, "metrics": {"loss": 0.5}}, url=url)
>>> [(row["model"], row["fitting"], row["params"]) for row in history("demo.Model", url=url)]
[('demo.Model', 1, {'depth': 3})]
"""

from __future__ import annotations

import datetime
import functools
import json
import logging
from typing import Any

from lore.errors import ConnectionFailed, QueryError
from lore.util import mask_url, optional

logger = logging.getLogger(__name__)

SECTION = "METADATA"
TABLE = "fittings"


def configured_url() -> str | None:
    """``[METADATA] url`` of config/database.cfg, or ``None``."""
    import lore.config

    section = lore.config.read("database").get(SECTION)
    return section.get("url") or None if section is not None else None


def enabled() -> bool:
    """Whether fits add their row to the ``fittings`` table: ``[METADATA]`` has a ``url``."""
    return configured_url() is not None


def database_url() -> str:
    """The metadata database URL: ``[METADATA] url`` of config/database.cfg, else SQLite under data/."""
    import lore.env

    configured = configured_url()
    if configured is not None:
        return configured
    folder = lore.env.current().data_dir
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'metadata.sqlite'}"


@functools.lru_cache(maxsize=8)
def _engine_and_table(address: str) -> tuple[Any, Any]:
    sa = optional("sqlalchemy", "sql", "the history of fittings")

    import lore.io

    engine = lore.io.connection(SECTION.lower(), url=address).engine
    schema = sa.MetaData()
    table = sa.Table(
        TABLE,
        schema,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("model", sa.String(255), nullable=False, index=True),
        sa.Column("fitting", sa.Integer, nullable=False),
        sa.Column("params", sa.JSON),
        sa.Column("metrics", sa.JSON),
        sa.Column("timings", sa.JSON),
        sa.Column("data_signature", sa.JSON),
        sa.Column("code_version", sa.String(64)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    try:
        schema.create_all(engine, checkfirst=True)
    except sa.exc.OperationalError as error:
        raise ConnectionFailed(
            f"cannot reach the metadata database {mask_url(address)}: {error.orig}; "
            f"check [{SECTION}] url in config/database.cfg"
        ) from None
    return engine, table


def _plain(value: Any) -> Any:
    """``value`` with everything JSON cannot hold turned into text."""
    return json.loads(json.dumps(value, default=str))


def row(model: str, fitting: int, record: dict[str, Any]) -> dict[str, Any]:
    """The ``fittings`` row of a fitting, derived from its record (``model.json``).

    >>> made = row("demo.Model", 2, {"metrics": {"loss": 0.5}, "created_at": "2026-01-02T03:04:05+00:00"})
    >>> made["fitting"], made["metrics"], made["created_at"].year
    (2, {'loss': 0.5}, 2026)
    """
    created = record.get("created_at")
    return {
        "model": model,
        "fitting": int(fitting),
        "params": _plain(record.get("params") or {}),
        "metrics": _plain(record.get("metrics") or {}),
        "timings": _plain(record.get("timings") or {}),
        "data_signature": _plain(record.get("data_signature")),
        "code_version": record.get("code_version"),
        "created_at": (
            datetime.datetime.fromisoformat(created)
            if isinstance(created, str)
            else datetime.datetime.now(datetime.timezone.utc)
        ),
    }


def _insert(rows: list[dict[str, Any]], address: str) -> None:
    sa = optional("sqlalchemy", "sql", "the history of fittings")

    engine, table = _engine_and_table(address)
    try:
        with engine.begin() as connection:
            connection.execute(sa.insert(table), rows)
    except sa.exc.SQLAlchemyError as error:
        named = ", ".join(f"{r['model']} {r['fitting']}" for r in rows[:3])
        raise QueryError(f"could not record fitting(s) {named} in {mask_url(address)}: {error}") from None


def record(model: str, fitting: int, record: dict[str, Any], *, url: str | None = None) -> None:
    """Add one fitting's row, derived from its ``record``, to the ``fittings`` table.

    Parameters
    ----------
    model, fitting
        The model's name and the fitting's number.
    record
        The fitting's record (what ``model.json`` holds).
    url
        The database; default :func:`database_url`.

    Raises
    ------
    QueryError, ConnectionFailed
        The database refused the row or cannot be reached.
    """
    _insert([row(model, fitting, record)], url or database_url())


def sync(model: str | None = None, *, store: Any = None, url: str | None = None) -> int:
    """Derive the rows of the fittings in the model store that the table lacks; how many were added.

    Parameters
    ----------
    model
        One model's fittings; default every model with a local fitting.
    store
        A :class:`lore.stores.ModelStore`; default the project's.
    url
        The database; default :func:`database_url`.

    Returns
    -------
    int
        The number of rows added.
    """
    sa = optional("sqlalchemy", "sql", "the history of fittings")

    if store is None:
        from lore.stores import model_store

        store = model_store()
    address = url or database_url()
    engine, table = _engine_and_table(address)
    with engine.connect() as connection:
        known = {(r.model, r.fitting) for r in connection.execute(sa.select(table.c.model, table.c.fitting))}
    rows = [
        row(name, fitting.number, fitting.metadata)
        for name in ([model] if model is not None else store.models())
        for fitting in store.fittings(name)
        if (name, fitting.number) not in known
    ]
    if rows:
        _insert(rows, address)
    return len(rows)


def history(model: str | None = None, *, url: str | None = None) -> list[dict[str, Any]]:
    """The recorded fittings (of ``model``, or all), oldest first, as dicts."""
    sa = optional("sqlalchemy", "sql", "the history of fittings")

    address = url or database_url()
    engine, table = _engine_and_table(address)
    query = sa.select(table).order_by(table.c.created_at, table.c.id)
    if model is not None:
        query = query.where(table.c.model == model)
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(query)]
