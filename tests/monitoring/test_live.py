"""Live drift: lore monitor's thresholds, scores computed at the scrape equal to the eager ones."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest

from lore.errors import ConfigError
from lore.monitoring import live as live_module
from lore.monitoring.compare import Thresholds, drift
from lore.monitoring.live import BUCKET, SCORES, LiveDrift
from lore.monitoring.log import PredictionLog
from lore.monitoring.reference import PREDICTION, build
from lore.monitoring.sketches import Profile

MODEL = "demo.Model"


def inputs(rows: int, rng: np.random.Generator, shift: float = 0.0, missing: float = 0.0) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "x": rng.normal(shift, 1, rows),
            "c": rng.choice(["a", "b", "z" if shift else "a"], rows),
        }
    )
    frame.loc[rng.random(rows) < missing, "x"] = np.nan
    return frame


@pytest.fixture
def reference():
    rng = np.random.default_rng(0)
    return build(inputs(5000, rng), rng.random(5000) > 0.5)


class Clock:
    """``time.time`` of the live module, moved by hand (the minute buckets and the window)."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    found = Clock()
    monkeypatch.setattr(live_module, "time", found)
    return found


def eager(reference, frames, thresholds):
    """The scores from scratch: one drift table of all the frames' rows (what lore monitor computes)."""
    against = Profile({**reference.inputs.columns, **reference.predictions.columns}, reference.inputs.rows)
    table = drift(against, pd.concat(frames, ignore_index=True), thresholds)
    renamed = {column: key for key, column in SCORES.items()}
    return {
        name: {renamed[key]: value for key, value in row.items() if key in renamed}
        for name, row in table.iterrows()
    }


def batch(rows: int, rng: np.random.Generator, **options) -> pd.DataFrame:
    frame = inputs(rows, rng, **options)
    frame[PREDICTION] = rng.random(rows) > 0.5
    return frame


def test_the_configured_thresholds_are_lore_monitors(project, reference) -> None:
    rng = np.random.default_rng(1)
    shifted = batch(500, rng, shift=2.0, missing=0.3)
    default = LiveDrift(lambda model, fitting: reference)
    default.update(MODEL, 1, shifted.drop(columns=PREDICTION), shifted[PREDICTION])
    scores = default.snapshot()[MODEL]
    assert scores["x"]["drifted"] and scores["x"]["missing_changed"] and scores["c"]["drifted"]

    (project / "config" / "monitoring.cfg").write_text("[DRIFT]\ndistance: 5\nmissing: 0.5\n")
    lenient = LiveDrift(lambda model, fitting: reference)
    assert lenient.thresholds == Thresholds.from_config() == Thresholds(distance=5, missing=0.5)
    lenient.update(MODEL, 1, shifted.drop(columns=PREDICTION), shifted[PREDICTION])
    scores = lenient.snapshot()[MODEL]
    assert scores["x"]["distance"] > 1 and not scores["x"]["drifted"] and not scores["x"]["missing_changed"]

    (project / "config" / "monitoring.cfg").write_text("[DRIFT]\nmin_rows: 1000\n")
    patient = LiveDrift(lambda model, fitting: reference)
    patient.update(MODEL, 1, shifted.drop(columns=PREDICTION), shifted[PREDICTION])
    judged = patient.snapshot()[MODEL].values()
    assert not any(score["drifted"] or score["missing_changed"] for score in judged)
    patient.update(MODEL, 1, shifted.drop(columns=PREDICTION), shifted[PREDICTION])  # 1,000 rows now
    assert patient.snapshot()[MODEL]["c"]["drifted"]


def test_a_bad_threshold_is_one_clear_line_when_the_gauges_start(project) -> None:
    (project / "config" / "monitoring.cfg").write_text("[DRIFT]\nmin_rows: many\n")
    with pytest.raises(ConfigError, match=r"\[DRIFT\] min_rows='many' is not a number"):
        LiveDrift(lambda model, fitting: None)


