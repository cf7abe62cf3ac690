"""Large extracts as Dask DataFrames, one bound range query per partition.

``conn.dataframe(sql, partitions=N, index="id")`` first asks the database for the
``min``, ``max`` and row count of ``index`` over the query, cuts that range into
``N`` equal intervals and returns a lazy Dask DataFrame whose partition ``i`` runs::

    SELECT * FROM (<the query>) AS lore_partition
    WHERE "id" >= %(lore_partition_low)s AND "id" < %(lore_partition_high)s

on whichever worker computes it (the last interval includes the maximum). The bounds
are bound parameters, like every value lore sends; workers open their own connection
from the connection's URL. Each partition is indexed and sorted by ``index`` (which
stays a column too), and the divisions are known, so joins and ``loc`` on the index
are cheap. ``index`` must be numeric or a date/time and never NULL: a row whose index
is NULL falls in no interval, so that is refused rather than silently dropped.

>>> import pandas as pd
>>> from lore.io.database import Connection
>>> conn = Connection("doc_partitions", "sqlite://")
>>> conn.insert("events", pd.DataFrame({"id": range(10), "value": range(10, 20)}))
>>> frame = conn.dataframe("SELECT * FROM events", partitions=3, index="id")
>>> frame.npartitions, frame.divisions
(3, (0, 3, 6, 9))
>>> frame["value"].sum().compute(scheduler="sync")
np.int64(145)
"""

from __future__ import annotations

import re
import threading
import weakref
from typing import Any, Protocol

from lore.errors import DataError, MissingDependency, ParameterError


class Source(Protocol):
    """What a partitioned read needs of a connection (:class:`lore.io.database.Connection`).

    Its class, called with ``(name, url)``, opens the same database on a worker.
    """

    name: str
    url: str

    def __init__(self, name: str, url: str) -> None: ...

    def select(self, extract_or_sql: str, **params: Any) -> list[tuple[Any, ...]]: ...

    def dataframe(self, extract_or_sql: str, **params: Any) -> Any: ...


_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LOW, _HIGH = "lore_partition_low", "lore_partition_high"
_worker_connections: dict[tuple[str, str], Source] = {}
#: The connections partitions were made from in this process (an in-memory database stays the same).
_origins: weakref.WeakValueDictionary[tuple[str, str], Source] = weakref.WeakValueDictionary()
_lock = threading.Lock()


def _subquery(sql: str) -> str:
    return sql.strip().rstrip(";").rstrip()


def _native(value: Any) -> Any:
    """A value the database drivers bind (no numpy scalars)."""
    item = getattr(value, "item", None)
    if callable(item) and not hasattr(value, "to_pydatetime"):
        return item()
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime()
    return value


def edges(low: Any, high: Any, partitions: int) -> list[Any]:
    """``partitions + 1`` increasing bounds from ``low`` to ``high`` (fewer when the range is small).

    >>> edges(0, 9, 3), edges(0.0, 1.0, 4), edges(5, 6, 4)
    ([0, 3, 6, 9], [0.0, 0.25, 0.5, 0.75, 1.0], [5, 6])
    """
    import datetime

    if isinstance(low, bool) or not isinstance(low, (int, float, datetime.date)):
        raise DataError(
            f"the index column must be numeric or a date/time, not {type(low).__name__} ({low!r}); "
            "partition on an integer id or a timestamp"
        )
    if isinstance(low, int) and isinstance(high, int):
        cuts = [low + (high - low) * i // partitions for i in range(partitions)]
    else:
        cuts = [low + (high - low) * i / partitions for i in range(partitions)]
    return sorted(set(cuts)) + ([high] if high != low or not cuts else [])


def _statement(sql: str, index: str, last: bool) -> str:
    upper = "<=" if last else "<"
    return (
        f"SELECT * FROM ({_subquery(sql)}) AS lore_partition "
        f'WHERE "{index}" >= %({_LOW})s AND "{index}" {upper} %({_HIGH})s'
    )


def read_partition(
    kind: type[Source],
    name: str,
    url: str,
    sql: str,
    index: str,
    low: Any,
    high: Any,
    last: bool,
    params: dict[str, Any],
) -> Any:
    """One partition (run on a worker): the rows of ``sql`` with ``low <= index < high``.

    ``kind(name, url)`` opens the connection on a worker that has none yet.
    """
    with _lock:
        connection = _origins.get((name, url)) or _worker_connections.get((name, url))
        if connection is None:
            connection = _worker_connections[(name, url)] = kind(name, url)
    frame = connection.dataframe(_statement(sql, index, last), **params, **{_LOW: low, _HIGH: high})
    return frame.set_index(index, drop=False).rename_axis(None).sort_index(kind="stable")


def read(connection: Source, sql: str, *, partitions: int, index: str, params: dict[str, Any]) -> Any:
    """A Dask DataFrame of ``sql`` on ``connection`` in ``partitions`` ranges of ``index``.

    ``sql`` is SQL text or an extract name; see the module documentation.
    """
    try:
        import dask
        import dask.dataframe as dd
    except ImportError:  # pragma: no cover - dask is an optional extra
        raise MissingDependency("dask", "dask", "partitioned reads") from None
    if isinstance(partitions, bool) or not isinstance(partitions, int) or partitions < 1:
        raise ParameterError(f"partitions must be a positive integer, not {partitions!r}")
    if not isinstance(index, str) or not _IDENTIFIER.match(index):
        raise ParameterError(
            f"index must be the name of a column of the query (letters, digits, _), not {index!r}"
        )
    import lore.io.extracts as extracts

    text = extracts.find(sql).read_text(encoding="utf-8") if extracts.looks_like_name(sql) else sql
    bounds = (
        f'SELECT min("{index}"), max("{index}"), count(*), count("{index}") '
        f"FROM ({_subquery(text)}) AS lore_bounds"
    )
    low, high, rows, indexed = connection.select(bounds, **params)[0]
    if rows != indexed:
        raise DataError(
            f"{rows - indexed} of {rows} rows have NULL in the index column {index!r}; partition on a "
            "column that is never NULL (or filter those rows out in the query)"
        )
    if rows == 0:
        raise DataError(f"the query returned no rows, so it has no {index!r} range to partition")
    _origins[(connection.name, connection.url)] = connection
    cuts = edges(_native(low), _native(high), partitions)
    if len(cuts) == 1:
        cuts = [cuts[0], cuts[0]]
    parts = [
        dask.delayed(read_partition, pure=True)(
            type(connection),
            connection.name,
            connection.url,
            text,
            index,
            cuts[i],
            cuts[i + 1],
            i == len(cuts) - 2,
            params,
        )
        for i in range(len(cuts) - 1)
    ]
    return dd.from_delayed(parts, divisions=tuple(cuts))
