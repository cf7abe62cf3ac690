"""hyper_parameter_search on the cluster: trials on both workers, one study in the project's database."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import lore.estimators
import lore.models
from lore.encoders import Norm, Unique
from lore.errors import ClusterError
from lore.models.distributed import resolve_storage
from lore.pipelines import TrainTestSplit


class Frames(TrainTestSplit):
    def get_data(self):
        rng = np.random.default_rng(2)
        a, b = rng.normal(size=(2, 600))
        return pd.DataFrame({"a": a, "b": b, "y": (a + b > 0).astype(int)})

    def get_encoders(self):
        return (Norm("a"), Norm("b"))

    def get_output_encoder(self):
        return Unique("y")


class Searched(lore.models.XGBoost):
    def __init__(self):
        super().__init__(pipeline=Frames(), estimator=lore.estimators.XGBoost(num_boost_round=10))


def test_trials_run_on_the_workers_in_one_study(project: Path, on_cluster, by_value) -> None:
    import optuna

    by_value(__name__)
    result = Searched().hyper_parameter_search({"max_depth": (2, 4)}, trials=4, seed=1)
    assert result.trials == 4
    storage = f"sqlite:///{project / 'data' / 'main.sqlite'}"
    study = optuna.load_study(study_name=result.study_name, storage=storage)
    assert len(study.trials) == 4
    fittings = {trial.user_attrs["fitting"] for trial in study.trials}
    assert len(fittings) == 4  # every trial saved its own fitting
    best = Searched.load(result.fitting)
    assert best.predict(Frames().get_data().head(5)).shape == (5,)


def test_an_in_memory_storage_cannot_be_shared() -> None:
    with pytest.raises(ClusterError, match="storage all workers reach"):
        resolve_storage("sqlite://")
