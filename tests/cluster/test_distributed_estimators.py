"""XGBoost trains with xgboost.dask on the cluster; scikit-learn runs its joblib work there."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import lore.estimators
import lore.models
from lore.encoders import Norm, Unique
from lore.estimators.distributed import scatter
from lore.pipelines import TrainTestSplit


def _data(rows: int = 4000) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(5)
    x = rng.normal(size=(rows, 4)).astype("float32")
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype("int64")
    return x, y


def test_scatter_keeps_the_rows_in_order(on_cluster) -> None:
    x, _ = _data(1000)
    spread = scatter(on_cluster, x, size=300)
    assert spread.chunks[0] == (300, 300, 300, 100)
    np.testing.assert_array_equal(on_cluster.compute(spread).result(), x)


def test_xgboost_on_the_cluster_learns_what_it_learns_alone(on_cluster, monkeypatch) -> None:
    x, y = _data()
    params = {"num_boost_round": 30, "max_depth": 3, "early_stopping_rounds": 5}
    clustered = lore.estimators.XGBoost(**params)
    history = clustered.fit(x[:3000], y[:3000], x[3000:], y[3000:])
    assert history["rounds"] >= 1 and "validation_logloss" in history
    monkeypatch.delenv("LORE_CLUSTER")
    single = lore.estimators.XGBoost(**params)
    single.fit(x[:3000], y[:3000], x[3000:], y[3000:])
    accuracy = [float((model.predict(x[3000:]) == y[3000:]).mean()) for model in (clustered, single)]
    assert accuracy[0] > 0.9 and abs(accuracy[0] - accuracy[1]) < 0.03
    # each worker sketches its own rows, so the trees may differ slightly, not the quality
    assert abs(history["validation_logloss"][-1] - single.history_["validation_logloss"][-1]) < 0.05


def test_sklearn_forest_fits_through_the_dask_joblib_backend(on_cluster, monkeypatch) -> None:
    from sklearn.ensemble import RandomForestClassifier

    x, y = _data(1000)
    clustered = lore.estimators.SKLearn(RandomForestClassifier(n_estimators=20, n_jobs=2, random_state=0))
    clustered.fit(x, y)
    monkeypatch.delenv("LORE_CLUSTER")
    single = lore.estimators.SKLearn(RandomForestClassifier(n_estimators=20, n_jobs=2, random_state=0))
    single.fit(x, y)
    np.testing.assert_array_equal(clustered.predict_proba(x), single.predict_proba(x))


class Frames(TrainTestSplit):
    def get_data(self):
        x, y = _data(2000)
        return pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "kind": np.where(x[:, 2] > 0, "p", "n"), "y": y})

    def get_encoders(self):
        return (Norm("a"), Norm("b"), Unique("kind"))

    def get_output_encoder(self):
        return Unique("y")


class Boosted(lore.models.XGBoost):
    def __init__(self):
        super().__init__(
            pipeline=Frames(), estimator=lore.estimators.XGBoost(num_boost_round=20, max_depth=3)
        )


def test_a_model_fitted_on_the_cluster_is_saved_and_loads(project: Path, on_cluster, by_value) -> None:
    by_value(__name__)
    model = Boosted()
    metrics = model.fit()
    assert metrics["test"]
    loaded = Boosted.load(model.fitting)
    frame = Frames().get_data().head(50)
    np.testing.assert_array_equal(loaded.predict(frame), model.predict(frame))


def test_a_failed_cluster_fit_saves_nothing(project: Path, on_cluster, monkeypatch) -> None:
    """A failure on the workers mid-training (here: an objective XGBoost rejects there)."""
    import xgboost

    model = Boosted()
    with pytest.raises(xgboost.core.XGBoostError, match="no:such-objective"):
        model.fit(objective="no:such-objective")
    store_folder = project / "models" / Boosted.name()
    assert not store_folder.exists() or not any(p for p in store_folder.iterdir() if p.name.isdigit())
