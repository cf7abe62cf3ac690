from __future__ import annotations

from typing import Any

import pytest

import lore.estimators
import lore.models
from lore.errors import ModelError, UnknownParameter
from lore.models import metadata
from lore.models.search import distributions

PIPELINES: dict[str, Any] = {}


class Tuned(lore.models.Base):
    def __init__(self) -> None:
        super().__init__(
            pipeline=PIPELINES["classifier"](), estimator=lore.estimators.XGBoost(num_boost_round=10)
        )


@pytest.fixture(autouse=True)
def _pipelines(pipelines: tuple, project) -> None:
    PIPELINES["classifier"] = pipelines[0]


def test_each_trial_is_a_fitting_and_the_best_loads(reports_on, project) -> None:
    storage = f"sqlite:///{project / 'data' / 'optuna.sqlite'}"
    model = Tuned()
    result = model.hyper_parameter_search(
        {"max_depth": (2, 5), "learning_rate": (0.05, 0.5), "tree_method": ["hist", "approx"]},
        trials=3,
        storage=storage,
        seed=0,
    )
    assert result.trials == 3
    metadata.sync(Tuned.name())
    assert [row["fitting"] for row in metadata.history(Tuned.name())] == [1, 2, 3]
    best = Tuned.load(result.fitting)
    assert best.metrics["validation"]["loss"] == pytest.approx(result.value)
    assert best.params["max_depth"] == result.params["max_depth"]
    assert result.best_estimator.params["max_depth"] == result.params["max_depth"]
    assert model.fitting == result.fitting and model.estimator.is_fitted  # the model keeps the best
    assert model.metrics == best.metrics
    test = model.pipeline.test_data
    assert (model.predict(test.x) == best.predict(test.x)).all()
    reported = [n for n in (1, 2, 3) if (project / "models" / Tuned.name() / str(n) / "report").is_dir()]
    assert reported == [result.fitting]  # trials skip reports; the best gets one
    again = Tuned().hyper_parameter_search(
        {"max_depth": (2, 5)}, trials=1, storage=storage, study_name="other"
    )
    assert again.trials == 1


def test_bad_spaces_are_clear_errors() -> None:
    with pytest.raises(UnknownParameter, match="'depth'"):
        Tuned().hyper_parameter_search({"depth": (2, 5)}, trials=1)
    with pytest.raises(ModelError, match="'max_depth'"):
        distributions({"max_depth": "deep"})
