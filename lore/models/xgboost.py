"""A model around :class:`lore.estimators.XGBoost`, with its defaults unless told otherwise.

>>> XGBoost().estimator
XGBoost()
"""

from __future__ import annotations

from typing import Any

from lore import estimators
from lore.compat import module_getattr
from lore.models import base


class XGBoost(base.Base):
    """Gradient boosted trees over the pipeline's encoded features."""

    def __init__(self, pipeline: Any = None, estimator: estimators.Estimator | None = None) -> None:
        super().__init__(pipeline=pipeline, estimator=estimator or estimators.XGBoost())


__getattr__ = module_getattr(__name__)  # the original Lore's names: lore.compat.NAMES
