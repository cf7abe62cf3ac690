"""LowMemory on a real 2-worker cluster fits and encodes exactly as it does in one process."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lore.encoders import Norm, Quantile, Unique
from lore.encoders.sketch import CAPACITY
from lore.io.database import Connection
from lore.pipelines import LowMemory

ROWS = 50_000  # about 40,000 training rows: more than a quantile sketch holds exactly


class Slow(Norm):
    """A Norm whose summary takes a while, so that a worker can die in the middle of the fit."""

    def _summarize(self, series):
        time.sleep(0.4)
        return super()._summarize(series)


class Events(LowMemory):
    url = ""
    partitions = 4
    slow = False

    def get_data(self):
        return Connection("events", self.url).dataframe(
            "SELECT * FROM events", partitions=self.partitions, index="id"
        )

    def get_encoders(self):
        amount = Slow("amount") if self.slow else Norm("amount")
        return (
            Unique("city"),
            amount,
            Quantile("amount", quantiles=8),
            Norm("amount", name="robust_amount", robust=True),
        )

    def get_output_encoder(self):
        return Norm("target")


@pytest.fixture
def events(tmp_path: Path) -> str:
    rng = np.random.default_rng(7)
    url = f"sqlite:///{tmp_path / 'events.sqlite'}"
    Connection("events", url).insert(
        "events",
        pd.DataFrame(
            {
                "id": np.arange(ROWS),
                "city": rng.choice(["oslo", "lima", "pune", "kyiv", "rome"], ROWS),
                "amount": rng.lognormal(3, 1, ROWS),
                "target": rng.normal(size=ROWS),
            }
        ),
    )
    return url


def _pipeline(url: str, folder: Path, **settings) -> Events:
    pipeline = Events(folder=folder)
    pipeline.url = url
    for key, value in settings.items():
        setattr(pipeline, key, value)
    return pipeline


def _same(single: Events, clustered: Events) -> None:
    for mine, theirs in zip(single.encoders, clustered.encoders, strict=True):
        for attribute in ("values_", "counts_", "center_", "scale_", "min_", "max_", "edges_"):
            if hasattr(mine, attribute):
                np.testing.assert_array_equal(getattr(mine, attribute), getattr(theirs, attribute))
    assert single.output_encoder.center_ == clustered.output_encoder.center_
    assert single.data_signature["rows"] == clustered.data_signature["rows"]
    for split in ("training_data", "validation_data", "test_data"):
        np.testing.assert_array_equal(
            getattr(single, split).x.to_numpy(), getattr(clustered, split).x.to_numpy()
        )
        np.testing.assert_array_equal(getattr(single, split).y, getattr(clustered, split).y)


def test_cluster_fit_is_the_single_machine_fit(events, tmp_path, on_cluster, by_value, monkeypatch) -> None:
    by_value(__name__)
    clustered = _pipeline(events, tmp_path / "cluster")
    clustered.training_data  # noqa: B018 - prepares on the cluster
    assert clustered.data_signature["partitions"] == 4
    monkeypatch.delenv("LORE_CLUSTER")
    single = _pipeline(events, tmp_path / "single")
    single.training_data  # noqa: B018 - prepares in this process, one partition at a time
    assert "partitions" not in single.data_signature
    _same(single, clustered)
    # the sketch is approximate beyond CAPACITY values: each edge within 2 / CAPACITY in rank
    training = pd.read_sql("SELECT * FROM events", f"sqlite:///{tmp_path / 'events.sqlite'}")
    quantile = clustered.encoders[2]
    values = np.sort(training["amount"].to_numpy())  # a superset of the training rows, for scale
    assert clustered.data_signature["rows"]["training"] > CAPACITY
    ranks = np.searchsorted(values, quantile.edges_) / len(values)
    assert np.abs(ranks - np.linspace(0, 1, 9)).max() < 0.02  # the training rows are a random 80%


def test_quantile_sketch_tolerance_against_exact_quantiles() -> None:
    from lore.encoders.sketch import Sketch

    values = np.random.default_rng(3).lognormal(size=200_000)
    pieces = [Sketch.of(part) for part in np.array_split(values, 8)]
    merged = pieces[0]
    for piece in pieces[1:]:
        merged = merged.merge(piece)
    probabilities = np.linspace(0, 1, 101)
    ranks = np.searchsorted(np.sort(values), merged.quantiles(probabilities)) / len(values)
    assert np.abs(ranks - probabilities).max() <= 2 / CAPACITY


@pytest.mark.slow
def test_a_worker_dying_mid_fit_is_retried(events, tmp_path, on_cluster, by_value, monkeypatch) -> None:
    by_value(__name__)
    clustered = _pipeline(events, tmp_path / "cluster", partitions=8, slow=True)
    failure = []
    preparing = threading.Thread(target=lambda: failure.append(clustered.training_data and None))
    preparing.start()
    time.sleep(1.0)  # summaries under way on both workers
    victim = sorted(on_cluster.scheduler_info()["workers"])[0]
    try:
        on_cluster.run(os._exit, 1, workers=[victim])
    except Exception:
        pass
    preparing.join(timeout=60)
    assert failure == [None]
    on_cluster.wait_for_workers(2, timeout=30)  # the nanny restarted it
    monkeypatch.delenv("LORE_CLUSTER")
    single = _pipeline(events, tmp_path / "single", partitions=8, slow=True)
    _same(single, clustered)
