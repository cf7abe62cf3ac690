"""Metrics for a task, computed in numpy as :mod:`sklearn.metrics` defines them: every one has a ``loss``.

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

from lore.estimators.base import REGRESSION
from lore.estimators.naive import baseline

__all__ = ["auc", "baseline", "evaluate"]


def auc(y: np.ndarray, score: np.ndarray) -> float:
    """Area under the ROC curve, as :func:`sklearn.metrics.roc_auc_score`; ``nan`` with one class only.

    The Mann-Whitney statistic on average ranks (ties count half), one sort: the same
    figure as scikit-learn's without its input checks, which cost more than the sort on
    a small split.

    >>> auc(np.array([0, 1, 1]), np.array([0.2, 0.9, 0.4])), auc(np.array([1, 1]), np.array([0.2, 0.4]))
    (1.0, nan)
    """
    positive = np.asarray(y).reshape(-1) == 1
    positives = int(positive.sum())
    negatives = len(positive) - positives
    if not positives or not negatives:
        return float("nan")
    score = np.asarray(score, dtype=np.float64).reshape(-1)
    order = np.argsort(score, kind="stable")
    ordered = score[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])  # first index of each tied run
    ends = np.r_[starts[1:], len(ordered)]
    average = (starts + ends + 1) / 2.0  # the mean of ranks starts+1 .. ends
    ranks = np.empty(len(score))
    ranks[order] = np.repeat(average, ends - starts)
    return float((ranks[positive].sum() - positives * (positives + 1) / 2.0) / (positives * negatives))


def evaluate(task: str, y: np.ndarray, output: np.ndarray) -> dict[str, float]:
    """The metrics of ``output`` against the true labels or values ``y``.

    Each is the formula of its :mod:`sklearn.metrics` namesake (``log_loss`` clips the
    probabilities to ``[eps, 1 - eps]``, ``r2_score(force_finite=False)``), computed in
    numpy: scikit-learn's input checks were most of a small fit's metric time.
    """
    y = np.asarray(y)
    output = np.asarray(output, dtype=np.float64)
    if not len(y):
        return {}
    if task == REGRESSION:
        values = output.reshape(-1)
        truth = y.astype(np.float64).reshape(-1)
        errors = truth - values
        mse = float(np.mean(errors * errors))
        return {
            "loss": mse,
            "rmse": float(np.sqrt(mse)),
            "mae": float(np.mean(np.abs(errors))),
            "r2": _r2(truth, mse),
        }
    codes = y.astype(np.int64).reshape(-1)
    output = output / output.sum(axis=1, keepdims=True)  # float32 rows may miss 1 by an ulp
    eps = np.finfo(output.dtype).eps
    chosen = np.clip(output[np.arange(len(codes)), codes], eps, 1 - eps)
    metrics = {
        "loss": float(-np.mean(np.log(chosen))),
        "accuracy": float(np.mean(output.argmax(axis=1) == codes)),
    }
    if output.shape[1] == 2:
        metrics["auc"] = auc(codes, output[:, 1])
    return metrics


def _r2(truth: np.ndarray, mse: float) -> float:
    """R², ``nan`` for fewer than two values; ``-inf`` or ``nan`` for constant truth (as scikit-learn)."""
    if len(truth) < 2:
        return float("nan")
    variance = float(np.mean((truth - truth.mean()) ** 2))
    if variance == 0.0:
        return float("nan") if mse == 0.0 else float("-inf")
    return 1.0 - mse / variance
