"""Date and time transformers: calendar parts and elapsed time.

Text columns are parsed as ISO dates; time-zone aware values are converted to UTC.

>>> import pandas as pd
>>> from lore.transformers import Age, DateTime
>>> frame = pd.DataFrame({"at": pd.to_datetime(["2024-03-01 13:00", None])})
>>> DateTime("at", "hour").transform(frame).tolist()
[13.0, nan]
>>> Age("at", unit="days", reference="2024-03-11 13:00").transform(frame).tolist()
[10.0, nan]
"""

from __future__ import annotations

from typing import Any

from lore.errors import EncodingError
from lore.transformers.base import Source, Transformer, read, source_columns

PARTS = ("year", "month", "day", "dayofweek", "dayofyear", "hour", "minute", "quarter", "epoch")
UNITS = {"seconds": 1.0, "minutes": 60.0, "hours": 3600.0, "days": 86400.0, "years": 365.2425 * 86400.0}


def datetimes(series: Any, reader: str) -> Any:
    """``series`` as naive UTC datetimes; unparseable text raises :class:`~lore.errors.EncodingError`."""
    import pandas as pd

    if isinstance(series.dtype, pd.DatetimeTZDtype):
        return series.dt.tz_convert("UTC").dt.tz_localize(None)
    if series.dtype.kind == "M":
        return series
    if series.dtype.kind in "fiub":
        raise EncodingError(f"{reader} needs dates but {series.name!r} holds {series.dtype} numbers")
    try:
        parsed = pd.to_datetime(series, errors="raise", utc=True, format="ISO8601")
    except (TypeError, ValueError) as error:
        raise EncodingError(f"{reader} cannot read {series.name!r} as dates: {error}") from None
    return parsed.dt.tz_localize(None)


def seconds(series: Any) -> Any:
    """Seconds since 1970-01-01 as float64 (NaN for missing)."""
    import numpy as np
    import pandas as pd

    values = series.to_numpy(dtype="datetime64[ns]")
    result = values.view("int64").astype("float64") / 1e9
    result[np.isnat(values)] = np.nan
    return pd.Series(result, index=series.index)


class DateTime(Transformer):
    """One calendar part of a date: ``year``, ``month``, ``day``, ``dayofweek`` (Monday 0),
    ``dayofyear``, ``hour``, ``minute``, ``quarter`` or ``epoch`` (seconds since 1970)."""

    def __init__(self, column: Source, part: str = "epoch") -> None:
        self.column = column
        self.part = part

    @property
    def name(self) -> str:
        return f"{self.part}_{super().name}"

    def apply(self, series: Any) -> Any:
        if self.part not in PARTS:
            raise EncodingError(f"DateTime part {self.part!r} is unknown; use one of {', '.join(PARTS)}")
        values = datetimes(series, self.name)
        if self.part == "epoch":
            return seconds(values)
        attribute = {"dayofweek": "day_of_week", "dayofyear": "day_of_year"}.get(self.part, self.part)
        return getattr(values.dt, attribute).astype("float64")


class Age(Transformer):
    """Time elapsed since the date in ``column``, in ``unit`` (``seconds`` ... ``years``).

    Measured to ``reference`` (a date; by default the time of the transform), or to the
    dates in the column ``reference_column`` when given.
    """

    def __init__(
        self, column: Source, unit: str = "years", reference: Any = None, reference_column: Source = None
    ) -> None:
        self.column = column
        self.unit = unit
        self.reference = reference
        self.reference_column = reference_column

    def transform(self, frame: Any) -> Any:
        import pandas as pd

        if self.unit not in UNITS:
            raise EncodingError(f"Age unit {self.unit!r} is unknown; use one of {', '.join(UNITS)}")
        then = seconds(datetimes(read(frame, self.column, self.name), self.name))
        if self.reference_column is not None:
            now: Any = seconds(datetimes(read(frame, self.reference_column, self.name), self.name))
        else:
            stamp = pd.Timestamp.now(tz="UTC") if self.reference is None else pd.Timestamp(self.reference)
            stamp = stamp.tz_convert("UTC").tz_localize(None) if stamp.tzinfo else stamp
            now = stamp.as_unit("ns").value / 1e9
        result = (now - then) / UNITS[self.unit]
        result.name = self.name
        return result

    def input_columns(self) -> list[str]:
        extra = [] if self.reference_column is None else source_columns(self.reference_column)
        return list(dict.fromkeys(super().input_columns() + extra))
