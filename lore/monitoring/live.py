"""Rolling drift of served models, from the batches the prediction log writes.

:class:`LiveDrift` profiles every logged batch against its fitting's
:class:`~lore.monitoring.Reference` (in the writer thread, never on the request
path) and keeps one merged profile per minute. Over the last ``window`` seconds it
reports, for each input and the predictions, the same drift distance, PSI, share of
missing values and share of unseen categories as :func:`~lore.monitoring.drift`,
and whether the column drifted or its missing values changed by the rules of
``lore monitor``: the :class:`~lore.monitoring.Thresholds` of ``[DRIFT]`` in
``config/monitoring.cfg``, ``min_rows`` included. The server exposes them on
``/metrics`` (``lore_model_drift_distance``, ``lore_model_drift_psi``,
``lore_model_missing_share``, ``lore_model_unseen_share``, ``lore_model_drifted``,
``lore_model_missing_changed``) so that Prometheus can alert.

The scores are computed when asked for (:meth:`LiveDrift.snapshot`, a scrape of
``/metrics``), not per batch, and kept until the next batch of that model: the writer
only profiles and merges.

>>> import numpy as np, pandas as pd
>>> from lore.monitoring.compare import Thresholds
>>> from lore.monitoring.reference import build
>>> rng = np.random.default_rng(0)
>>> reference = build(pd.DataFrame({"x": rng.normal(0, 1, 5000), "c": rng.choice(["a", "b"], 5000)}),
...                   rng.choice([True, False], 5000))
>>> live = LiveDrift(lambda model, fitting: reference, Thresholds())
>>> live.update("demo.Model", 1, pd.DataFrame({"x": rng.normal(2, 1, 500), "c": ["a"] * 250 + ["z"] * 250}),
...             rng.choice([True, False], 500))
>>> scores = live.snapshot()["demo.Model"]
>>> x, c = scores["x"], scores["c"]
>>> x["distance"] > 1, x["drifted"], c["unseen"], scores["prediction"]["drifted"]
(True, True, 0.5, False)
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
#: What :meth:`LiveDrift.snapshot` reports of each column: score key -> key of :func:`compare`'s row.
SCORES = {
    "distance": "distance",
    "psi": "psi",
    "missing": "missing_current",
    "unseen": "unseen",
    "rows": "rows",
    "drifted": "drifted",
    "missing_changed": "missing_changed",
}


class _Traffic:
    """One fitting's logged traffic: its minute buckets, and what was merged or scored of them."""

    def __init__(self, against: Profile) -> None:
        self.against = against  # the reference's inputs and predictions, as compared
        self.buckets: collections.deque[tuple[float, Profile]] = collections.deque()
        self.closed: Profile | None = None  # the buckets before the last, merged (None: not yet)
        self.scores: dict[str, dict[str, Any]] | None = None  # None: not since the last change


class LiveDrift:
    """Per model, the rolling drift of the logged traffic against its fitting's reference.

    Thread-safe: the prediction log's writer thread adds batches (:meth:`update_from_log`)
    while ``/metrics`` reads :meth:`snapshot` on the event loop.

    Parameters
    ----------
    references
        ``(model name, fitting) -> Reference | None``: the reference of the fitting
        that predicted (``None`` when it has none; its traffic is then ignored).
    thresholds
        When a column drifted or its missing values changed;
        :meth:`Thresholds.from_config` (``[DRIFT]`` of ``config/monitoring.cfg``, as
        ``lore monitor`` reads it) by default, read here, once.
    window
        Seconds of traffic the scores cover.
    """

    def __init__(
        self,
        references: Callable[[str, int | None], Reference | None],
        thresholds: Thresholds | None = None,
        window: float = WINDOW,
    ) -> None:
        self.references = references
        self.thresholds = thresholds or Thresholds.from_config()
        self.window = window
        self._traffic: dict[tuple[str, int | None], _Traffic] = {}
        self._latest: dict[str, tuple[str, int | None]] = {}  # model -> its last batch's (model, fitting)
        self._lock = threading.Lock()

    def update(self, model: str, fitting: int | None, inputs: Any, predictions: Any) -> None:
        """Add one batch (raw inputs and decoded predictions) to ``model``'s window."""
        import numpy as np
        import pandas as pd

        reference = self.references(model, fitting)
        if reference is None:
            return
        frame = inputs.copy() if isinstance(inputs, pd.DataFrame) else pd.DataFrame(inputs)
        frame[PREDICTION] = np.asarray(predictions)
        self._add(model, fitting, frame, reference)

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

    def _add(self, model: str, fitting: int | None, frame: Any, reference: Reference) -> None:
        """Profile ``frame`` (inputs and the prediction column, the caller's to keep) into the window.

        The profiling runs outside the lock; inside, the batch is merged into the
        current minute's bucket and the model's scores are marked stale.
        """
        key = (model, fitting)
        with self._lock:
            traffic = self._traffic.get(key)
        if traffic is None:
            against = {**reference.inputs.columns, **reference.predictions.columns}
            traffic = _Traffic(Profile(against, reference.inputs.rows))
        batch = profile(frame, traffic.against)
        now = time.time()
        with self._lock:
            traffic = self._traffic.setdefault(key, traffic)
            buckets = traffic.buckets
            if buckets and now - buckets[-1][0] < BUCKET:
                buckets[-1] = (buckets[-1][0], buckets[-1][1].merge(batch))
            else:
                if traffic.closed is not None and buckets:  # the last bucket closes: merge it in once
                    traffic.closed = traffic.closed.merge(buckets[-1][1])
                elif len(buckets) == 1:
                    traffic.closed = buckets[0][1]
                buckets.append((now, batch))
            self._expire(traffic, now)
            traffic.scores = None
            self._latest[model] = key

    def _expire(self, traffic: _Traffic, now: float) -> None:
        """Drop the buckets older than the window (under the lock)."""
        while traffic.buckets and now - traffic.buckets[0][0] > self.window:
            traffic.buckets.popleft()
            traffic.closed = None  # counts cannot be taken out of a merged profile's minimum and maximum
            traffic.scores = None

    def snapshot(self) -> dict[str, dict[str, dict[str, Any]]]:
        """``{model: {column: scores}}``, the keys of :data:`SCORES` for each column.

        Over each model's traffic of the last ``window`` seconds (a model without any is
        left out). Computed for a model whose traffic changed since the last call, else
        the same as then.
        """
        now = time.time()
        found = {}
        with self._lock:  # the writer waits for this scrape's scoring; it only ever waits for it
            for model, key in self._latest.items():
                traffic = self._traffic[key]
                self._expire(traffic, now)
                if not traffic.buckets:
                    continue
                if traffic.scores is None:
                    traffic.scores = self._score(traffic)
                found[model] = dict(traffic.scores)
        return found

    def _score(self, traffic: _Traffic) -> dict[str, dict[str, Any]]:
        """Each column's scores over ``traffic``'s buckets (under the lock)."""
        buckets = [bucket for _, bucket in traffic.buckets]
        if traffic.closed is None and len(buckets) > 1:
            traffic.closed = buckets[0]
            for more in buckets[1:-1]:
                traffic.closed = traffic.closed.merge(more)
        merged = buckets[-1] if traffic.closed is None else traffic.closed.merge(buckets[-1])
        scores = {}
        for name, sketch in traffic.against.items():
            row = compare(sketch, merged.get(name), self.thresholds, name)
            scores[name] = {key: row[column] for key, column in SCORES.items()}
        return scores
