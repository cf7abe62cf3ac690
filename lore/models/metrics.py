"""Metrics for a task, computed by :mod:`sklearn.metrics`: every one has a ``loss`` to minimize.

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
    """Area under the ROC curve (:func:`sklearn.metrics.roc_auc_score`); ``nan`` with one class only.

    >>> auc(np.array([0, 1, 1]), np.array([0.2, 0.9, 0.4])), auc(np.array([1, 1]), np.array([0.2, 0.4]))
    (1.0, nan)
    """
    from sklearn.metrics import roc_auc_score

    if len(np.unique(y)) < 2:
        return float("nan")
    return float(roc_auc_score(y, score))


def evaluate(task: str, y: np.ndarray, output: np.ndarray) -> dict[str, float]:
    """The metrics of ``output`` against the true labels or values ``y``.

    scikit-learn's parameter validation is skipped (the arguments are lore's own
    arrays, checked here): it was a third of the time of a small split's metrics.
    """
    import sklearn

    with sklearn.config_context(skip_parameter_validation=True):
        return _evaluate(task, y, output)


def _evaluate(task: str, y: np.ndarray, output: np.ndarray) -> dict[str, float]:
    y = np.asarray(y)
    output = np.asarray(output, dtype=np.float64)
    if not len(y):
        return {}
    if task == REGRESSION:
        from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score

        values = output.reshape(-1)
        truth = y.astype(np.float64).reshape(-1)
        mse = float(mean_squared_error(truth, values))
        return {
            "loss": mse,
            "rmse": float(np.sqrt(mse)),
            "mae": float(mean_absolute_error(truth, values)),
            "r2": float(r2_score(truth, values, force_finite=False)) if len(truth) > 1 else float("nan"),
        }
    from sklearn.metrics import accuracy_score, log_loss

    codes = y.astype(np.int64).reshape(-1)
    output = output / output.sum(axis=1, keepdims=True)  # float32 rows may miss 1 by an ulp
    metrics = {
        "loss": float(log_loss(codes, output, labels=np.arange(output.shape[1]))),
        "accuracy": float(accuracy_score(codes, output.argmax(axis=1))),
    }
    if output.shape[1] == 2:
        metrics["auc"] = auc(codes, output[:, 1])
    return metrics
