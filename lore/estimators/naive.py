"""The naive baseline: predicts from the training labels alone, never from the features.

A regression predicts the training mean; a classifier predicts the class frequencies
of the training labels as its probabilities, so ``predict`` is the majority class.
It is every team's first sanity check (a model must beat it), and what
:meth:`lore.models.Base.fit` reports as the ``baseline`` metrics.

>>> import numpy as np
>>> naive = Naive()
>>> naive.fit(np.zeros((4, 1)), np.array([1, 1, 0, 1]))
{}
>>> naive.predict(np.zeros((2, 1))).tolist(), naive.predict_proba(np.zeros((1, 1))).tolist()
([1, 1], [[0.25, 0.75]])
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from lore.compat import module_getattr
from lore.estimators.base import REGRESSION, Estimator


def baseline(task: str, training_y: Any, rows: int, n_classes: int | None = None) -> np.ndarray:
    """The naive output for ``rows`` rows: the class frequencies, or the mean, of ``training_y``.

    >>> baseline("regression", [1.0, 3.0], 2).tolist()
    [2.0, 2.0]
    """
    training_y = np.asarray(training_y)
    if task == REGRESSION:
        return np.full(rows, float(training_y.astype(np.float64).mean()))
    counts = np.bincount(training_y.astype(np.int64).reshape(-1), minlength=n_classes or 2)
    return np.tile(counts / counts.sum(), (rows, 1))


class Naive(Estimator):
    """The training mean (regression) or the training class frequencies (classification)."""

    row_wise = True  # the same output for every row

    def _fit(
        self,
        x: Any,
        y: np.ndarray,
        validation: tuple[Any, np.ndarray] | None,
        folder: Path | None,
        params: dict[str, Any],
    ) -> dict[str, Any]:
        self.native_ = baseline(self.task_, y, 1, self.n_classes_)[0].reshape(-1)
        return {}

    def _predict_raw(self, x: Any) -> np.ndarray:
        return np.tile(self.native_.astype(np.float32), (len(x), 1))


__getattr__ = module_getattr(__name__)  # the original Lore's names: lore.compat.NAMES
