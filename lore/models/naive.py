"""A model around the :class:`~lore.estimators.naive.Naive` baseline estimator.

Fit it beside a real model on the same pipeline: its metrics are the floor the real
one must clear.

>>> Naive().estimator
Naive()
"""

from __future__ import annotations

from typing import Any

from lore import estimators
from lore.compat import module_getattr
from lore.models import base


class Naive(base.Base):
    """The pipeline's data, predicted by the training mean or majority class."""

    def __init__(self, pipeline: Any = None, estimator: estimators.Estimator | None = None) -> None:
        super().__init__(pipeline=pipeline, estimator=estimator or estimators.Naive())


__getattr__ = module_getattr(__name__)  # the original Lore's names: lore.compat.NAMES
