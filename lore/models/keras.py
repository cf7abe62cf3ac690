"""A model around :class:`lore.estimators.Keras`: the canned network unless told otherwise.

TensorFlow is imported only when the model fits, predicts or loads.

>>> Keras().estimator
Keras()
"""

from __future__ import annotations

from typing import Any

from lore import estimators
from lore.models.base import Base


class Keras(Base):
    """A neural network with an embedding per categorical encoder of the pipeline."""

    def __init__(self, pipeline: Any = None, estimator: estimators.Estimator | None = None) -> None:
        super().__init__(pipeline=pipeline, estimator=estimator or estimators.Keras())
