"""Drift of each column between a reference profile and new data, and changes in missing values.

For every column of the reference, :func:`drift` reports

- ``distance``, how far the distribution of the present values moved: for numbers the
  Wasserstein-1 distance (the area between the two quantile functions) divided by the
  reference's standard deviation, for categories the Jensen-Shannon distance (natural
  logarithm) of the category shares. These are Evidently's defaults for a reference of
  more than 1,000 rows, computed here from the mergeable sketches. A number of at most
  :data:`FEW_VALUES` values (a flag, a small count) is judged like a category, over
  its bins (Evidently: at most 5 distinct values);
- ``psi``, the population stability index over about ten groups of equal reference
  mass (numbers: the sketch's fine bins grouped by the reference's deciles;
  categories: the reference's values and the long tail);
- a two-sample test: Kolmogorov-Smirnov on the binned numbers (``ks``; the statistic is
  the largest gap between the two cumulative distributions at the reference's
  quantiles, so it never exceeds the exact one) or chi-square on the category counts
  and the bins of a number of a few values (``chi2``), with its p-value;
- the missing rates, whether their change is an alarm (``missing_changed``), and, for
  categories, the share of values the reference never saw.

A column *drifts* when its distance reaches ``Thresholds.distance`` **and** its test's
p-value is below ``Thresholds.p_value``: the change is both material and unlikely to
be chance (on large samples a test alone flags differences too small to matter; on
small samples a distance alone flags noise). Distance, PSI and test see the present
values only; a change in the share of missing values is a separate fact:
``missing_changed`` when the share moved by at least ``Thresholds.missing`` and a
chi-square test of it is below ``Thresholds.p_value``. The thresholds come from
``[DRIFT]`` in ``config/monitoring.cfg``.

>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(0)
>>> before = pd.DataFrame({"x": rng.normal(0, 1, 5000), "y": rng.normal(0, 1, 5000)})
>>> after = pd.DataFrame({"x": rng.normal(1, 1, 2000), "y": rng.normal(0, 1, 2000)})
>>> after.loc[:499, "y"] = None
>>> report = drift(before, after)
>>> report["drifted"].to_dict(), report["missing_changed"].to_dict()
({'x': True, 'y': False}, {'x': False, 'y': True})
"""

from __future__ import annotations

import dataclasses
from typing import Any

from lore.errors import ConfigError
from lore.monitoring.sketches import NUMBER, Profile, ProfileError, profile, spread

#: Groups of equal reference mass that PSI compares for a numeric column.
PSI_GROUPS = 10
#: Proportions below this count as this in PSI (an empty bin would be infinite).
EPSILON = 1e-4
#: Standard deviations below this count as this in the normed Wasserstein distance.
SMALLEST_STD = 0.001
#: A number whose reference sketch has at most this many edges (about as many distinct
#: values) is judged like a category, over its bins: Jensen-Shannon and chi-square.
FEW_VALUES = 5
#: Columns of the table :func:`drift` returns.
COLUMNS = (
    "kind",
    "distance",
    "psi",
    "test",
    "statistic",
    "p_value",
    "missing_reference",
    "missing_current",
    "unseen",
    "rows",
    "drifted",
    "missing_changed",
)


@dataclasses.dataclass(frozen=True)
class Thresholds:
    """When a column drifts, when its missing values alarm, and when estimated accuracy alarms.

    A column drifts when its ``distance`` is at least ``distance`` and its test's p-value
    is below ``p_value``; its missing values alarm when their share moved by at least
    ``missing`` (absolute) and the chi-square test of that share is below ``p_value``.
    ``accuracy_drop`` is the absolute drop of estimated (or realised) accuracy from the
    reference's that ``lore monitor`` reports as crossed. Fewer than ``min_rows`` rows
    (present values, for drift) are too few to judge: their numbers are reported, but
    nothing is flagged, so the first requests after a deployment raise no alarm.
    """

    distance: float = 0.1
    p_value: float = 0.01
    missing: float = 0.05
    accuracy_drop: float = 0.05
    min_rows: float = 100

    @classmethod
    def from_config(cls) -> Thresholds:
        """``[DRIFT]`` of ``config/monitoring.cfg``: the keys are the field names."""
        import lore.config

        section = lore.config.read("monitoring").get("DRIFT")
        if section is None:
            return cls()
        fields = {field.name for field in dataclasses.fields(cls)}
        section.check_keys(fields)
        values = {}
        for key, text in section.items():
            try:
                values[key] = float(text)
            except ValueError:
                raise ConfigError(
                    f"config/monitoring.cfg [DRIFT] {key}={text!r} is not a number; set it to one "
                    f"(default {getattr(cls, key)})"
                ) from None
        return cls(**values)


