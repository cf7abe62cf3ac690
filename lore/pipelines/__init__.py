"""Pipelines: from a raw extract to encoded training, validation and test data.

- :class:`TrainTestSplit` (alias :data:`Holdout`): random split of one DataFrame.
- :class:`TimedTrainTestSplit`: split by a time column, the latest rows for testing.
- :class:`LowMemory`: a stream of chunks, encoded to disk, for data larger than memory.

>>> from lore.pipelines import Holdout, TrainTestSplit
>>> Holdout is TrainTestSplit
True
"""

from __future__ import annotations

from lore.pipelines.holdout import Holdout, Observations, TrainTestSplit

__all__ = ["Holdout", "Observations", "TrainTestSplit"]