def test_scores_computed_at_the_scrape_equal_the_eager_ones(reference, clock) -> None:
    rng = np.random.default_rng(2)
    thresholds = Thresholds()
    live = LiveDrift(lambda model, fitting: reference, thresholds, window=300)
    kept = []  # (time, frame) of every batch
    for minute in range(8):  # a few batches a minute, the later ones shifted: buckets close and expire
        for second in (0, 20, 40):
            clock.now = 1_000_000.0 + minute * BUCKET + second
            frame = batch(200, rng, shift=0.1 * minute, missing=0.05 * (minute % 3))
            live.update(MODEL, 1, frame.drop(columns=PREDICTION), frame[PREDICTION])
            kept.append((clock.now, frame))
            if second != 20:  # a scrape now and then, between batches
                expected = eager(reference, frames_in_buckets(kept, clock.now, 300), thresholds)
                assert _close(live.snapshot()[MODEL], expected)


def frames_in_buckets(kept, now, window):
    """The frames of the buckets still in the window: a bucket starts at its first batch's time."""
    starts, bucket_of = [], []
    for at, _ in kept:
        if not starts or at - starts[-1] >= BUCKET:
            starts.append(at)
        bucket_of.append(starts[-1])
    return [frame for (_, frame), start in zip(kept, bucket_of) if now - start <= window]


def _close(found, expected) -> bool:
    assert found.keys() == expected.keys()
    for name in expected:
        for key, value in expected[name].items():
            assert found[name][key] == pytest.approx(value, nan_ok=True), (name, key)
    return True


def test_a_scrape_without_new_traffic_reuses_the_scores(reference) -> None:
    rng = np.random.default_rng(3)
    live = LiveDrift(lambda model, fitting: reference, Thresholds())
    frame = batch(300, rng)
    live.update(MODEL, 1, frame.drop(columns=PREDICTION), frame[PREDICTION])
    first = live.snapshot()[MODEL]
    assert live.snapshot()[MODEL]["x"] is first["x"]  # the same scores, not computed again
    live.update(MODEL, 1, frame.drop(columns=PREDICTION), frame[PREDICTION])
    again = live.snapshot()[MODEL]
    assert again["x"] is not first["x"] and again["x"]["rows"] == 2 * first["x"]["rows"] == 600


def test_a_snapshot_without_traffic_is_empty(reference, clock) -> None:
    live = LiveDrift(lambda model, fitting: reference, Thresholds(), window=600)
    assert live.snapshot() == {}
    rng = np.random.default_rng(4)
    frame = batch(300, rng)
    live.update(MODEL, 1, frame.drop(columns=PREDICTION), frame[PREDICTION])
    live.update("other.Model", None, frame.drop(columns=PREDICTION), frame[PREDICTION])
    assert set(live.snapshot()) == {MODEL, "other.Model"}
    clock.now += 601  # an idle window: nothing left to report
    assert live.snapshot() == {}


def test_a_fitting_without_a_reference_is_ignored() -> None:
    live = LiveDrift(lambda model, fitting: None, Thresholds())
    live.update(MODEL, 1, pd.DataFrame({"x": [1.0]}), [True])
    assert live.snapshot() == {}


def test_the_writer_and_the_scrapes_run_together(reference, tmp_path) -> None:
    """The prediction log's writer thread feeds the gauges while another thread scrapes."""
    from lore.monitoring.log import ParquetSink

    rng = np.random.default_rng(5)
    live = LiveDrift(lambda model, fitting: reference, Thresholds())
    log = PredictionLog(ParquetSink(tmp_path), flush_seconds=0.01, on_batch=live.update_from_log).start()
    frames = [batch(100, rng, shift=0.5) for _ in range(40)]
    stop, seen, failures = threading.Event(), [], []

    def scrape() -> None:
        try:
            while not stop.is_set():
                seen.append(live.snapshot())
        except Exception as error:  # pragma: no cover - what the test looks for
            failures.append(error)

    scraper = threading.Thread(target=scrape)
    scraper.start()
    for frame in frames:
        log.log(MODEL, 1, frame.drop(columns=PREDICTION), frame[PREDICTION].to_numpy(), block=True)
    log.close()
    stop.set()
    scraper.join()
    assert not failures and log.written == 4000
    assert _close(live.snapshot()[MODEL], eager(reference, frames, Thresholds()))
