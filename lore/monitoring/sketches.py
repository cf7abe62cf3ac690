"""Mergeable data profiles: one small sketch per column, saved as JSON.

A :class:`Profile` holds, for each column, how many values it saw and how many were
missing, and:

- for numbers (and datetimes, as seconds since the epoch): counts in fixed bins. The
  reference (the training data) chooses the bins at its own quantiles
  (``bins - 1`` edges, so each bin holds about ``1/bins`` of it; with at least
  ``TAIL * bins`` values, the two outer bins are cut ``TAIL`` times finer, so the
  tails' quantiles are known too); the profile of new data reuses the reference's
  edges, so two profiles with the same edges merge by adding counts, and the edges
  double as the reference's quantiles. A reference also keeps the sum of squared
  differences from its middle edge (``squares``): with the sum, its exact mean and
  standard deviation (:func:`spread`), which norms drift distances. New data's
  profiles skip it (about a tenth of the time of their binning);
- for categories (strings, booleans, pandas categoricals): the counts of the
  ``max_categories`` most frequent values, and one ``other`` count for the long tail.
  New data profiled against a reference counts only the reference's values; what
  falls in ``other`` there is the share of *unseen* categories.

Everything is vectorized (:func:`bin_numbers`, ``bincount``, ``value_counts``);
profiling a million rows of a few columns takes well under a second.

>>> import pandas as pd
>>> reference = profile(pd.DataFrame({"age": range(100), "city": ["oslo", "lima"] * 50}))
>>> sorted(reference["city"]["values"].items())
[('lima', 50), ('oslo', 50)]
>>> current = profile(pd.DataFrame({"age": [5, None], "city": ["oslo", "pune"]}), reference=reference)
>>> current["age"]["missing"], current["city"]["other"]
(1, 1)
>>> merged = current.merge(current)
>>> merged["city"]["count"], merged.rows
(4, 4)
>>> Profile.from_json(merged.to_json()) == merged
True
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from lore.errors import LoreError
from lore.util import atomic_write

NUMBER = "number"
CATEGORY = "category"
#: Bins of a numeric sketch (edges at the reference's percentiles).
BINS = 100
#: Categories a sketch counts one by one; the rest share the ``other`` count.
MAX_CATEGORIES = 100
#: Cells of the uniform grid :func:`bin_numbers` buckets values in before the exact edges.
GRID = 4096
#: Values :func:`bin_numbers` handles at a time (its temporaries stay in the CPU cache).
CHUNK = 1 << 16
#: How much finer than the others the two outer bins of a large reference are cut.
TAIL = 10


class ProfileError(LoreError):
    """Two profiles that cannot be compared or merged (different bins, kinds or columns)."""


class Profile(Mapping[str, dict[str, Any]]):
    """Column name -> sketch (a JSON-ready dict); see the module documentation.

    Parameters
    ----------
    columns
        The sketches, by column.
    rows
        Rows profiled.
    """

    def __init__(self, columns: dict[str, dict[str, Any]], rows: int) -> None:
        self.columns = columns
        self.rows = int(rows)

    def __getitem__(self, column: str) -> dict[str, Any]:
        return self.columns[column]

    def __iter__(self) -> Iterator[str]:
        return iter(self.columns)

    def __len__(self) -> int:
        return len(self.columns)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Profile) and (self.rows, self.columns) == (other.rows, other.columns)

    def __repr__(self) -> str:
        return f"<Profile of {self.rows} rows: {', '.join(self.columns)}>"

    def merge(self, other: Profile) -> Profile:
        """The profile of both datasets: counts added column by column (same bins required)."""
        columns = dict(self.columns)
        for name, sketch in other.columns.items():
            columns[name] = _merge(columns[name], sketch, name) if name in columns else sketch
        return Profile(columns, self.rows + other.rows)

    __add__ = merge

    def to_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "columns": self.columns}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Profile:
        return cls({name: dict(sketch) for name, sketch in data["columns"].items()}, data["rows"])

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"), allow_nan=False)

    @classmethod
    def from_json(cls, text: str) -> Profile:
        return cls.from_dict(json.loads(text))

    def save(self, path: str | Path) -> None:
        """Write the profile as JSON (atomically)."""
        with atomic_write(path, "w") as stream:
            stream.write(self.to_json())

    @classmethod
    def load(cls, path: str | Path) -> Profile:
        return cls.from_json(Path(path).read_text(encoding="utf-8"))


def profile(
    frame: Any,
    reference: Profile | None = None,
    *,
    columns: list[str] | None = None,
    bins: int = BINS,
    max_categories: int = MAX_CATEGORIES,
) -> Profile:
    """The :class:`Profile` of ``frame`` (a DataFrame, or a dict of columns).

    Parameters
    ----------
    frame
        The data.
    reference
        Profile new data in the reference's terms (its bins and categories), so that
        the two compare and the new profiles merge with each other. Without it, bins
        are chosen at ``frame``'s own quantiles.
    columns
        The columns to profile (all, or the reference's, by default).
    bins, max_categories
        Resolution of a sketch made without a reference.

    Examples
    --------
    >>> import pandas as pd
    >>> sketch = profile(pd.DataFrame({"x": [1.0, 2.0, 3.0, None]}), bins=2)["x"]
    >>> sketch["kind"], sketch["edges"], sketch["counts"], sketch["missing"]
    ('number', [2.0], [2, 1], 1)
    """
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        frame = pd.DataFrame(frame)
    if columns is None:
        columns = list(reference) if reference is not None else [str(name) for name in frame.columns]
    sketches = {}
    for name in columns:
        if name not in frame.columns:
            if reference is not None:
                continue  # a column the new data lacks is reported by drift(), not here
            raise ProfileError(f"no column {name!r} to profile; the frame has {', '.join(map(str, frame))}")
        given = reference[name] if reference is not None and name in reference else None
        sketches[name] = sketch(frame[name], given, bins=bins, max_categories=max_categories)
    return Profile(sketches, len(frame))


def kind_of(series: Any) -> str:
    """``"number"`` for numeric and datetime columns, ``"category"`` for the rest."""
    import pandas as pd

    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype) or isinstance(dtype, pd.CategoricalDtype):
        return CATEGORY
    if pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype):
        return NUMBER
    return CATEGORY


def numbers(series: Any) -> Any:
    """A column as float64 (datetimes in seconds since the epoch); missing values are NaN."""
    import numpy as np
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        values = series.to_numpy(dtype="datetime64[ns]").view("int64").astype(np.float64) / 1e9
        values[series.isna().to_numpy()] = np.nan
        return values
    if not pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        return pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    return series.to_numpy(dtype=np.float64, na_value=np.nan)


def sketch(
    series: Any,
    reference: dict[str, Any] | None = None,
    *,
    bins: int = BINS,
    max_categories: int = MAX_CATEGORIES,
) -> dict[str, Any]:
    """The sketch of one column (in ``reference``'s terms when given)."""
    kind = reference["kind"] if reference is not None else kind_of(series)
    if kind == NUMBER:
        return _numeric(series, reference, bins)
    return _categorical(series, reference, max_categories)


def _numeric(series: Any, reference: dict[str, Any] | None, bins: int) -> dict[str, Any]:
    import numpy as np

    values = numbers(series)
    present = values[~np.isnan(values)]
    if reference is not None:
        edges = np.asarray(reference["edges"], dtype=np.float64)
    elif len(present):
        levels = np.linspace(0, 1, bins + 1)[1:-1]
        if len(present) >= TAIL * bins:  # per-mille edges in the outer percents (by default)
            finer = np.arange(1, TAIL) / (TAIL * bins)
            levels = np.concatenate([finer, levels, 1 - finer[::-1]])
        edges = np.unique(np.quantile(present, levels))
    else:
        edges = np.empty(0)
    counts = np.bincount(bin_numbers(edges, present), minlength=len(edges) + 1)
    found = {
        "kind": NUMBER,
        "count": len(values),
        "missing": int(len(values) - len(present)),
        "edges": edges.tolist(),
        "counts": counts.tolist(),
        "sum": float(present.sum()),
        "min": float(present.min()) if len(present) else None,
        "max": float(present.max()) if len(present) else None,
    }
    if reference is None:
        deviation = present - _pivot(edges)
        found["squares"] = float(np.dot(deviation, deviation))
    return found


def bin_numbers(edges: Any, values: Any, side: str = "left") -> Any:
    """The bin of each value: ``numpy.searchsorted(edges, values, side)``, about 10x faster.

    ``edges`` are sorted; ``values`` hold no NaN. Each value is first put in one cell of
    a uniform grid of :data:`GRID` cells over the edges' range, whose table gives the
    number of edges in the cells below; then the few edges inside its own cell (at most
    ``most``) are compared with the value itself. Both steps use the same monotone
    arithmetic for edges and values, so the result is exactly ``searchsorted``'s; when
    the edges crowd into a few cells (a very skewed column), ``searchsorted`` itself runs.

    >>> import numpy as np
    >>> edges, values = np.array([1.0, 2.0, 2.5]), np.array([0.0, 1.0, 1.5, 2.5, 9.0, -np.inf])
    >>> bin_numbers(edges, values).tolist(), np.searchsorted(edges, values).tolist()
    ([0, 0, 1, 2, 3, 0], [0, 0, 1, 2, 3, 0])
    """
    import numpy as np

    edges = np.asarray(edges, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    low, high = (float(edges[0]), float(edges[-1])) if len(edges) else (0.0, 0.0)
    scale = GRID / (high - low) if len(edges) > 1 and np.isfinite(high - low) and high > low else 0.0

    def cells(numbers: Any, out: Any) -> Any:
        with np.errstate(over="ignore"):  # beyond the grid either way: clipped to its ends
            np.subtract(numbers, low, out=out)
            np.multiply(out, scale, out=out)
        return np.clip(out, 0, GRID - 1, out=out)

    if scale:
        edge_cells = cells(edges, np.empty(len(edges))).astype(np.intp)
        most = int(np.bincount(edge_cells).max())
    if not scale or most > 4:
        return np.searchsorted(edges, values, side=side)  # type: ignore[call-overload]
    code = np.uint8 if len(edges) < 255 else np.int32
    below = np.searchsorted(edge_cells, np.arange(GRID), side="left").astype(code)  # edges in cells below
    padded = np.append(edges, np.nan)  # below no value and equal to none
    compare = np.less if side == "left" else np.less_equal
    found = np.empty(len(values), dtype=code)
    where = np.empty(CHUNK)
    index = np.empty(CHUNK, dtype=np.intp)
    above = np.empty(CHUNK, dtype=bool)
    for start in range(0, len(values), CHUNK):
        chunk = values[start : start + CHUNK]
        size = len(chunk)
        index[:size] = cells(chunk, where[:size])
        bins = found[start : start + size]
        np.take(below, index[:size], out=bins)
        for _ in range(most):  # the edges of the value's own cell below it (or equal, side="right")
            compare(padded[bins], chunk, out=above[:size])
            np.add(bins, above[:size], out=bins)
    return found


def _pivot(edges: Any) -> float:
    """The middle edge (0 without edges): ``squares`` are taken about it, to keep their precision."""
    return float(edges[len(edges) // 2]) if len(edges) else 0.0


def spread(sketch: dict[str, Any]) -> tuple[float, float]:
    """Mean and standard deviation (``ddof=0``) of the values a reference's numeric sketch saw.

    >>> import pandas as pd
    >>> spread(profile(pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0, None]}))["x"])
    (2.5, 1.118033988749895)
    """
    import numpy as np

    present = sketch["count"] - sketch["missing"]
    if not present:
        return float("nan"), float("nan")
    mean = sketch["sum"] / present
    offset = mean - _pivot(sketch["edges"])
    return mean, float(np.sqrt(max(sketch["squares"] / present - offset * offset, 0.0)))


def _categorical(series: Any, reference: dict[str, Any] | None, max_categories: int) -> dict[str, Any]:
    import pandas as pd

    counts = series.value_counts(dropna=True)  # on the values, then their text: no column of strings
    counts = counts[counts.to_numpy() > 0]  # a categorical lists its unused categories too
    if not isinstance(counts.index.dtype, pd.StringDtype):  # text is its own text already
        counts.index = counts.index.map(str)
        if not counts.index.is_unique:  # 1 and "1" are one category
            counts = counts.groupby(level=0, sort=False).sum().sort_values(ascending=False, kind="stable")
    tallies = counts.to_numpy()
    seen = int(tallies.sum())
    if reference is not None:
        wanted = list(reference["values"])
        names = [str(key) for key in wanted]
        known = counts.reindex(wanted, fill_value=0).to_numpy()
    else:
        names = [str(key) for key in counts.index[:max_categories].tolist()]
        known = tallies[:max_categories]
    values = dict(zip(names, known.tolist()))
    other = seen - int(known.sum())
    missing = len(series) - seen
    return {"kind": CATEGORY, "count": len(series), "missing": missing, "values": values, "other": other}


def _merge(a: dict[str, Any], b: dict[str, Any], name: str) -> dict[str, Any]:
    if a["kind"] != b["kind"]:
        raise ProfileError(f"column {name!r} is a {a['kind']} in one profile and a {b['kind']} in the other")
    merged = {"kind": a["kind"], "count": a["count"] + b["count"], "missing": a["missing"] + b["missing"]}
    if a["kind"] == NUMBER:
        if a["edges"] != b["edges"]:
            raise ProfileError(
                f"column {name!r} was binned differently in the two profiles; "
                "profile both with reference= the same reference profile"
            )
        lows = [value for value in (a["min"], b["min"]) if value is not None]
        highs = [value for value in (a["max"], b["max"]) if value is not None]
        merged.update(
            edges=a["edges"],
            counts=[x + y for x, y in zip(a["counts"], b["counts"])],
            sum=a["sum"] + b["sum"],
            min=min(lows) if lows else None,
            max=max(highs) if highs else None,
        )
        if "squares" in a and "squares" in b:
            merged["squares"] = a["squares"] + b["squares"]
    else:
        values = dict(a["values"])
        for key, count in b["values"].items():
            values[key] = values.get(key, 0) + count
        merged.update(values=values, other=a["other"] + b["other"])
    return merged
