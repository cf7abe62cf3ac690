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

from lore.estimators.base import Estimator
from lore.estimators.keras import Keras
from lore.estimators.naive import Naive
from lore.estimators.progress import Progress
from lore.estimators.sklearn import SKLearn
from lore.estimators.xgboost import XGBoost
from lore.util import lazy_exports

__all__ = ["Estimator", "Keras", "Naive", "Progress", "ReloadBest", "SKLearn", "XGBoost"]


#: Keras's callback class is built (importing Keras) on first use.
__getattr__, __dir__ = lazy_exports(__name__, {"ReloadBest": "lore.estimators.keras"})
