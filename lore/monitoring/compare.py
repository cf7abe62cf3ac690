"""Drift of each column between a reference profile and new data: PSI and a two-sample test.

For every column of the reference, :func:`drift` reports

- ``psi``, the population stability index over about ten groups of equal reference
  mass (numbers: the sketch's fine bins grouped by the reference's deciles;
  categories: the reference's values, the long tail and missing values);
- a two-sample test: Kolmogorov-Smirnov on the binned numbers (``ks``; the statistic is
  the largest gap between the two cumulative distributions at the reference's
  percentiles, so it never exceeds the exact one) or chi-square on the category counts
  (``chi2``), with its p-value. KS sees only the values present: when either side has
  missing values, a chi-square test of the missing share runs too and the p-value is
  the smaller of the two, doubled (Bonferroni);
- the missing rates and, for categories, the share of values the reference never saw.

A column *drifts* when its PSI reaches ``Thresholds.psi`` **and** its test's p-value is
below ``Thresholds.p_value``: the change is both material and unlikely to be chance
(on large samples a test alone flags differences too small to matter; on small
samples PSI alone flags noise). The thresholds come from ``[DRIFT]`` in
``config/monitoring.cfg``.

>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(0)
>>> before = pd.DataFrame({"x": rng.normal(0, 1, 5000), "y": rng.normal(0, 1, 5000)})
>>> after = pd.DataFrame({"x": rng.normal(1, 1, 2000), "y": rng.normal(0, 1, 2000)})
>>> report = drift(before, after)
>>> report["drifted"].to_dict()
{'x': True, 'y': False}
"""

from __future__ import annotations

import dataclasses
from typing import Any

from lore.errors import ConfigError
from lore.monitoring.sketches import NUMBER, Profile, ProfileError, profile

#: Groups of equal reference mass that PSI compares for a numeric column.
PSI_GROUPS = 10
#: Proportions below this count as this in PSI (an empty bin would be infinite).
EPSILON = 1e-4
#: Columns of the table :func:`drift` returns.
COLUMNS = (
    "kind",
    "psi",
    "test",
    "statistic",
    "p_value",
    "missing_reference",
    "missing_current",
    "unseen",
    "rows",
    "drifted",
)


@dataclasses.dataclass(frozen=True)
class Thresholds:
    """When a column drifts (both must hold), and when estimated accuracy alarms.

    ``accuracy_drop`` is the absolute drop of estimated (or realised) accuracy from the
    reference's that ``lore monitor`` reports as crossed.
    """

    psi: float = 0.1
    p_value: float = 0.01
    accuracy_drop: float = 0.05

    @classmethod
    def from_config(cls) -> Thresholds:
        """``[DRIFT]`` of ``config/monitoring.cfg`` (keys ``psi``, ``p_value``, ``accuracy_drop``)."""
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
        "psi": nan,
        "test": "ks" if reference["kind"] == NUMBER else "chi2",
        "statistic": nan,
        "p_value": nan,
        "missing_reference": _share(reference["missing"], reference["count"]),
        "missing_current": nan,
        "unseen": nan,
        "rows": 0,
        "drifted": False,
    }
    if current is None or not current["count"]:
        return row
    if current["kind"] != reference["kind"]:
        raise ProfileError(
            f"column {name!r} is a {reference['kind']} in the reference, a {current['kind']} now"
        )
    row["rows"] = current["count"]
    row["missing_current"] = _share(current["missing"], current["count"])
    if reference["kind"] == NUMBER:
        if current["edges"] != reference["edges"]:
            raise ProfileError(
                f"column {name!r} was not binned like the reference; profile it with reference="
            )
        expected, observed = np.asarray(reference["counts"]), np.asarray(current["counts"])
        row["statistic"], row["p_value"] = _ks(expected, observed)
        groups = _groups(expected)
        expected = np.bincount(groups, weights=expected)
        observed = np.bincount(groups, weights=observed)
        if reference["missing"] or current["missing"]:
            expected = np.append(expected, reference["missing"])
            observed = np.append(observed, current["missing"])
            # KS sees only present values: test the missing share too (Bonferroni for the two)
            _, missing_p = _chi2(
                np.array([reference["count"] - reference["missing"], reference["missing"]]),
                np.array([current["count"] - current["missing"], current["missing"]]),
            )
            row["p_value"] = min(1.0, 2 * min(row["p_value"], missing_p))
    else:
        names = list(reference["values"])
        expected = np.array([reference["values"][key] for key in names] + [reference["other"]], dtype=float)
        observed = np.array(
            [current["values"].get(key, 0) for key in names] + [current["other"]], dtype=float
        )
        row["unseen"] = _share(current["other"], current["count"] - current["missing"])
        expected = np.append(expected, reference["missing"])
        observed = np.append(observed, current["missing"])
        row["statistic"], row["p_value"] = _chi2(expected, observed)
    row["psi"] = psi(expected, observed)
    row["drifted"] = bool(row["psi"] >= thresholds.psi and row["p_value"] < thresholds.p_value)
    return row


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
