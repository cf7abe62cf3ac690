"""What a fitting remembers of its data, to compare production against: ``reference.json``.

A :class:`Reference` holds the profile of the raw input columns (of the training
split), the profile of the predictions (on the test split), and, for a classifier,
the test split's class probabilities and true class indices (at most
:data:`MAX_SCORED` rows, a random sample beyond), which
:func:`~lore.monitoring.estimate_performance` calibrates on, and that calibration
itself (the isotonic map's points), so that ``lore monitor`` applies it
(:func:`~lore.monitoring.performance.interpolate`) instead of importing scikit-learn
to fit it again. ``lore.models.Base.fit``
writes it into every fitting; ``Model.load`` reads it back as ``model.reference``.

>>> import numpy as np, pandas as pd, tempfile, pathlib
>>> made = build(pd.DataFrame({"age": [20, 30, 40]}), np.array([True, False, True]),
...              probabilities=np.array([[0.2, 0.8], [0.7, 0.3], [0.4, 0.6]]), labels=np.array([1, 0, 0]))
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> made.save(folder)
>>> again = Reference.load(folder)
>>> list(again.inputs), again.predictions[PREDICTION]["values"], again.labels.tolist()
(['age'], {'True': 2, 'False': 1}, [1, 0, 0])
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lore.monitoring.performance import calibration, interpolate
from lore.monitoring.sketches import Profile, profile
from lore.util import atomic_write

#: The file of a fitting that holds its reference.
FILE = "reference.json"
#: The name of the predictions' column in profiles and in the prediction log.
PREDICTION = "prediction"
#: Scored reference rows kept for performance estimation.
MAX_SCORED = 20_000


class Reference:
    """A fitting's reference: input and prediction profiles, and scored labelled rows.

    Parameters
    ----------
    inputs
        Profile of the raw input columns.
    predictions
        Profile of the decoded predictions (one column, :data:`PREDICTION`).
    probabilities, labels
        A classifier's test-split class probabilities ``(rows, classes)`` and true
        class indices; ``None`` for a regression.
    calibration
        The points ``(confidences, chances)`` of the isotonic map that
        :func:`~lore.monitoring.performance.calibration` fits on ``probabilities`` and
        ``labels`` (``None``: fitted when needed, for a reference saved without them).
    """

    def __init__(
        self,
        inputs: Profile,
        predictions: Profile,
        probabilities: Any = None,
        labels: Any = None,
        calibration: tuple[Any, Any] | None = None,
    ) -> None:
        self.inputs = inputs
        self.predictions = predictions
        self.probabilities = probabilities
        self.labels = labels
        self.calibration = calibration

    def __repr__(self) -> str:
        scored = f", {len(self.labels)} scored rows" if self.labels is not None else ""
        return f"<Reference of {', '.join(self.inputs)}{scored}>"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"inputs": self.inputs.to_dict(), "predictions": self.predictions.to_dict()}
        if self.labels is not None:
            data["probabilities"] = self.probabilities.round(6).tolist()
            data["labels"] = self.labels.tolist()
        if self.calibration is not None:
            data["calibration"] = [points.tolist() for points in self.calibration]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reference:
        import numpy as np

        probabilities = labels = calibration = None
        if "labels" in data:
            probabilities = np.asarray(data["probabilities"], dtype=np.float64)
            labels = np.asarray(data["labels"], dtype=np.int64)
        if "calibration" in data:
            x, y = data["calibration"]
            calibration = (np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
        return cls(
            Profile.from_dict(data["inputs"]),
            Profile.from_dict(data["predictions"]),
            probabilities,
            labels,
            calibration,
        )

    def chance(self, confidences: Any) -> Any:
        """The calibrated chance that each prediction is right, from its confidence.

        ``IsotonicRegression.predict`` of :func:`~lore.monitoring.performance.calibration`,
        number for number, from the saved points when there are (no scikit-learn import).
        """
        import numpy as np

        if self.calibration is None:
            return calibration(self.probabilities, self.labels).predict(confidences)
        x, y = self.calibration
        if len(x) == 1:
            return np.repeat(y, len(confidences))
        return interpolate(np.clip(confidences, x[0], x[-1]), x, y)

    def save(self, folder: str | Path) -> None:
        """Write ``reference.json`` into ``folder`` (atomically)."""
        # json.dumps, not json.dump: only the one-shot encoder is the C one (6x on 20,000 scored rows)
        text = json.dumps(self.to_dict(), separators=(",", ":"), allow_nan=False)
        with atomic_write(Path(folder) / FILE, "w") as stream:
            stream.write(text)

    @classmethod
    def load(cls, folder: str | Path) -> Reference | None:
        """The reference saved in ``folder``, or ``None`` for a fitting made without one."""
        path = Path(folder) / FILE
        if not path.is_file():
            return None
        return cls.from_json(path.read_bytes())

    @classmethod
    def from_json(cls, text: str | bytes) -> Reference:
        """The reference in the text of a ``reference.json``."""
        return cls.from_dict(json.loads(text))


def build(
    inputs: Any, predictions: Any, *, probabilities: Any = None, labels: Any = None, seed: int = 0
) -> Reference:
    """Profile ``inputs`` (raw columns) and ``predictions``; keep a sample of the scored rows.

    Parameters
    ----------
    inputs
        The raw input columns (a DataFrame).
    predictions
        Decoded predictions (any 1-D array).
    probabilities, labels
        For a classifier: class probabilities and true class indices of the same rows
        as ``predictions``.
    seed
        Seed of the sample of scored rows beyond :data:`MAX_SCORED`.
    """
    import numpy as np
    import pandas as pd

    predicted = profile(pd.DataFrame({PREDICTION: np.asarray(predictions)}))
    if labels is not None:
        probabilities = np.asarray(probabilities, dtype=np.float64)
        if probabilities.ndim == 1:
            probabilities = np.column_stack([1 - probabilities, probabilities])
        labels = np.asarray(labels).astype(np.int64)
        if len(labels) > MAX_SCORED:
            keep = np.sort(np.random.default_rng(seed).choice(len(labels), MAX_SCORED, replace=False))
            probabilities, labels = probabilities[keep], labels[keep]
        probabilities = probabilities.round(6)  # as saved: the same calibration before and after a load
        fitted = calibration(probabilities, labels)
        points = (fitted.X_thresholds_, fitted.y_thresholds_)
        return Reference(profile(inputs), predicted, probabilities, labels, points)
    return Reference(profile(inputs), predicted)
