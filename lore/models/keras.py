"""A model around :class:`lore.estimators.Keras`: the canned network unless told otherwise.

TensorFlow is imported only when the model fits, predicts or loads.

>>> Keras().estimator
Keras()
"""

from __future__ import annotations

from typing import Any

from lore import estimators
from lore.compat import module_getattr
from lore.models import base


class Keras(base.Base):
    """A neural network with an embedding per categorical encoder of the pipeline."""

    def __init__(self, pipeline: Any = None, estimator: estimators.Estimator | None = None) -> None:
        super().__init__(pipeline=pipeline, estimator=estimator or estimators.Keras())


__getattr__ = module_getattr(__name__)  # the original Lore's names: lore.compat.NAMES
