"""Models: a pipeline plus an estimator, fitted, measured, saved and loaded as one.

:class:`Base` does the work; :class:`SKLearn`, :class:`XGBoost` and :class:`Keras`
give it sensible default estimators. Subclass one and hand it your pipeline.

>>> import lore.models
>>> lore.models.XGBoost.name()
'lore.models.xgboost.XGBoost'
"""

from __future__ import annotations

from lore.models.base import Base
from lore.models.keras import Keras
from lore.models.naive import Naive
from lore.models.search import SearchResult
from lore.models.sklearn import SKLearn
from lore.models.xgboost import XGBoost

__all__ = ["Base", "Keras", "Naive", "SKLearn", "SearchResult", "XGBoost"]
