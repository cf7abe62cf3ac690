"""Any scikit-learn estimator behind lore's estimator contract.

The wrapped estimator's own parameters are lore's parameters: ``fit(C=0.5)`` sets
``C`` through scikit-learn's ``set_params``, and a name it does not have is an
:class:`~lore.errors.UnknownParameter` listing those it has. A fitted estimator is
saved with skops (no pickle) by :mod:`lore.serializers`.

>>> import numpy as np
>>> from sklearn.linear_model import LinearRegression
>>> estimator = SKLearn(LinearRegression())
>>> history = estimator.fit(np.array([[0.0], [1.0], [2.0]]), np.array([1.0, 3.0, 5.0]))
>>> estimator.predict(np.array([[3.0]])).round(3).tolist()
[7.0]
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from lore.compat import module_getattr
from lore.errors import ModelError
from lore.estimators.base import REGRESSION, Estimator, to_matrix

if TYPE_CHECKING:
    from lore.pipelines.contract import Pipeline


class SKLearn(Estimator):
    """Wrap ``estimator``, an unfitted scikit-learn estimator (or a pipeline of them)."""

    def __init__(self, estimator: Any = None, **params: Any) -> None:
        super().__init__(estimator=estimator, **params)

    def valid_parameters(self) -> list[str]:
        inner = self.params.get("estimator")
        names = set(inner.get_params()) if inner is not None else set()
        return sorted(names | {"estimator"})

    def check_parameters(self, params: dict[str, Any]) -> None:
        if self.params.get("estimator") is None:
            return  # the default estimator is chosen by configure(); fit checks again then
        super().check_parameters(params)

    def get_params(self) -> dict[str, Any]:
        return dict(self.params)

    def clone(self) -> SKLearn:
        from sklearn.base import clone

        inner = self.params.get("estimator")
        settings = {key: value for key, value in self.params.items() if key != "estimator"}
        return SKLearn(clone(inner) if inner is not None else None, **settings)

    def configure(self, pipeline: Pipeline) -> SKLearn:
        super().configure(pipeline)
        if self.params.get("estimator") is None:
            from sklearn.linear_model import LogisticRegression, Ridge

            self.params["estimator"] = (
                Ridge() if self.task_ == REGRESSION else LogisticRegression(max_iter=500)
            )
        return self

    def _fit(
        self,
        x: Any,
        y: np.ndarray,
        validation: tuple[Any, np.ndarray] | None,
        folder: Path | None,
        params: dict[str, Any],
    ) -> dict[str, Any]:
        inner = params.pop("estimator")
        if inner is None:
            raise ModelError("SKLearn needs a scikit-learn estimator: SKLearn(RandomForestClassifier())")
        if params:
            inner.set_params(**params)
        from lore.estimators.distributed import joblib_on_cluster

        with joblib_on_cluster(inner):
            inner.fit(to_matrix(x, np.float64), y)
        self.native_ = inner
        self.restored()
        return {}

    def restored(self) -> None:
        self.params["estimator"] = self.native_
        classes = getattr(self.native_, "classes_", None)
        self.classes_ = None if classes is None else np.asarray(classes).astype(int)

    def _predict_raw(self, x: Any) -> np.ndarray:
        matrix = to_matrix(x, np.float64)
        if self.task_ == REGRESSION:
            return self.native_.predict(matrix)
        if not hasattr(self.native_, "predict_proba"):
            codes = self.native_.predict(matrix).astype(int)
            return np.eye(self.n_classes_)[codes]
        known = self.native_.predict_proba(matrix)
        if self.classes_ is None or len(self.classes_) == self.n_classes_:
            return known
        # classes absent from the training labels get probability zero
        full = np.zeros((len(matrix), self.n_classes_), dtype=known.dtype)
        full[:, self.classes_] = known
        return full


__getattr__ = module_getattr(__name__)  # the original Lore's names: lore.compat.NAMES
