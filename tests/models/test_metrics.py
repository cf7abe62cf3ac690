from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.metrics import log_loss, mean_squared_error, r2_score, roc_auc_score

from lore.models.metrics import auc, baseline, evaluate


def test_classification_metrics_match_scikit_learn() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 500)
    p = np.clip(y * 0.3 + rng.random(500) * 0.7, 0, 1).round(2)  # rounded: many ties
    proba = np.column_stack((1 - p, p))
    metrics = evaluate("binary", y, proba)
    assert metrics["loss"] == pytest.approx(log_loss(y, proba))
    assert metrics["auc"] == pytest.approx(roc_auc_score(y, p))
    assert metrics["accuracy"] == pytest.approx(np.mean((p > 0.5) == y))


def test_multiclass_has_no_auc() -> None:
    proba = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    metrics = evaluate("multiclass", np.array([0, 2]), proba)
    assert set(metrics) == {"loss", "accuracy"} and metrics["accuracy"] == 1.0


def test_regression_metrics_match_scikit_learn() -> None:
    y = np.array([1.0, 2.0, 3.0, 5.0])
    values = np.array([1.5, 2.0, 2.5, 4.0])
    metrics = evaluate("regression", y, values)
    assert metrics["loss"] == pytest.approx(mean_squared_error(y, values))
    assert metrics["r2"] == pytest.approx(r2_score(y, values))
    assert metrics["mae"] == pytest.approx(0.5)


def test_degenerate_inputs() -> None:
    assert math.isnan(auc(np.array([1, 1]), np.array([0.2, 0.4])))
    assert evaluate("binary", np.array([]), np.empty((0, 2))) == {}


def test_baseline_is_frequencies_or_mean() -> None:
    assert baseline("binary", np.array([0, 1, 1, 1]), 2).tolist() == [[0.25, 0.75], [0.25, 0.75]]
    assert baseline("multiclass", np.array([0, 0]), 1, n_classes=3).tolist() == [[1.0, 0.0, 0.0]]
    assert baseline("regression", np.array([1.0, 3.0]), 3).tolist() == [2.0, 2.0, 2.0]


@pytest.mark.parametrize("seed", range(5))
def test_numpy_metrics_equal_scikit_learn_on_random_splits(seed: int) -> None:
    rng = np.random.default_rng(seed)
    rows = int(rng.integers(2, 3000))
    y = rng.integers(0, 2, rows)
    p = rng.random(rows).round(int(rng.integers(1, 4))).astype(np.float32)  # float32, many ties
    p[: rows // 10] = 0.0  # certainties are clipped to eps
    proba = np.column_stack((1 - p, p))
    metrics = evaluate("binary", y, proba)
    exact = proba.astype(np.float64)
    exact /= exact.sum(axis=1, keepdims=True)
    assert metrics["loss"] == pytest.approx(log_loss(y, exact, labels=[0, 1]), rel=1e-9)
    if len(np.unique(y)) == 2:
        assert metrics["auc"] == pytest.approx(roc_auc_score(y, p), rel=1e-12)
    truth, values = rng.normal(size=rows), rng.normal(size=rows)
    regression = evaluate("regression", truth, values)
    assert regression["r2"] == pytest.approx(r2_score(truth, values), rel=1e-9)
    assert regression["loss"] == pytest.approx(mean_squared_error(truth, values), rel=1e-12)


def test_r2_of_a_constant_truth_is_not_finite() -> None:
    assert evaluate("regression", np.array([2.0, 2.0]), np.array([2.0, 2.0]))["r2"] != 0.0
    assert evaluate("regression", np.array([2.0, 2.0]), np.array([1.0, 2.0]))["r2"] == float("-inf")
    assert math.isnan(evaluate("regression", np.array([2.0]), np.array([1.0]))["r2"])
