from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.ensemble import RandomForestClassifier

import lore.models


def test_default_estimators_follow_the_task(pipelines: tuple, project) -> None:
    classifier, regressor, _ = pipelines
    model = lore.models.SKLearn(classifier())
    model.fit()
    assert type(model.estimator.native_).__name__ == "LogisticRegression"
    loaded = lore.models.SKLearn.load()
    x = model.pipeline.test_data.x
    assert np.allclose(loaded.predict_proba(x), model.predict_proba(x))
    ridge = lore.models.SKLearn(regressor())
    ridge.fit(alpha=2.0)
    assert type(ridge.estimator.native_).__name__ == "Ridge" and ridge.params["estimator"] is not None


def test_wraps_any_scikit_learn_estimator(pipelines: tuple, project) -> None:
    model: Any = lore.models.SKLearn(pipelines[0](), RandomForestClassifier(random_state=0))
    metrics = model.fit(n_estimators=10)
    assert model.estimator.native_.n_estimators == 10 and metrics["test"]["accuracy"] > 0.8
