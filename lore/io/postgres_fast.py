"""PostgreSQL fast paths: ADBC (Arrow, binary COPY) for reads, ``COPY FROM STDIN`` for writes.

Reading a large result through SQLAlchemy and ``pandas.read_sql`` builds one Python
object per value; ADBC's PostgreSQL driver streams the result in PostgreSQL's binary
format straight into Arrow columns, and :func:`arrow_to_frame` turns those into the
dtypes ``read_sql`` would have given (``int64``, ``float64``, ``str``, ``datetime64``).
Parameters are bound server-side as ``$1, $2...``: never formatted into the text.

Writes go the same way in reverse: :func:`ingest` sends Arrow columns with binary
``COPY ... FROM STDIN``, cast first to an existing table's column types.

>>> adbc_uri("postgresql+psycopg2://me:pw@db:5432/app?sslmode=require")
'postgresql://me:pw@db:5432/app?sslmode=require'
"""

from __future__ import annotations

import atexit
import functools
import logging
import os
import weakref
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa


logger = logging.getLogger(__name__)

#: Bytes per row assumed when sizing ADBC's batches for a chunked read (1 MB to 16 MB).
BYTES_PER_ROW_HINT = 64

#: Every ADBC connection :func:`connect` made and not yet freed -> the process that made it.
_OPENED: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()


@functools.cache
def available() -> bool:
    """Whether the ADBC driver imports; when it does not, one warning per process says so.

    Without it lore reads and writes PostgreSQL through SQLAlchemy and psycopg: the
    same results, more slowly.
    """
    try:
        import adbc_driver_manager  # noqa: F401
        import adbc_driver_postgresql.dbapi  # noqa: F401
    except ImportError as missing:
        logger.warning(
            "%s is not installed, so PostgreSQL reads and writes go through psycopg (slower); "
            'pip install "lore-ml[sql]" for the fast path',
            (missing.name or "adbc_driver_postgresql").split(".")[0],
        )
        return False
    return True


def adbc_uri(url: str) -> str:
    """The libpq URI of a SQLAlchemy PostgreSQL URL (without its ``+driver``)."""
    import sqlalchemy

    parsed = sqlalchemy.make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


def connect(url: str) -> Any:
    """An autocommit ADBC connection to ``url``, closed at exit if still open (:func:`close_all`)."""
    import adbc_driver_postgresql.dbapi

    connection = adbc_driver_postgresql.dbapi.connect(adbc_uri(url), autocommit=True)
    _close_all_at_exit()
    _OPENED[connection] = os.getpid()
    return connection


@functools.cache
def _close_all_at_exit() -> None:
    atexit.register(close_all)


def close_all() -> None:
    """Close every ADBC connection this process opened and still holds (run at exit).

    ADBC's ``close()`` closes the connection's cursors, then the connection, then its
    database. Left to the garbage collector at interpreter exit, a connection is closed
    by its ``__del__`` after the modules it needs are torn down, which prints
    ``TypeError: 'NoneType' object is not callable``. Connections inherited through
    ``fork`` are left alone: they are the parent's sessions.
    """
    for connection, pid in list(_OPENED.items()):
        if pid != os.getpid():
            continue
        try:
            connection.close()
        except Exception as error:  # a dead connection may refuse to close cleanly
            logger.debug("closing an ADBC connection at exit: %s", error)


def arrow_to_frame(table: pa.Table) -> pd.DataFrame:
    """A frame with ``read_sql``'s dtypes: integers as int64, floats and numerics as float64."""
    import pyarrow as pa

    columns = []
    for column in table.columns:
        kind = column.type
        if pa.types.is_integer(kind):
            column = column.cast(pa.int64())
        elif pa.types.is_floating(kind):
            column = column.cast(pa.float64())
        elif _is_numeric(kind):  # what numerics_as_float8 could not ask as float8
            column = column.cast(kind.storage_type).cast(pa.float64())
        columns.append(column)
    return pa.table(columns, names=table.column_names).to_pandas()


