"""A mergeable quantile sketch: sorted points with weights, compacted to a fixed size.

Exact while it holds no more than ``capacity`` values; beyond that it keeps
``capacity`` evenly ranked points, so a quantile is off by at most about
``1 / capacity`` in rank. Two sketches merge by concatenating and re-compacting,
which is what lets :class:`~lore.encoders.Quantile` fit on a stream of chunks.

>>> import numpy as np
>>> from lore.encoders.sketch import Sketch
>>> whole = Sketch.of(np.arange(101.0))
>>> merged = Sketch.of(np.arange(50.0)).merge(Sketch.of(np.arange(50.0, 101.0)))
>>> whole.quantiles([0.5]).tolist(), merged.quantiles([0.5]).tolist()
([50.0], [50.0])
"""

from __future__ import annotations

from typing import Any

#: Points a sketch keeps; the rank error is about 1 / CAPACITY.
CAPACITY = 1 << 15


class Sketch:
    """Sorted ``values`` with ``weights`` (how many observations each stands for)."""

    def __init__(self, values: Any, weights: Any, capacity: int = CAPACITY) -> None:
        self.values = values
        self.weights = weights
        self.capacity = capacity

    @classmethod
    def of(cls, values: Any, capacity: int = CAPACITY) -> Sketch:
        """A sketch of the non-missing ``values``."""
        import numpy as np

        values = np.asarray(values, dtype="float64")
        values = np.sort(values[~np.isnan(values)])
        return cls(values, np.ones(len(values)), capacity)._compact()

    @property
    def count(self) -> float:
        return float(self.weights.sum())

    def merge(self, other: Sketch) -> Sketch:
        import numpy as np

        values = np.concatenate([self.values, other.values])
        order = np.argsort(values, kind="stable")
        weights = np.concatenate([self.weights, other.weights])[order]
        return Sketch(values[order], weights, max(self.capacity, other.capacity))._compact()

    def _compact(self) -> Sketch:
        import numpy as np

        if len(self.values) <= self.capacity:
            return self
        total = self.weights.sum()
        cumulative = np.cumsum(self.weights)
        targets = (np.arange(self.capacity) + 0.5) * total / self.capacity
        picks = np.searchsorted(cumulative, targets, side="left").clip(0, len(self.values) - 1)
        values = self.values[picks]
        values[[0, -1]] = self.values[[0, -1]]  # the extremes stay exact
        weights = np.full(self.capacity, total / self.capacity)
        return Sketch(values, weights, self.capacity)

    def quantiles(self, probabilities: Any) -> Any:
        """Linear-interpolated quantiles (numpy's default method when exact)."""
        import numpy as np

        probabilities = np.asarray(probabilities, dtype="float64")
        if not len(self.values):
            return np.full(probabilities.shape, np.nan)
        positions = np.cumsum(self.weights) - (self.weights + 1) / 2
        return np.interp(probabilities * (self.count - 1), positions, self.values)
