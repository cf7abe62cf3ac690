"""The week of docs/monitoring.rst (docs/_scripts/monitoring_week.py): traffic shifts on day 5."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from lore.monitoring import Reference
from lore.monitoring.check import check
from lore.monitoring.compare import Thresholds
from lore.monitoring.log import ParquetSink, read

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "_scripts" / "monitoring_week.py"


def week_module():
    spec = importlib.util.spec_from_file_location("monitoring_week", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_a_week_with_a_shift_on_day_five(tmp_path, monkeypatch) -> None:
    week = week_module()
    root = tmp_path / "shop"
    week.make_project(root)
    monkeypatch.setattr("sys.path", list(sys.path))
    monkeypatch.setenv("LORE_ROOT", str(root))
    week.enter(root)
    try:
        check_the_week(week, root, tmp_path)
    finally:
        for name in [name for name in sys.modules if name == "shop" or name.startswith("shop.")]:
            del sys.modules[name]  # the next test's project may be called shop too


def check_the_week(week, root, tmp_path) -> None:
    happened = week.simulate(root)
    result = week.monitor(root, tmp_path / "report")
    assert result.exit_code == 3, result.output  # a threshold is crossed
    assert "age drifted" in result.output and "city drifted" not in result.output
    assert "plan drifted" not in result.output and "prediction drifted" not in result.output
    assert {f"{name}.png" for name in week.PLOTS} <= {path.name for path in (tmp_path / "report").iterdir()}

    # day by day: drift only from day 5; the estimate tracks the true accuracy of each day's
    # 2,000 rows within 0.04 (their own sampling error is about 0.01), 0.02 on average
    from lore.stores import model_store

    logs = read(ParquetSink(root / "data" / "predictions"), happened["model"])
    reference = Reference.load(model_store().resolve(happened["model"], happened["fitting"]))
    found = check(logs.frame, logs.probabilities, reference, thresholds=Thresholds())
    distance = found.daily["distance_age"].to_numpy()
    assert (distance[: week.SHIFT_DAY - 1] < 0.1).all() and (distance[week.SHIFT_DAY - 1 :] > 0.3).all()
    for name in ("city", "plan"):
        assert (found.daily[f"distance_{name}"] < 0.1).all()
    truth = [happened["accuracy"][day] for day in range(1, week.DAYS + 1)]
    errors = abs(found.daily["estimated"].to_numpy() - truth)
    assert errors.max() < 0.04 and errors.mean() < 0.02, errors
    drop = truth[0] - truth[-1]
    assert drop > 0.1  # the drop the estimate saw before any label
