"""A model around a scikit-learn estimator; logistic regression or ridge by default.

>>> from sklearn.ensemble import RandomForestClassifier
>>> SKLearn(estimator=RandomForestClassifier()).estimator
SKLearn(estimator=RandomForestClassifier())
"""

from __future__ import annotations

from typing import Any

from lore import estimators
from lore.compat import module_getattr
from lore.models import base


class SKLearn(base.Base):
    """``estimator`` may be a scikit-learn estimator (wrapped for you) or ``None``.

    With ``None`` the estimator is chosen at fit: ``LogisticRegression`` for a
    classifier pipeline, ``Ridge`` for a regression.
    """

    def __init__(self, pipeline: Any = None, estimator: Any = None) -> None:
        if not isinstance(estimator, estimators.Estimator):
            estimator = estimators.SKLearn(estimator)
        super().__init__(pipeline=pipeline, estimator=estimator)


__getattr__ = module_getattr(__name__)  # the original Lore's names: lore.compat.NAMES
