"""The naive baseline estimator: the training mean or the class frequencies, saved and loaded."""

from __future__ import annotations

import numpy as np
import pytest

from lore.errors import ModelError
from lore.estimators import Naive
from lore.estimators.base import Estimator


@pytest.mark.parametrize("dataset", ["binary", "multiclass", "regression"])
def test_naive_predicts_the_training_majority_or_mean(dataset: str, request, tmp_path) -> None:
    data = request.getfixturevalue(dataset)
    estimator = Naive()
    estimator.fit(data["x"], data["y"], data["validation_x"], data["validation_y"])
    predictions = estimator.predict(data["validation_x"])
    assert predictions.shape == (len(data["validation_x"]),)
    if dataset == "regression":
        assert predictions.dtype == np.float32
        assert np.allclose(predictions, data["y"].mean())
        with pytest.raises(ModelError, match="regression"):
            estimator.predict_proba(data["x"])
    else:
        counts = np.bincount(data["y"])
        assert set(predictions.tolist()) == {int(counts.argmax())}
        proba = estimator.predict_proba(data["validation_x"][:3])
        assert np.allclose(proba, counts / counts.sum()) and proba.dtype == np.float32
    estimator.save(tmp_path)
    again = Estimator.load(tmp_path)
    assert isinstance(again, Naive)
    assert np.array_equal(again.predict(data["x"][:5]), estimator.predict(data["x"][:5]))
    assert estimator.predict(data["x"][:0]).shape[0] == 0
