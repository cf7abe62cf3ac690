"""The history of fittings in a SQL database, for a team to query.

Every fitting a model saves adds a row to the ``fittings`` table: the model name,
the fitting number, its parameters, metrics and timings (JSON), the data signature,
the code version and when it was made. The database is the :mod:`lore.io` connection
``[METADATA]`` of ``config/database.cfg``, else SQLite in ``data/metadata.sqlite``;
point ``[METADATA]`` at a shared PostgreSQL and the whole team's fittings land in
one table::

    SELECT model, fitting, metrics->'validation'->>'loss' AS loss
    FROM fittings ORDER BY created_at DESC;

Values are always bound parameters, never formatted into SQL.

>>> import tempfile, pathlib
>>> url = f"sqlite:///{pathlib.Path(tempfile.mkdtemp()) / 'metadata.sqlite'}"
>>> record("demo.Model", 1, params={"depth": 3}, metrics={"loss": 0.5}, url=url)
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


def database_url() -> str:
    """The metadata database URL: ``[METADATA] url`` of config/database.cfg, else SQLite under data/."""
    import lore.config
    import lore.env

    section = lore.config.read("database").get(SECTION)
    if section is not None and section.get("url"):
        return section["url"]
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


def record(
    model: str,
    fitting: int,
    *,
    params: dict[str, Any] | None = None,
    metrics: dict[str, Any] | None = None,
    timings: dict[str, Any] | None = None,
    data_signature: Any = None,
    code_version: str | None = None,
    created_at: datetime.datetime | None = None,
    url: str | None = None,
) -> None:
    """Add one fitting to the ``fittings`` table."""
    sa = optional("sqlalchemy", "sql", "the history of fittings")

    address = url or database_url()
    engine, table = _engine_and_table(address)
    row = {
        "model": model,
        "fitting": int(fitting),
        "params": _plain(params or {}),
        "metrics": _plain(metrics or {}),
        "timings": _plain(timings or {}),
        "data_signature": _plain(data_signature),
        "code_version": code_version,
        "created_at": created_at or datetime.datetime.now(datetime.timezone.utc),
    }
    try:
        with engine.begin() as connection:
            connection.execute(sa.insert(table), row)
    except sa.exc.SQLAlchemyError as error:
        raise QueryError(
            f"could not record {model} fitting {fitting} in {mask_url(address)}: {error}"
        ) from None


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
