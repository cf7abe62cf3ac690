"""Drift: a known shift is flagged, i.i.d. samples are not (false-alarm rate stated)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lore.errors import ConfigError
from lore.monitoring import Thresholds, drift, profile, psi
from lore.monitoring.compare import COLUMNS


def sample(rows: int, rng: np.random.Generator, shift: float = 0.0, city_shift: bool = False) -> pd.DataFrame:
    cities = ["oslo", "lima", "pune", "kyiv"]
    weights = [0.1, 0.2, 0.3, 0.4] if city_shift else [0.4, 0.3, 0.2, 0.1]
    return pd.DataFrame(
        {
            "income": rng.lognormal(10 + shift, 0.5, rows),
            "age": rng.normal(40, 10, rows).round(),
            "city": rng.choice(cities, rows, p=weights),
            "member": rng.random(rows) < 0.3,
        }
    )


THRESHOLDS = Thresholds()


def test_a_shifted_number_is_flagged_and_the_others_are_not() -> None:
    rng = np.random.default_rng(1)
    reference = profile(sample(20_000, rng))
    report = drift(reference, sample(2_000, rng, shift=0.3), THRESHOLDS)
    assert list(report.columns) == list(COLUMNS)
    assert report["drifted"].to_dict() == {"income": True, "age": False, "city": False, "member": False}
    assert report.loc["income", "psi"] > 0.2 and report.loc["income", "p_value"] < 1e-10


def test_a_shifted_category_is_flagged() -> None:
    rng = np.random.default_rng(2)
    report = drift(sample(20_000, rng), sample(2_000, rng, city_shift=True), THRESHOLDS)
    assert report["drifted"].to_dict() == {"income": False, "age": False, "city": True, "member": False}
    assert report.loc["city", "test"] == "chi2"


@pytest.mark.slow
def test_false_alarm_rate_over_iid_samples() -> None:
    """200 i.i.d. batches of 1,000 rows x 4 columns against a 20,000-row reference.

    Stated: no column is flagged (false-alarm rate 0 of 800, i.e. below 0.5% at 95%).
    The p-value alone would flag about 1% (its threshold); requiring PSI >= 0.1 as
    well removes those chance findings.
    """
    rng = np.random.default_rng(3)
    reference = profile(sample(20_000, rng))
    flagged = significant = 0
    for _ in range(200):
        report = drift(reference, sample(1_000, rng), THRESHOLDS)
        flagged += int(report["drifted"].sum())
        significant += int((report["p_value"] < THRESHOLDS.p_value).sum())
    assert flagged == 0
    assert significant <= 0.03 * 800  # the test alone: about its 1% level


def test_unseen_categories_and_missing_columns() -> None:
    rng = np.random.default_rng(4)
    reference = sample(5_000, rng)
    current = sample(1_000, rng).drop(columns=["age"])
    current.loc[:99, "city"] = "rome"
    current.loc[:49, "income"] = np.nan
    report = drift(reference, current, THRESHOLDS)
    assert report.loc["city", "unseen"] == 0.1
    assert report.loc["income", "missing_current"] == 0.05
    assert report.loc["age", "rows"] == 0 and not report.loc["age", "drifted"]


def test_psi_is_zero_for_equal_distributions_and_symmetric() -> None:
    assert psi([1, 2, 3], [10, 20, 30]) == 0
    assert abs(psi([30, 70], [60, 40]) - psi([60, 40], [30, 70])) < 1e-12


def test_thresholds_from_config(project) -> None:
    (project / "config" / "monitoring.cfg").write_text("[DRIFT]\npsi: 0.25\np_value: 0.05\n")
    assert Thresholds.from_config() == Thresholds(psi=0.25, p_value=0.05)


def test_a_bad_threshold_is_one_clear_line(project) -> None:
    (project / "config" / "monitoring.cfg").write_text("[DRIFT]\npsi: high\n")
    with pytest.raises(ConfigError, match=r"\[DRIFT\] psi='high' is not a number"):
        Thresholds.from_config()


def test_a_jump_in_missing_values_is_drift() -> None:
    rng = np.random.default_rng(5)
    current = sample(2_000, rng)
    current.loc[:499, "age"] = np.nan  # the present values keep their distribution
    report = drift(sample(20_000, rng), current, THRESHOLDS)
    assert report.loc["age", "drifted"] and report.loc["age", "missing_current"] == 0.25
    assert report["drifted"].sum() == 1
