"""Metrics for a task, computed with numpy alone: every one has a ``loss`` to minimize.

Classifiers get ``loss`` (log loss), ``accuracy`` and, for a binary task, ``auc``;
regressions get ``loss`` (mean squared error), ``rmse``, ``mae`` and ``r2``. A
classifier's output is its probabilities ``(rows, classes)``; a regression's, its
values. :func:`baseline` is the trivial model a fitted one must beat: the class
frequencies, or the mean, of the training labels.

>>> import numpy as np
>>> evaluate("regression", np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 4.0]))["rmse"]
0.5773502691896257
>>> proba = np.array([[0.9, 0.1], [0.2, 0.8]])
>>> evaluate("binary", np.array([0, 1]), proba)["accuracy"]
1.0
"""

from __future__ import annotations

import numpy as np

from lore.estimators.naive import baseline

REGRESSION = "regression"
EPSILON = 1e-15
__all__ = ["auc", "baseline", "evaluate"]


def auc(y: np.ndarray, score: np.ndarray) -> float:
    """Area under the ROC curve from ranks (ties averaged); ``nan`` with one class only."""
    positives = int(y.sum())
    negatives = len(y) - positives
    if not positives or not negatives:
        return float("nan")
    order = np.argsort(score, kind="mergesort")
    sorted_scores = score[order]
    ranks = np.empty(len(score))
    ranks[order] = np.arange(1, len(score) + 1)
    # average the ranks of tied scores
    _, first, counts = np.unique(sorted_scores, return_index=True, return_counts=True)
    average = first + (counts + 1) / 2.0
    ranks[order] = np.repeat(average, counts)
    return float((ranks[y == 1].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def evaluate(task: str, y: np.ndarray, output: np.ndarray) -> dict[str, float]:
    """The metrics of ``output`` against the true labels or values ``y``."""
    y = np.asarray(y)
    output = np.asarray(output, dtype=np.float64)
    if not len(y):
        return {}
    if task == REGRESSION:
        values = output.reshape(-1)
        truth = y.astype(np.float64).reshape(-1)
        error = values - truth
        mse = float(np.mean(error**2))
        spread = float(np.sum((truth - truth.mean()) ** 2))
        return {
            "loss": mse,
            "rmse": float(np.sqrt(mse)),
            "mae": float(np.mean(np.abs(error))),
            "r2": 1.0 - float(np.sum(error**2)) / spread if spread else float("nan"),
        }
    codes = y.astype(np.int64).reshape(-1)
    picked = np.clip(output[np.arange(len(codes)), codes], EPSILON, 1.0)
    metrics = {
        "loss": float(-np.mean(np.log(picked))),
        "accuracy": float(np.mean(output.argmax(axis=1) == codes)),
    }
    if output.shape[1] == 2:
        metrics["auc"] = auc(codes, output[:, 1])
    return metrics
