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

    def build(self) -> Any:
        """The compiled network before any fit (the pipeline's encoders are fitted first).

        ``model.build().summary()`` shows it; ``fit`` trains this network, with any
        change made to it in between.
        """
        pipeline, estimator = self._require_parts()
        estimator.configure(pipeline)
        return estimator.build_network()


__getattr__ = module_getattr(__name__)  # the original Lore's names: lore.compat.NAMES
