"""A model around :class:`lore.estimators.XGBoost`, with its defaults unless told otherwise.

>>> XGBoost().estimator
XGBoost()
"""

from __future__ import annotations

from typing import Any

from lore import estimators
from lore.models.base import Base


class XGBoost(Base):
    """Gradient boosted trees over the pipeline's encoded features."""

    def __init__(self, pipeline: Any = None, estimator: estimators.Estimator | None = None) -> None:
        super().__init__(pipeline=pipeline, estimator=estimator or estimators.XGBoost())