def drift(reference: Any, current: Any, thresholds: Thresholds | None = None) -> Any:
    """Drift of each of the reference's columns in ``current``: a DataFrame, one row a column.

    Parameters
    ----------
    reference
        A :class:`~lore.monitoring.Profile` (a fitting's ``reference.inputs``) or a
        DataFrame, profiled first.
    current
        The new data: a DataFrame, or a profile made with ``reference=`` the same
        reference (merged profiles of many batches included).
    thresholds
        :meth:`Thresholds.from_config` by default.

    Returns
    -------
    pandas.DataFrame
        Indexed by column, with the columns of :data:`COLUMNS`.
    """
    import pandas as pd

    thresholds = thresholds or Thresholds.from_config()
    if not isinstance(reference, Profile):
        reference = profile(reference)
    if not isinstance(current, Profile):
        current = profile(current, reference)
    rows = {name: compare(sketch, current.get(name), thresholds, name) for name, sketch in reference.items()}
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(COLUMNS))


def compare(
    reference: dict[str, Any], current: dict[str, Any] | None, thresholds: Thresholds, name: str = "column"
) -> dict[str, Any]:
    """One row of :func:`drift`'s table, for the sketches of one column."""
    import numpy as np

    nan = float("nan")
    row = {
        "kind": reference["kind"],
        "distance": nan,
        "psi": nan,
        "test": "ks" if reference["kind"] == NUMBER and len(reference["edges"]) > FEW_VALUES else "chi2",
        "statistic": nan,
        "p_value": nan,
        "missing_reference": _share(reference["missing"], reference["count"]),
        "missing_current": nan,
        "unseen": nan,
        "rows": 0,
        "drifted": False,
        "missing_changed": False,
    }
    if current is None or not current["count"]:
        return row
    if current["kind"] != reference["kind"]:
        raise ProfileError(
            f"column {name!r} is a {reference['kind']} in the reference, a {current['kind']} now"
        )
    row["rows"] = current["count"]
    row["missing_current"] = _share(current["missing"], current["count"])
    if reference["missing"] or current["missing"]:
        _, missing_p = _chi2(
            np.array([reference["count"] - reference["missing"], reference["missing"]]),
            np.array([current["count"] - current["missing"], current["missing"]]),
        )
        moved = abs(row["missing_current"] - row["missing_reference"])
        row["missing_changed"] = bool(
            moved >= thresholds.missing
            and missing_p < thresholds.p_value
            and current["count"] >= thresholds.min_rows
        )
    present = reference["count"] > reference["missing"] and current["count"] > current["missing"]
    if reference["kind"] == NUMBER:
        if current["edges"] != reference["edges"]:
            raise ProfileError(
                f"column {name!r} was not binned like the reference; profile it with reference="
            )
        expected, observed = np.asarray(reference["counts"]), np.asarray(current["counts"])
        if row["test"] == "ks":
            row["statistic"], row["p_value"] = _ks(expected, observed)
            if present:
                row["distance"] = wasserstein(reference, current) / max(_std(reference), SMALLEST_STD)
            groups = _groups(expected)
            expected = np.bincount(groups, weights=expected)
            observed = np.bincount(groups, weights=observed)
    else:
        names = list(reference["values"])
        expected = np.array([reference["values"][key] for key in names] + [reference["other"]], dtype=float)
        observed = np.array(
            [current["values"].get(key, 0) for key in names] + [current["other"]], dtype=float
        )
        row["unseen"] = _share(current["other"], current["count"] - current["missing"])
    if row["test"] == "chi2":  # categories, and numbers of a few values: their bins
        row["statistic"], row["p_value"] = _chi2(expected, observed)
        if present:
            row["distance"] = jensen_shannon(expected, observed)
    if present:
        row["psi"] = psi(expected, observed)
    row["drifted"] = bool(
        row["distance"] >= thresholds.distance
        and row["p_value"] < thresholds.p_value
        and current["count"] - current["missing"] >= thresholds.min_rows
    )
    return row


def wasserstein(reference: dict[str, Any], current: dict[str, Any]) -> float:
    """Wasserstein-1 distance between two numeric sketches with the same edges.

    The area between the two quantile functions, each value spread evenly over its bin
    (the outer bins end at the sketch's own minimum and maximum), computed exactly for
    those piecewise-linear functions. With the reference's percentiles (and per-mille
    tails) as edges it is within about 0.003 reference standard deviations of the exact
    distance between the samples on continuous columns, 0.01 on counts (whose values are
    spread over their bins; ``benchmarks/bench_drift_evidently.py``).

    >>> import numpy as np, pandas as pd
    >>> from lore.monitoring.sketches import profile
    >>> before = profile(pd.DataFrame({"x": np.arange(1000.0)}))
    >>> round(wasserstein(before["x"], profile(pd.DataFrame({"x": np.arange(1000.0) + 50}), before)["x"]), 1)
    50.0
    """
    import numpy as np

    pieces = [_pieces(reference), _pieces(current)]
    knots = np.unique(np.concatenate([[0.0], pieces[0][3], pieces[1][3]]))
    left, right = knots[:-1], knots[1:]
    middle = (left + right) / 2
    ends = []  # each quantile function at the left and right end of every interval between knots
    for low, high, mass, upto in pieces:
        which = np.minimum(np.searchsorted(upto, middle, side="right"), len(upto) - 1)
        start = upto[which] - mass[which]
        slope = (high[which] - low[which]) / mass[which]
        ends.append((low[which] + (left - start) * slope, low[which] + (right - start) * slope))
    at_left, at_right = ends[0][0] - ends[1][0], ends[0][1] - ends[1][1]
    size = np.abs(at_left) + np.abs(at_right)
    crossing = at_left * at_right < 0  # the gap changes sign inside: two triangles
    with np.errstate(invalid="ignore", divide="ignore"):
        area = np.where(crossing, (at_left**2 + at_right**2) / (2 * size), size / 2)
    return float(np.sum(area * (right - left)))


