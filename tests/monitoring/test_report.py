"""The monitoring page's plots: every point inside its axes, the legend clear of the lines."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lore.monitoring.check import check
from lore.monitoring.compare import Thresholds
from lore.monitoring.reference import build
from lore.monitoring.report import DISTANCE_HEADROOM, _distance_by_day

pytest.importorskip("matplotlib")


def a_week(shift: float) -> pd.DataFrame:
    """Seven days of logged rows; ``x`` moves by ``shift`` from day 5 on, ``y`` stays."""
    rng = np.random.default_rng(0)
    days = []
    for day in range(7):
        moved = shift if day >= 4 else 0.0
        days.append(
            pd.DataFrame(
                {
                    "x": rng.normal(moved, 1, 300),
                    "y": rng.normal(0, 1, 300),
                    "prediction": 0.0,
                    "predicted_at": pd.Timestamp("2026-01-01", tz="UTC") + pd.Timedelta(days=day),
                }
            )
        )
    return pd.concat(days, ignore_index=True)


@pytest.mark.parametrize("shift", [0.0, 1.5, 20.0])
def test_drift_by_day_keeps_every_point_below_the_top_and_the_legend_off_them(shift) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    rng = np.random.default_rng(1)
    inputs = pd.DataFrame({"x": rng.normal(0, 1, 3000), "y": rng.normal(0, 1, 3000)})
    reference = build(inputs, np.zeros(3000))
    found = check(a_week(shift), None, reference, thresholds=Thresholds())
    figure = _distance_by_day(found)
    renderer = FigureCanvasAgg(figure).get_renderer()
    axes = figure.axes[0]
    assert axes.get_ylim()[0] == 0
    lines = [line for line in axes.get_lines() if line.get_label() in ("x", "y")]
    points = np.concatenate([line.get_xydata() for line in lines])
    heights = axes.transAxes.inverted().transform(axes.transData.transform(points))[:, 1]
    assert heights.min() >= 0 and heights.max() <= 1 - DISTANCE_HEADROOM + 1e-9  # was at the top
    legend = axes.get_legend().get_window_extent(renderer)
    assert not legend.count_contains(axes.transData.transform(points))
