"""Rolling drift of served models, from the batches the prediction log writes.

:class:`LiveDrift` profiles every logged batch against its fitting's
:class:`~lore.monitoring.Reference` (in the writer thread, never on the request
path), keeps one merged profile per minute, and over the last ``window`` seconds
reports, for each input and the predictions, the same drift distance, PSI, share of
missing values and share of unseen categories as :func:`~lore.monitoring.drift`.
The server exposes them on ``/metrics`` as ``lore_model_drift_distance``,
``lore_model_drift_psi``, ``lore_model_missing_share`` and
``lore_model_unseen_share`` so that Prometheus can alert.

>>> import numpy as np, pandas as pd
>>> from lore.monitoring.reference import build
>>> rng = np.random.default_rng(0)
>>> reference = build(pd.DataFrame({"x": rng.normal(0, 1, 5000), "c": rng.choice(["a", "b"], 5000)}),
...                   rng.choice([True, False], 5000))
>>> live = LiveDrift(lambda model, fitting: reference)
>>> live.update("demo.Model", 1, pd.DataFrame({"x": rng.normal(2, 1, 500), "c": ["a"] * 250 + ["z"] * 250}),
...             rng.choice([True, False], 500))
>>> scores = live.snapshot()["demo.Model"]
>>> scores["x"]["distance"] > 1, scores["c"]["unseen"], scores["prediction"]["distance"] < 0.1
(True, 0.5, True)
"""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Callable
from typing import Any

from lore.monitoring.compare import Thresholds, compare
from lore.monitoring.reference import PREDICTION, Reference
from lore.monitoring.sketches import Profile, profile

#: Seconds of traffic the live scores cover.
WINDOW = 3600.0
#: Seconds of traffic merged into one bucket.
BUCKET = 60.0


class LiveDrift:
    """Per model, the rolling drift of the logged traffic against its fitting's reference.

    Parameters
    ----------
    references
        ``(model name, fitting) -> Reference | None``: the reference of the fitting
        that predicted (``None`` when it has none; its traffic is then ignored).
    window
        Seconds of traffic the scores cover.
    """

    def __init__(
        self, references: Callable[[str, int | None], Reference | None], window: float = WINDOW
    ) -> None:
        self.references = references
        self.window = window
        self.thresholds = Thresholds()
        self._buckets: dict[tuple[str, int | None], collections.deque[tuple[float, Profile]]] = {}
        self._scores: dict[str, dict[str, dict[str, float]]] = {}
        self._lock = threading.Lock()

    def update(self, model: str, fitting: int | None, inputs: Any, predictions: Any) -> None:
        """Add one batch (raw inputs and decoded predictions) and recompute ``model``'s scores."""
        import numpy as np
        import pandas as pd

        reference = self.references(model, fitting)
        if reference is None:
            return
        frame = inputs.copy() if isinstance(inputs, pd.DataFrame) else pd.DataFrame(inputs)
        frame[PREDICTION] = np.asarray(predictions)
        self._add(model, fitting, frame, reference)

    def _add(self, model: str, fitting: int | None, frame: Any, reference: Reference) -> None:
        """Profile ``frame`` (inputs and the prediction column, the caller's to keep) into the window."""
        against = Profile(
            {**reference.inputs.columns, **reference.predictions.columns}, reference.inputs.rows
        )
        batch = profile(frame, against)
        now = time.time()
        with self._lock:
            buckets = self._buckets.setdefault((model, fitting), collections.deque())
            if buckets and now - buckets[-1][0] < BUCKET:
                buckets[-1] = (buckets[-1][0], buckets[-1][1].merge(batch))
            else:
                buckets.append((now, batch))
            while buckets and now - buckets[0][0] > self.window:
                buckets.popleft()
            merged = buckets[0][1]
            for _, more in list(buckets)[1:]:
                merged = merged.merge(more)
        scores = {}
        for name, sketch in against.items():
            row = compare(sketch, merged.get(name), self.thresholds, name)
            scores[name] = {
                "distance": row["distance"],
                "psi": row["psi"],
                "missing": row["missing_current"],
                "unseen": row["unseen"],
                "rows": row["rows"],
            }
        with self._lock:
            self._scores[model] = scores

    def update_from_log(self, model: str, fitting: int | None, data: Any) -> None:
        """:meth:`update` from a batch of the prediction log (an Arrow table of the record)."""
        import pyarrow as pa

        reference = self.references(model, fitting)
        if reference is None:
            return
        inputs = data.column("inputs").combine_chunks().flatten()
        names = [field.name for field in data.schema.field("inputs").type]
        frame = pa.table(dict(zip(names, inputs))).to_pandas()  # a new frame: no copy for the prediction
        frame[PREDICTION] = data.column(PREDICTION).to_numpy(zero_copy_only=False)
        self._add(model, fitting, frame, reference)

    def snapshot(self) -> dict[str, dict[str, dict[str, float]]]:
        """``{model: {column: {"distance", "psi", "missing", "unseen", "rows"}}}``, as of the last batch."""
        with self._lock:
            return {model: dict(scores) for model, scores in self._scores.items()}
