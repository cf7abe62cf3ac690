"""One check of logged predictions against a reference: days, drift, estimates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lore.monitoring.check import _days, check
from lore.monitoring.compare import Thresholds
from lore.monitoring.reference import build


def logged(rows: int = 3000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"x": rng.normal(0, 1, rows), "city": rng.choice(["oslo", "lima"], rows)})
    seconds = np.sort(rng.uniform(0, 4 * 86_400, rows)) - 86_400  # four days, from before 1970
    frame["predicted_at"] = pd.to_datetime(seconds * 1e6, unit="us", utc=True)
    frame["prediction"] = frame["x"] > 0
    return frame


def test_days_are_utc_midnights_floored() -> None:
    stamps = logged()["predicted_at"]
    codes, days = _days(stamps)
    expected = stamps.dt.floor("D")
    assert list(days) == sorted(expected.unique())
    assert (days[codes] == expected.to_numpy()).all()


def test_rows_out_of_day_order_give_the_same_check() -> None:
    frame = logged()
    reference = build(logged(seed=1)[["x", "city"]], logged(seed=1)["prediction"])
    ordered = check(frame, None, reference, thresholds=Thresholds())
    shuffled = check(frame.sample(frac=1, random_state=0), None, reference, thresholds=Thresholds())
    pd.testing.assert_frame_equal(ordered.daily, shuffled.daily)
    pd.testing.assert_frame_equal(ordered.drift, shuffled.drift)
    for name, sketch in ordered.current.items():  # the same counts; sums up to the order of addition
        again = shuffled.current[name]
        sums = {key: pytest.approx(sketch[key], rel=1e-12) for key in ("sum", "squares") if key in sketch}
        assert again == {**sketch, **sums}
    assert len(ordered.daily) == 4


def test_a_change_in_missing_values_is_an_alert_not_drift() -> None:
    frame = logged()
    frame.loc[frame.index[-600:], "city"] = None  # the last day: about 80% missing
    reference = build(logged(seed=1)[["x", "city"]], logged(seed=1)["prediction"])
    found = check(frame, None, reference, thresholds=Thresholds())
    assert not found.drift["drifted"].any() and found.drift["missing_changed"].to_dict()["city"]
    assert found.crossed and found.alerts[0] == "city missing values: 20.0% of rows, 0.0% in the reference"
    assert any(alert.startswith("city missing values on ") for alert in found.alerts[1:])
