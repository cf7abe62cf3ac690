"""PostgreSQL fast paths: ADBC (Arrow, binary COPY) for reads, ``COPY FROM STDIN`` for writes.

Reading a large result through SQLAlchemy and ``pandas.read_sql`` builds one Python
object per value; ADBC's PostgreSQL driver streams the result in PostgreSQL's binary
format straight into Arrow columns, and :func:`arrow_to_frame` turns those into the
dtypes ``read_sql`` would have given (``int64``, ``float64``, ``str``, ``datetime64``).
Parameters are bound server-side as ``$1, $2...``: never formatted into the text.

Writes use ``COPY ... FROM STDIN`` in CSV, so PostgreSQL converts each value to the
column's type (an existing ``integer`` column accepts an ``int64`` frame).

>>> adbc_uri("postgresql+psycopg2://me:pw@db:5432/app?sslmode=require")
'postgresql://me:pw@db:5432/app?sslmode=require'
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

#: Rows per COPY chunk when writing (bounds the CSV buffer in memory).
COPY_ROWS = 250_000


def adbc_uri(url: str) -> str:
    """The libpq URI of a SQLAlchemy PostgreSQL URL (without its ``+driver``)."""
    import sqlalchemy

    parsed = sqlalchemy.make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


def connect(url: str) -> Any:
    """An autocommit ADBC connection to ``url``."""
    import adbc_driver_postgresql.dbapi

    return adbc_driver_postgresql.dbapi.connect(adbc_uri(url), autocommit=True)


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
        elif hasattr(kind, "storage_type") and "type_name=numeric" in str(kind):
            column = column.cast(kind.storage_type).cast(pa.float64())
        columns.append(column)
    return pa.table(columns, names=table.column_names).to_pandas()


def read(adbc: Any, sql: str, values: list[Any]) -> pd.DataFrame:
    """Run ``sql`` with ``$n`` placeholders bound to ``values``; the result as a frame."""
    cursor = adbc.cursor()
    try:
        cursor.execute(sql, parameters=values or None)
        return arrow_to_frame(cursor.fetch_arrow_table())
    finally:
        cursor.close()


def copy_in(dbapi_connection: Any, driver: str, table: str, columns: list[str], frame: pd.DataFrame) -> None:
    """``COPY table (columns) FROM STDIN`` the rows of ``frame`` (psycopg2 or psycopg 3)."""
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
    cursor = dbapi_connection.cursor()
    try:
        for start in range(0, len(frame), COPY_ROWS):
            buffer = io.StringIO()
            frame.iloc[start : start + COPY_ROWS].to_csv(buffer, index=False, header=False, na_rep="\\N")
            buffer.seek(0)
            if driver == "psycopg2":
                cursor.copy_expert(sql, buffer)
            else:
                with cursor.copy(sql) as copy:
                    copy.write(buffer.getvalue())
    finally:
        cursor.close()
