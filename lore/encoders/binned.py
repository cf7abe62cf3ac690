"""Encoders that turn numbers into bin codes: equal-width, equal-count, and small integers.

>>> import pandas as pd
>>> from lore.encoders import Discrete, Enum, Quantile
>>> frame = pd.DataFrame({"x": [0.0, 2.5, 5.0, 10.0, None]})
>>> Discrete("x", bins=4).fit(frame).transform(frame).tolist()
[0, 1, 2, 3, 4]
>>> Quantile("x", quantiles=2).fit(frame).transform(frame).tolist()
[0, 0, 1, 1, 4]
>>> Enum("x").fit(frame[:3].fillna(0).astype(int)).transform(pd.DataFrame({"x": [0, 2, 7, None]})).tolist()
[0, 2, 6, 7]
"""

from __future__ import annotations

from typing import Any, ClassVar

from lore.encoders.base import COUNT, Check, code_dtype
from lore.encoders.continuous import Numeric
from lore.encoders.sketch import Sketch
from lore.transformers.base import Source


class Discrete(Numeric):
    """``bins`` equal-width bins between the min and max seen at fit: codes ``0 .. bins-1``.

    Values outside the fitted range fall in the first or last bin; missing values get
    code ``bins``; ``cardinality() == bins + 1``. A constant column encodes as 0.
    Datetimes are binned by time (``reverse_transform`` gives the middle of each bin
    as a UTC datetime without a time zone).

    >>> import pandas as pd
    >>> days = pd.DataFrame({"day": pd.to_datetime(["2024-01-01", "2024-01-03", None])})
    >>> Discrete("day", bins=2).fit(days).transform(days).tolist()
    [0, 1, 2]
    """

    constraints: ClassVar[dict[str, Check]] = {**Numeric.constraints, "bins": COUNT}

    def __init__(self, column: Source, name: str | None = None, bins: int = 10) -> None:
        super().__init__(column, name)
        self.bins = bins

    def values(self, series: Any) -> Any:
        """Numbers as float64; datetimes as seconds since 1970 (UTC), NaN for missing."""
        import numpy as np
        import pandas as pd

        if self.__dict__.get("datetime_") and series.dtype == object:  # e.g. decoded datetimes
            try:
                series = pd.to_datetime(series)
            except (ValueError, TypeError):
                return super().values(series)  # the EncodingError naming what the column holds
        if not pd.api.types.is_datetime64_any_dtype(series.dtype):
            return super().values(series)
        if getattr(series.dtype, "tz", None) is not None:
            series = series.dt.tz_convert("UTC").dt.tz_localize(None)
        seconds = series.to_numpy("datetime64[ns]").astype("int64").astype("float64") / 1e9
        seconds[series.isna().to_numpy()] = np.nan
        return seconds

    def _summarize(self, series: Any) -> dict[str, Any]:
        import pandas as pd

        return {**super()._summarize(series), "datetime": pd.api.types.is_datetime64_any_dtype(series.dtype)}

    def _combine(self, a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
        return {**super()._combine(a, b), "datetime": a.get("datetime", False) or b.get("datetime", False)}

    def _learn(self, stats: dict[str, Any]) -> None:
        import numpy as np

        self._require_values(stats)
        self.edges_ = np.linspace(stats["min"], stats["max"], int(self.bins) + 1)
        self.datetime_ = bool(stats.get("datetime", False))

    def cardinality(self) -> int:
        self.check_fitted()
        return len(self.edges_)

    def _encode_numbers(self, values: Any) -> Any:
        import numpy as np

        low, high = self.edges_[0], self.edges_[-1]
        bins = len(self.edges_) - 1
        span = high - low
        scaled = (values - low) * (bins / span) if span > 0 else values * 0.0
        codes = np.clip(np.nan_to_num(scaled, nan=0.0), 0, bins - 1).astype(code_dtype(bins + 1))
        codes[np.isnan(values)] = bins
        return codes

    def reverse_transform(self, encoded: Any) -> Any:
        """The middle of each bin; NaN for the missing code."""
        import numpy as np

        codes = np.asarray(encoded, dtype="int64")
        middles = np.append((self.edges_[:-1] + self.edges_[1:]) / 2, np.nan)
        decoded = middles[np.clip(codes, 0, len(middles) - 1)]
        if self.__dict__.get("datetime_"):
            import pandas as pd

            return pd.to_datetime(decoded, unit="s").to_numpy()
        return decoded


class Quantile(Numeric):
    """Bins holding equal numbers of the fitted rows: codes ``0 .. n_bins_ - 1``.

    Edges are the ``quantiles``-quantiles of the training values; repeated edges are
    dropped, so ``n_bins_`` may be smaller than ``quantiles`` on lumpy data. Values
    below the fitted minimum get code ``n_bins_``, above the maximum ``n_bins_ + 1``,
    missing ``n_bins_ + 2``; ``cardinality() == n_bins_ + 3``. Fitted in chunks, the
    edges come from a :class:`~lore.encoders.sketch.Sketch` (exact up to 32,768 values,
    then within about 1/32,768 in rank).
    """

    constraints: ClassVar[dict[str, Check]] = {**Numeric.constraints, "quantiles": COUNT}

    def __init__(self, column: Source, name: str | None = None, quantiles: int = 10) -> None:
        super().__init__(column, name)
        self.quantiles = quantiles

    def _summarize(self, series: Any) -> dict[str, Any]:
        values = self.values(series)
        return {"count": int((values == values).sum()), "sketch": Sketch.of(values)}

    def _combine(self, a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
        return {"count": a["count"] + b["count"], "sketch": a["sketch"].merge(b["sketch"])}

    def _learn(self, stats: dict[str, Any]) -> None:
        import numpy as np

        self._require_values(stats)
        edges = np.unique(stats["sketch"].quantiles(np.linspace(0, 1, int(self.quantiles) + 1)))
        self.edges_ = edges if len(edges) > 1 else np.repeat(edges, 2)
        self.n_bins_ = len(self.edges_) - 1

    def cardinality(self) -> int:
        self.check_fitted()
        return self.n_bins_ + 3

    def _encode_numbers(self, values: Any) -> Any:
        import numpy as np

        codes = np.searchsorted(self.edges_[1:-1], values, side="right").astype(code_dtype(self.n_bins_ + 3))
        codes[values < self.edges_[0]] = self.n_bins_
        codes[values > self.edges_[-1]] = self.n_bins_ + 1
        codes[np.isnan(values)] = self.n_bins_ + 2
        return codes

    def reverse_transform(self, encoded: Any) -> Any:
        """The middle of each bin; the fitted min / max for the outside codes; NaN if missing."""
        import numpy as np

        codes = np.asarray(encoded, dtype="int64")
        middles = np.concatenate(
            [(self.edges_[:-1] + self.edges_[1:]) / 2, [self.edges_[0], self.edges_[-1], np.nan]]
        )
        return middles[np.clip(codes, 0, len(middles) - 1)]


class Enum(Numeric):
    """Small non-negative integers kept as their own codes ``0 .. max_``.

    Values above the fitted maximum, negative or fractional get code ``max_ + 1``;
    missing values ``max_ + 2``; ``cardinality() == max_ + 3``.
    """

    def _learn(self, stats: dict[str, Any]) -> None:
        from lore.errors import EncodingError

        self._require_values(stats)
        if stats["max"] < 0 or stats["max"] > 1 << 24:
            raise EncodingError(
                f"{self.name}: Enum needs small non-negative integers, the maximum is {stats['max']}; "
                "use Unique for identifiers"
            )
        self.max_ = int(stats["max"])

    def cardinality(self) -> int:
        self.check_fitted()
        return self.max_ + 3

    def _encode_numbers(self, values: Any) -> Any:
        import numpy as np

        inside = (values >= 0) & (values <= self.max_) & (values == np.floor(values))
        codes = np.where(inside, np.nan_to_num(values), self.max_ + 1).astype(code_dtype(self.max_ + 3))
        codes[np.isnan(values)] = self.max_ + 2
        return codes

    def reverse_transform(self, encoded: Any) -> Any:
        """The integer, or NaN for the unseen and missing codes."""
        import numpy as np

        codes = np.asarray(encoded, dtype="float64")
        return np.where(codes <= self.max_, codes, np.nan)
