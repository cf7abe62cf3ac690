"""A lore encoder as a scikit-learn transformer, for a ``Pipeline`` or ``ColumnTransformer``.

scikit-learn's composites want every transformer's output 2-D and its fitted state
in a copy of what was given; lore's encoders return 1-D codes for one feature. The
adapter keeps the encoder as its one hyper-parameter (``encoder__bins=...`` reaches
its parameters, so grid searches work), fits a clone of it, and returns
``(rows, width)``. The input is a DataFrame holding the encoder's columns.

>>> import pandas as pd
>>> from sklearn.compose import ColumnTransformer
>>> from lore.encoders import Norm, SKLearn, Unique
>>> frame = pd.DataFrame({"city": ["lima", "oslo", "lima"], "age": [20.0, 40.0, 60.0]})
>>> both = ColumnTransformer(
...     [("city", SKLearn(Unique("city")), ["city"]), ("age", SKLearn(Norm("age")), ["age"])]
... )
>>> both.fit_transform(frame).astype("float64").round(2).tolist()
[[2.0, -1.22], [3.0, 0.0], [2.0, 1.22]]
>>> both.get_feature_names_out().tolist()
['city__unique_city', 'age__norm_age']
"""

from __future__ import annotations

from typing import Any

from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.utils.validation import check_is_fitted

__all__ = ["SKLearn"]


class SKLearn(TransformerMixin, BaseEstimator):
    """``encoder`` under scikit-learn's transformer contract.

    Parameters
    ----------
    encoder
        A lore encoder (:class:`lore.encoders.Encoder`); it is cloned at ``fit``, never
        fitted itself.
    """

    def __init__(self, encoder: Any) -> None:
        self.encoder = encoder

    def fit(self, X: Any, y: Any = None) -> SKLearn:
        """Fit a clone of the encoder on the DataFrame ``X``; returns the adapter."""
        self.encoder_ = clone(self.encoder).fit(X)
        self.n_features_in_ = X.shape[1]
        columns = getattr(X, "columns", None)
        if columns is not None:
            import numpy as np

            self.feature_names_in_ = np.asarray([str(column) for column in columns], dtype=object)
        return self

    def transform(self, X: Any) -> Any:
        """The encoder's codes as a ``(rows, width)`` array."""
        check_is_fitted(self, "encoder_")
        encoded = self.encoder_.transform(X)
        return encoded.reshape(-1, 1) if encoded.ndim == 1 else encoded

    def inverse_transform(self, X: Any) -> Any:
        """The encoder's ``reverse_transform`` of ``(rows, width)`` codes."""
        check_is_fitted(self, "encoder_")
        return self.encoder_.inverse_transform(X)

    def get_feature_names_out(self, input_features: Any = None) -> Any:
        """The encoder's feature names."""
        check_is_fitted(self, "encoder_")
        return self.encoder_.get_feature_names_out()
