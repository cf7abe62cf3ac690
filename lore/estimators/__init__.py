"""Estimators: one learning library each, behind the same small contract.

``fit(x, y, validation_x=None, validation_y=None, **params) -> dict`` returns the
training history; ``predict(x)``, ``predict_proba(x)``, ``save(folder)`` and
``Estimator.load(folder)`` work the same for every library. The libraries
themselves (scikit-learn, XGBoost, Keras/TensorFlow) are imported only when an
estimator of theirs fits or loads.

>>> import lore.estimators
>>> lore.estimators.XGBoost(max_depth=3)
XGBoost(max_depth=3)
"""

from __future__ import annotations

from typing import Any

from lore.estimators.base import Estimator
from lore.estimators.keras import Keras
from lore.estimators.naive import Naive
from lore.estimators.progress import Progress
from lore.estimators.sklearn import SKLearn
from lore.estimators.xgboost import XGBoost

__all__ = ["Estimator", "Keras", "Naive", "Progress", "ReloadBest", "SKLearn", "XGBoost"]


def __getattr__(name: str) -> Any:
    if name == "ReloadBest":  # a Keras callback class: building it imports Keras
        from lore.estimators import keras

        return keras.ReloadBest
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
