"""A classifier's accuracy before the labels arrive, from its confidence (CBPE-like).

On the reference (the test split of the fitting, whose labels are known), an isotonic
regression learns how often the predicted class is right as a function of the
model's confidence in it (its largest class probability). Applied to new
predictions, the mean of that calibrated confidence is the accuracy to expect: it
follows a shift in the inputs (covariate shift) that moves rows towards or away from
the decision boundary. It cannot see a change in the relation between inputs and
labels (concept drift): only realised accuracy, once the labels come, can.

The standard error is that of the realised accuracy of ``rows`` predictions if the
calibrated confidences are right, ``sqrt(sum p(1 - p)) / rows``.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> scores = rng.uniform(0.5, 1, 4000)
>>> labels = (rng.uniform(size=4000) < scores).astype(int)   # calibrated: P(label 1) = score
>>> probabilities = np.column_stack([1 - scores, scores])
>>> estimate = estimate_performance(probabilities, labels, probabilities[:1000])
>>> round(estimate["reference"], 2), abs(estimate["estimated"] - 0.75) < 0.02
(0.75, True)
"""

from __future__ import annotations

from typing import Any

from lore.errors import LoreError


class PerformanceError(LoreError):
    """Scores and labels that do not fit together."""


def confidence(probabilities: Any) -> tuple[Any, Any]:
    """``(predicted class index, its probability)`` per row of ``(rows, classes)`` probabilities."""
    import numpy as np

    probabilities = np.asarray(probabilities, dtype=np.float64)
    if probabilities.ndim == 1:  # a binary classifier's probability of class 1
        probabilities = np.column_stack([1 - probabilities, probabilities])
    # column by column: argmax(axis=1)'s classes (the first of equal ones; probabilities
    # hold no NaN) at a fraction of its cost on millions of rows and a few classes
    predicted = np.zeros(len(probabilities), dtype=np.intp)
    best = probabilities[:, 0].copy()
    for column in range(1, probabilities.shape[1]):
        values = probabilities[:, column]
        predicted[values > best] = column
        np.maximum(best, values, out=best)
    return predicted, best


def calibration(reference_probabilities: Any, reference_labels: Any) -> Any:
    """The isotonic map from confidence to the chance that the prediction is right."""
    import numpy as np
    from sklearn.isotonic import IsotonicRegression

    predicted, confident = confidence(reference_probabilities)
    labels = np.asarray(reference_labels)
    if len(labels) != len(predicted):
        raise PerformanceError(
            f"the reference has {len(predicted)} score rows but {len(labels)} labels; give one label per row"
        )
    if not len(labels):
        raise PerformanceError("the reference has no scored rows to calibrate performance estimates on")
    right = (predicted == labels).astype(np.float64)
    return IsotonicRegression(y_min=0, y_max=1, out_of_bounds="clip").fit(confident, right)


def interpolate(values: Any, x: Any, y: Any) -> Any:
    """``numpy.interp(values, x, y)`` for values within ``[x[0], x[-1]]``, number for number, faster.

    ``x`` is strictly increasing, ``values`` hold no NaN. The segment of each value is
    found by :func:`~lore.monitoring.sketches.bin_numbers` instead of a binary search
    per value (a third of the CPU on millions of values), then ``interp``'s own
    arithmetic: ``slope * (value - x[j]) + y[j]``, ``y[j]`` on a point.

    >>> import numpy as np
    >>> x, y = np.array([0.5, 0.7, 1.0]), np.array([0.4, 0.6, 0.9])
    >>> values = np.array([0.5, 0.6, 0.7, 0.95, 1.0])
    >>> interpolate(values, x, y).tolist() == np.interp(values, x, y).tolist()
    True
    """
    import numpy as np

    from lore.monitoring.sketches import bin_numbers

    segment = bin_numbers(x, values, side="right").astype(np.intp)
    segment -= 1  # x[segment] <= value < x[segment + 1]
    slopes = np.append(np.diff(y) / np.diff(x), 0.0)
    found = slopes[segment] * (values - x[segment]) + y[segment]
    on_point = (segment == len(x) - 1) | (x[segment] == values)
    found[on_point] = y[segment[on_point]]
    return found


def estimate_performance(
    reference_probabilities: Any, reference_labels: Any, current_probabilities: Any
) -> dict[str, float]:
    """Expected accuracy of ``current_probabilities``' predictions, without their labels.

    Parameters
    ----------
    reference_probabilities, reference_labels
        Class probabilities ``(rows, classes)`` (or a binary classifier's probability
        of class 1) and the true class indices of the reference rows: the fitting's
        test split (``Reference.probabilities`` and ``Reference.labels``).
    current_probabilities
        The probabilities the model gave the new rows.

    Returns
    -------
    dict
        ``estimated`` (accuracy), ``stderr``, ``reference`` (realised accuracy on the
        reference) and ``rows``.
    """
    import numpy as np

    mapping = calibration(reference_probabilities, reference_labels)
    predicted, _ = confidence(reference_probabilities)
    reference = float(np.mean(predicted == np.asarray(reference_labels)))
    _, current = confidence(current_probabilities)
    rows = len(current)
    if not rows:
        return {"estimated": float("nan"), "stderr": float("nan"), "reference": reference, "rows": 0}
    chance = mapping.predict(current)
    return {
        "estimated": float(chance.mean()),
        "stderr": float(np.sqrt(np.sum(chance * (1 - chance))) / rows),
        "reference": reference,
        "rows": rows,
    }


def realised_accuracy(probabilities: Any, labels: Any) -> float:
    """The share of rows whose most probable class is the label (class indices)."""
    import numpy as np

    predicted, _ = confidence(probabilities)
    return float(np.mean(predicted == np.asarray(labels))) if len(predicted) else float("nan")
