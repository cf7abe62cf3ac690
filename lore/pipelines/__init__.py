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
from lore.pipelines.low_memory import LowMemory
from lore.pipelines.timed import TimedTrainTestSplit

__all__ = ["Holdout", "LowMemory", "Observations", "TimedTrainTestSplit", "TrainTestSplit"]
