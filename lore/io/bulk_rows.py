"""Frames turned into rows for bulk writes, column by column (no per-row Python work).

>>> import pandas as pd
>>> rows(pd.DataFrame({"a": [1.0, None], "when": pd.to_datetime(["2024-01-02", None])}))
[(1.0, '2024-01-02 00:00:00.000000'), (None, None)]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


def _iso(column: pd.Series) -> pd.Series:
    """Datetimes as ``YYYY-MM-DD HH:MM:SS.ffffff`` text (UTC with ``+00:00`` if zoned)."""
    import numpy as np
    import pandas as pd

    zoned = getattr(column.dtype, "tz", None) is not None
    values = (column.dt.tz_convert("UTC").dt.tz_localize(None) if zoned else column).to_numpy(
        "datetime64[us]"
    )
    text = np.datetime_as_string(values, unit="us")
    if len(text):  # numpy's replace cannot size an empty array
        text = np.strings.replace(text, "T", " ")
    if zoned:
        text = np.strings.add(text, "+00:00")
    return pd.Series(text, index=column.index, dtype=object).where(column.notna(), None)


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Categoricals as their values, datetimes as ISO text (vectorized)."""
    import pandas as pd

    columns = {}
    for name, column in frame.items():
        if isinstance(column.dtype, pd.CategoricalDtype):
            column = column.astype(column.cat.categories.dtype)
        if pd.api.types.is_datetime64_any_dtype(column.dtype):
            column = _iso(column)
        columns[name] = column
    return pd.DataFrame(columns, index=frame.index)


def rows(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    """``frame`` as a list of tuples of Python values, ``None`` for missing."""
    plain = _plain(frame).astype(object)
    plain = plain.where(plain.notna(), None)
    return list(map(tuple, plain.to_numpy().tolist()))


def executemany(dbapi_connection: Any, table: str, columns: list[str], frame: pd.DataFrame) -> None:
    """``INSERT INTO table (columns) VALUES (?, ...)`` with every row of ``frame``."""
    marks = ", ".join("?" for _ in columns)
    cursor = dbapi_connection.cursor()
    try:
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows(frame))
    finally:
        cursor.close()
