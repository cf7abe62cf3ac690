from __future__ import annotations

import numpy as np
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LinearRegression
from sklearn.svm import LinearSVC

from lore.errors import ModelError, UnknownParameter
from lore.estimators import Estimator, SKLearn


def test_classifier_round_trips_through_skops(binary: dict, tmp_path) -> None:
    estimator = SKLearn(RandomForestClassifier(n_estimators=10, random_state=0))
    estimator.fit(**binary)
    proba = estimator.predict_proba(binary["validation_x"])
    assert proba.shape == (len(binary["validation_y"]), 2)
    assert (estimator.predict(binary["validation_x"]) == binary["validation_y"]).mean() > 0.85
    files = estimator.save(tmp_path)
    assert any(name.endswith(".skops") for name in files)
    loaded = Estimator.load(tmp_path)
    assert np.allclose(loaded.predict_proba(binary["validation_x"]), proba)


def test_parameters_are_the_wrapped_estimators(binary: dict) -> None:
    estimator = SKLearn(RandomForestClassifier())
    estimator.fit(binary["x"], binary["y"], n_estimators=3)
    assert estimator.native_.n_estimators == 3
    with pytest.raises(UnknownParameter, match=r"'trees'.*n_estimators"):
        estimator.fit(binary["x"], binary["y"], trees=3)


def test_regression_has_no_probabilities(regression: dict) -> None:
    estimator = SKLearn(LinearRegression())
    estimator.fit(regression["x"], regression["y"])
    assert estimator.predict(regression["validation_x"]).shape == regression["validation_y"].shape
    with pytest.raises(ModelError, match="regression"):
        estimator.predict_proba(regression["validation_x"])


def test_classifier_without_probabilities_gives_one_hot(multiclass: dict) -> None:
    estimator = SKLearn(LinearSVC())
    estimator.fit(multiclass["x"], multiclass["y"])
    proba = estimator.predict_proba(multiclass["validation_x"])
    assert set(np.unique(proba)) <= {0.0, 1.0} and proba.shape[1] == 3


def test_missing_estimator_is_a_clear_error(binary: dict) -> None:
    with pytest.raises(ModelError, match=r"SKLearn\(RandomForestClassifier"):
        SKLearn().fit(binary["x"], binary["y"])