def numerics_as_float8(cursor: Any, sql: str) -> str:
    """``sql``, asking PostgreSQL for its ``numeric`` result columns as ``float8``.

    ADBC hands ``numeric`` over as text, which :func:`arrow_to_frame` would parse into
    float64 (a third of the time of a read with one such column). PostgreSQL converts
    them itself (``numeric::float8``, correctly rounded like the text parse, so the values
    are the same) and sends binary doubles. The result's columns come from preparing
    ``sql`` (no rows are read); ``sql`` is returned as it is when it has no numeric
    column, repeats a column name, or cannot be described.
    """
    try:
        schema = cursor.adbc_execute_schema(sql)
    except Exception:  # not describable (several statements, a command): read it as it is
        return sql
    names = schema.names
    numeric = {field.name for field in schema if _is_numeric(field.type)}
    if not numeric or len(set(names)) != len(names):
        return sql
    columns = ", ".join(
        f"{_quote(name)}::float8 AS {_quote(name)}" if name in numeric else _quote(name) for name in names
    )
    body = sql.rstrip().rstrip(";")
    return f"WITH lore_numeric AS ({body}\n) SELECT {columns} FROM lore_numeric"


def _is_numeric(kind: Any) -> bool:
    return hasattr(kind, "storage_type") and "type_name=numeric" in str(kind)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def read(adbc: Any, sql: str, values: list[Any]) -> pd.DataFrame:
    """Run ``sql`` with ``$n`` placeholders bound to ``values``; the result as a frame."""
    cursor = adbc.cursor()
    try:
        sql = numerics_as_float8(cursor, sql)
        cursor.execute(sql, parameters=values or None)
        return arrow_to_frame(cursor.fetch_arrow_table())
    finally:
        cursor.close()


def read_chunks(adbc: Any, sql: str, values: list[Any], chunksize: int) -> Iterator[pd.DataFrame]:
    """Stream the result in frames of ``chunksize`` rows; closes ``adbc`` (its own connection) at the end.

    ADBC hands the ``COPY`` stream over in Arrow batches (sized from ``chunksize``, 1 to
    16 MB); they are cut and joined into frames of exactly ``chunksize`` rows (the last
    may be shorter), so memory holds about one chunk and one batch, whatever the size
    of the result.
    """
    import pyarrow as pa

    try:
        cursor = adbc.cursor()
        hint = min(max(chunksize * BYTES_PER_ROW_HINT, 1 << 20), 16 << 20)
        cursor.adbc_statement.set_options(**{"adbc.postgresql.batch_size_hint_bytes": str(hint)})
        cursor.execute(numerics_as_float8(cursor, sql), parameters=values or None)
        reader = cursor.fetch_record_batch()
        pending: list[pa.RecordBatch] = []
        rows = 0
        produced = False
        for batch in reader:
            pending.append(batch)
            rows += batch.num_rows
            while rows >= chunksize:
                table = pa.Table.from_batches(pending, schema=reader.schema)
                yield arrow_to_frame(table.slice(0, chunksize))
                produced = True
                rest = table.slice(chunksize)
                pending, rows = rest.to_batches(), rest.num_rows
        if rows or not produced:
            yield arrow_to_frame(pa.Table.from_batches(pending, schema=reader.schema))
    finally:
        adbc.close()


def to_arrow(frame: pd.DataFrame) -> pa.Table:
    """``frame`` as an Arrow table to ingest: no index, categoricals as their values."""
    import pyarrow as pa

    table = pa.Table.from_pandas(frame, preserve_index=False)
    for index, field in enumerate(table.schema):
        if pa.types.is_dictionary(field.type):
            table = table.set_column(index, field.name, table.column(index).cast(field.type.value_type))
    return table


def ingest(adbc: Any, table: str, frame: pd.DataFrame) -> None:
    """Append ``frame`` to ``table`` with binary ``COPY``, creating the table if absent.

    An existing table's column types win: the frame's columns are cast to them (an
    ``int64`` column into an ``integer`` one), so the binary format matches.
    """
    import adbc_driver_manager
    import pyarrow as pa

    schema, _, name = table.rpartition(".")
    arrow = to_arrow(frame)
    try:
        existing = adbc.adbc_get_table_schema(name, db_schema_filter=schema or None)
    except adbc_driver_manager.ProgrammingError:
        existing = None
    if existing is not None:
        fields = [
            pa.field(field.name, existing.field(field.name).type)
            if field.name in existing.names and not hasattr(existing.field(field.name).type, "storage_type")
            else field
            for field in arrow.schema
        ]
        arrow = arrow.cast(pa.schema(fields))
    cursor = adbc.cursor()
    try:
        mode = "append" if existing is not None else "create"
        cursor.adbc_ingest(name, arrow, mode=mode, db_schema_name=schema or None)
    finally:
        cursor.close()