def jensen_shannon(expected: Any, observed: Any) -> float:
    """Jensen-Shannon distance (natural logarithm) of two count vectors over the same categories.

    >>> round(jensen_shannon([50, 50], [50, 50]), 6), round(jensen_shannon([50, 50, 0], [40, 40, 20]), 3)
    (0.0, 0.274)
    """
    import numpy as np

    p = np.asarray(expected, dtype=float)
    q = np.asarray(observed, dtype=float)
    p, q = p / p.sum(), q / q.sum()
    middle = (p + q) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        terms = np.where(p > 0, p * np.log(p / middle), 0.0) + np.where(q > 0, q * np.log(q / middle), 0.0)
    return float(np.sqrt(max(terms.sum() / 2, 0.0)))


def _pieces(sketch: dict[str, Any]) -> tuple[Any, Any, Any, Any]:
    """The non-empty bins of a numeric sketch: lowest and highest value, share, cumulative share."""
    import numpy as np

    edges, counts = np.asarray(sketch["edges"], dtype=float), np.asarray(sketch["counts"], dtype=float)
    low = np.clip(np.concatenate([[sketch["min"]], edges]), sketch["min"], sketch["max"])
    high = np.clip(np.concatenate([edges, [sketch["max"]]]), sketch["min"], sketch["max"])
    kept = counts > 0
    mass = counts[kept] / counts.sum()
    upto = np.cumsum(mass)
    upto[-1] = 1.0
    return low[kept], high[kept], mass, upto


def _std(sketch: dict[str, Any]) -> float:
    """The standard deviation of a numeric sketch's values.

    Exact from ``squares``; a reference saved before sketches kept them gets the
    standard deviation of its bins, each value spread evenly over its bin.
    """
    import numpy as np

    if "squares" in sketch:
        return spread(sketch)[1]
    low, high, mass, _ = _pieces(sketch)
    mean = float(np.sum(mass * (low + high) / 2))
    return float(np.sqrt(max(np.sum(mass * (low * low + low * high + high * high) / 3) - mean * mean, 0.0)))


def psi(expected: Any, observed: Any) -> float:
    """The population stability index of two count (or proportion) vectors over the same bins.

    >>> round(psi([50, 50], [50, 50]), 6), round(psi([50, 50], [80, 20]), 3)
    (0.0, 0.416)
    """
    import numpy as np

    p = np.asarray(expected, dtype=float)
    q = np.asarray(observed, dtype=float)
    p = np.maximum(p / max(p.sum(), 1.0), EPSILON)
    q = np.maximum(q / max(q.sum(), 1.0), EPSILON)
    return float(np.sum((q - p) * np.log(q / p)))


def _groups(counts: Any) -> Any:
    """Fine bin -> one of about :data:`PSI_GROUPS` groups of equal reference mass."""
    import numpy as np

    total = max(counts.sum(), 1)
    middle = (np.cumsum(counts) - counts / 2) / total
    groups = np.minimum((middle * PSI_GROUPS).astype(int), PSI_GROUPS - 1)
    return np.unique(groups, return_inverse=True)[1]


def _ks(expected: Any, observed: Any) -> tuple[float, float]:
    """Two-sample Kolmogorov-Smirnov on counts over the same bins (asymptotic p-value)."""
    import numpy as np
    from scipy.special import kolmogorov  # scipy.stats.kstwobign.sf, without importing scipy.stats

    n, m = expected.sum(), observed.sum()
    if not n or not m:
        return float("nan"), float("nan")
    gap = float(np.abs(np.cumsum(expected) / n - np.cumsum(observed) / m).max())
    root = np.sqrt(n * m / (n + m))
    return gap, float(kolmogorov((root + 0.12 + 0.11 / root) * gap))


def _chi2(expected: Any, observed: Any) -> tuple[float, float]:
    """Chi-square test that two count vectors come from one distribution.

    ``scipy.stats.chi2_contingency(..., correction=False)``'s numbers, computed with
    ``scipy.special`` (importing ``scipy.stats`` costs a second or more).
    """
    import numpy as np
    from scipy.special import chdtrc

    table = np.vstack([expected, observed])
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2 or not table[1].sum() or not table[0].sum():
        return 0.0, 1.0
    frequencies = (
        np.multiply(table.sum(axis=1, keepdims=True), table.sum(axis=0, keepdims=True)) / table.sum()
    )
    statistic = ((table - frequencies) ** 2 / frequencies).sum()
    return float(statistic), float(chdtrc(table.shape[1] - 1, statistic))


def _share(part: float, whole: float) -> float:
    return float(part) / whole if whole else float("nan")
