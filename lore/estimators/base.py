"""What every lore estimator promises: the contract models rely on.

An estimator wraps one learning library behind the same few methods:
``fit(x, y, validation_x=None, validation_y=None, **params) -> dict`` (the training
history), ``predict(x)``, ``predict_proba(x)``, ``save(folder)`` and
``Estimator.load(folder)``. Like a scikit-learn estimator, ``__init__`` only stores
its parameters; what ``fit`` learns lives in attributes ending in ``_`` (``native_``,
the library's own fitted object, ``task_``, ``feature_names_``...). A parameter the
estimator does not know is an :class:`~lore.errors.UnknownParameter` that names it
and lists the valid ones, raised before any library sees it.

The task (``"regression"``, ``"binary"`` or ``"multiclass"``) comes from the pipeline
when a model calls :meth:`Estimator.configure`, else from the labels: floats are a
regression, booleans, integers and strings a classification.

>>> import numpy as np
>>> infer_task(np.array([0.5, 1.5]))
('regression', None)
>>> infer_task(np.array([0, 2, 1, 2]))
('multiclass', 3)
"""

from __future__ import annotations

import importlib
import json
import logging
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from lore.errors import (
    CorruptArtifact,
    InvalidParameter,
    MissingColumn,
    ModelError,
    NotFittedError,
    UnknownParameter,
)
from lore.util import atomic_write, to_json, with_hooks

if TYPE_CHECKING:
    from lore.pipelines.contract import Pipeline

logger = logging.getLogger(__name__)

REGRESSION = "regression"
BINARY = "binary"
MULTICLASS = "multiclass"
#: The file beside the native model that records the estimator's class, params and state.
RECORD = "estimator.json"


def infer_task(y: Any, n_classes: int | None = None) -> tuple[str, int | None]:
    """``(task, number of classes)`` for labels ``y``; ``n_classes`` overrides the count."""
    labels = np.asarray(y)
    if n_classes is None and labels.dtype.kind == "f":
        return REGRESSION, None
    if n_classes is None:
        n_classes = int(labels.max()) + 1 if labels.dtype.kind in "iub" and len(labels) else 2
    return (BINARY if n_classes <= 2 else MULTICLASS), max(int(n_classes), 2)


def to_matrix(x: Any, dtype: Any = np.float32) -> np.ndarray:
    """``x`` (a DataFrame or array) as a 2-D numpy array, without a copy when possible."""
    if hasattr(x, "to_numpy"):
        return x.to_numpy(dtype=dtype, copy=False)
    matrix = np.asarray(x, dtype=dtype)
    return matrix.reshape(-1, 1) if matrix.ndim == 1 else matrix


def columns_of(x: Any) -> list[str] | None:
    """The column names of a DataFrame, or ``None`` for an array."""
    columns = getattr(x, "columns", None)
    return None if columns is None else [str(column) for column in columns]


def check_ranges(
    owner: str, params: dict[str, Any], ranges: dict[str, tuple[float | None, float | None]]
) -> None:
    """Raise :class:`~lore.errors.InvalidParameter` for a NaN or infinite number, or one out of its range.

    >>> check_ranges("XGBoost", {"max_depth": -3}, {"max_depth": (0, None)})
    Traceback (most recent call last):
    ...
    lore.errors.InvalidParameter: XGBoost: max_depth=-3 is out of range; it must be at least 0
    """
    for name, value in params.items():
        if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
            continue
        if not math.isfinite(value):
            raise InvalidParameter(f"{owner}: {name}={value} is not a finite number; give a number")
        low, high = ranges.get(name, (None, None))
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = (
                f"between {low} and {high}"
                if low is not None and high is not None
                else f"at least {low}"
                if low is not None
                else f"at most {high}"
            )
            raise InvalidParameter(f"{owner}: {name}={value} is out of range; it must be {bounds}")


class Estimator:
    """Base of lore's estimators; subclass it to wrap another library.

    Subclasses set :attr:`defaults` (parameter name -> default), may widen
    :attr:`extra_parameters` (names the library accepts without a lore default), and
    implement :meth:`_fit`, :meth:`_predict_raw` and, for their native format, nothing
    else: :meth:`save` and :meth:`load` go through :mod:`lore.serializers`.
    """

    #: Parameters and their defaults; ``fit(**params)`` may override any of them.
    defaults: ClassVar[dict[str, Any]] = {}
    #: Other parameter names the library accepts.
    extra_parameters: ClassVar[frozenset[str]] = frozenset()
    #: Parameter name -> ``(lowest, highest)`` allowed value (``None``: unbounded), checked
    #: with the names before any data is read. Any number given must also be finite.
    ranges: ClassVar[dict[str, tuple[float | None, float | None]]] = {}
    #: Whether a row's output, bit for bit, does not depend on the other rows predicted
    #: with it (trees walk each row alone), so some rows' outputs can be taken from a
    #: larger batch's (a report's sample of a split, from the fit's outputs). ``False``
    #: where matrix products may group rows differently by batch (BLAS, Keras).
    row_wise: ClassVar[bool] = False

    def __init__(self, **params: Any) -> None:
        self.params = params

    def __repr__(self) -> str:
        args = ", ".join(f"{key}={value!r}" for key, value in sorted(self.params.items()))
        return f"{type(self).__name__}({args})"

    def __getattr__(self, name: str) -> Any:
        """A parameter reads as an attribute (``estimator.epochs``), as in the original Lore."""
        params = self.__dict__.get("params")
        if params is not None and not name.startswith("_") and name in self._parameter_names():
            return self.get_params().get(name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        """Assigning a parameter (``estimator.epochs = 5``) sets it, as ``set_params`` would."""
        if "params" in self.__dict__ and not name.endswith("_") and name in self._parameter_names():
            self.set_params(**{name: value})
            return
        object.__setattr__(self, name, value)

    def _parameter_names(self) -> set[str]:
        return set(self.defaults) | set(self.extra_parameters) | set(self.params)

    # -- parameters ---------------------------------------------------------------------

    def valid_parameters(self) -> list[str]:
        """Every parameter name this estimator accepts, sorted."""
        return sorted(set(self.defaults) | set(self.extra_parameters))

    def check_parameters(self, params: dict[str, Any]) -> None:
        """Refuse names this estimator does not accept, and values out of :attr:`ranges` or not finite.

        Raises :class:`UnknownParameter` or :class:`~lore.errors.InvalidParameter`.
        """
        valid = set(self.valid_parameters())
        unknown = sorted(name for name in params if name not in valid)
        if unknown:
            raise UnknownParameter(
                f"{type(self).__name__} does not accept parameter(s) {', '.join(map(repr, unknown))}; "
                f"valid ones are: {', '.join(sorted(valid))}"
            )
        check_ranges(type(self).__name__, params, self.ranges)

    def get_params(self) -> dict[str, Any]:
        """The parameters a fit would use now: defaults overridden by those given."""
        return {**self.defaults, **self.params}

    def set_params(self, **params: Any) -> Estimator:
        """Override parameters (checked) and return ``self``."""
        self.check_parameters(params)
        self.params.update(params)
        return self

    def clone(self) -> Estimator:
        """A new, unfitted estimator with the same parameters."""
        return type(self)(**self.params)

    # -- fitting ------------------------------------------------------------------------

    def configure(self, pipeline: Pipeline) -> Estimator:
        """Take what the estimator needs from a pipeline (task, classes, encoders)."""
        output = pipeline.output_encoder
        if pipeline.is_classifier:
            self.task_, self.n_classes_ = infer_task([], n_classes=output.cardinality() or 2)
        else:
            self.task_, self.n_classes_ = REGRESSION, None
        self.encoders_ = list(pipeline.encoders)
        return self

    # -- hooks: override to run code around fit and predict (the original Lore's callbacks) --

    def before_fit(self, x: Any, y: Any, *args: Any, **kwargs: Any) -> None:
        """Called before :meth:`fit` with its arguments."""

    def after_fit(self, x: Any, y: Any, *args: Any, **kwargs: Any) -> None:
        """Called after :meth:`fit` with its arguments."""

    def before_predict(self, x: Any) -> None:
        """Called before :meth:`predict` with ``x``."""

    def after_predict(self, x: Any) -> None:
        """Called after :meth:`predict` with ``x``."""

    def before_predict_proba(self, x: Any) -> None:
        """Called before :meth:`predict_proba` with ``x``."""

    def after_predict_proba(self, x: Any) -> None:
        """Called after :meth:`predict_proba` with ``x``."""

    @with_hooks
    def fit(
        self,
        x: Any,
        y: Any,
        validation_x: Any = None,
        validation_y: Any = None,
        *,
        folder: str | Path | None = None,
        **params: Any,
    ) -> dict[str, Any]:
        """Fit on ``x, y`` (validating on the validation set when given); return the history.

        ``folder`` is where the estimator may write logs and checkpoints (the fitting's
        folder when a model fits). ``params`` override this estimator's parameters for
        this fit and are kept.
        """
        self.check_parameters({**self.params, **params})
        self.params.update(params)
        if getattr(self, "task_", None) is None:
            self.task_, self.n_classes_ = infer_task(y)
        self.feature_names_ = columns_of(x)
        self.__dict__.pop("_fit_outputs", None)  # a previous fit's
        labels = np.asarray(y)
        validation = None
        if validation_x is not None and validation_y is not None and len(validation_y):
            validation = (validation_x, np.asarray(validation_y))
        self.history_ = self._fit(x, labels, validation, Path(folder) if folder else None, self.get_params())
        return self.history_

    def _fit(
        self,
        x: Any,
        y: np.ndarray,
        validation: tuple[Any, np.ndarray] | None,
        folder: Path | None,
        params: dict[str, Any],
    ) -> dict[str, Any]:
        raise NotImplementedError

    @property
    def is_fitted(self) -> bool:
        return getattr(self, "native_", None) is not None

    def check_fitted(self) -> None:
        if not self.is_fitted:
            raise NotFittedError(
                f"{type(self).__name__} is not fitted: call fit() first, or load a fitted model"
            )

    def check_columns(self, x: Any) -> None:
        """:class:`MissingColumn` when ``x`` lacks a feature the estimator was fitted on."""
        expected = getattr(self, "feature_names_", None)
        columns = columns_of(x)
        if expected is None or columns is None or columns == expected:
            return
        missing = [name for name in expected if name not in set(columns)]
        if missing:
            raise MissingColumn(
                f"x lacks the column(s) {', '.join(map(repr, missing))} that {type(self).__name__} "
                "was fitted on; encode raw rows with the pipeline first"
            )

    # -- predicting ---------------------------------------------------------------------

    def _predict_raw(self, x: Any) -> np.ndarray:
        """Regression values, or class probabilities ``(rows, classes)`` for a classifier."""
        raise NotImplementedError

    @with_hooks
    def predict(self, x: Any) -> np.ndarray:
        """Predicted values (regression) or class codes (classification)."""
        self.check_fitted()
        self.check_columns(x)
        raw = self._predict_raw(x) if len(x) else self._empty()
        if self.task_ == REGRESSION:
            return raw.reshape(-1)
        return raw.argmax(axis=1)

    @with_hooks
    def predict_proba(self, x: Any) -> np.ndarray:
        """Class probabilities, one column per class code; classifiers only."""
        self.check_fitted()
        if self.task_ == REGRESSION:
            raise ModelError(f"{type(self).__name__} was fitted for a regression: use predict()")
        self.check_columns(x)
        return self._predict_raw(x) if len(x) else self._empty()

    def _empty(self) -> np.ndarray:
        return np.empty((0,) if self.task_ == REGRESSION else (0, self.n_classes_))

    def outputs(self, splits: dict[str, Any]) -> dict[str, np.ndarray]:
        """Each split's output: :meth:`predict`'s values (a regression) or :meth:`predict_proba`'s.

        What a model measures after a fit. A split whose ``x`` is the very object the
        last :meth:`fit` was given (its ``x`` or ``validation_x``) takes the output the fit
        already computed, when the library gave it (XGBoost's prediction caches, see
        :meth:`_keep_outputs`); the others are predicted, once each. The kept outputs are
        released by this call.

        Parameters
        ----------
        splits
            Split name -> encoded ``x``.

        Returns
        -------
        dict
            Split name -> output, in the order given.

        Examples
        --------
        >>> from lore.estimators import XGBoost
        >>> x, y = np.arange(20.0).reshape(-1, 1), np.arange(20) % 2
        >>> estimator = XGBoost(num_boost_round=3)
        >>> _ = estimator.fit(x, y)
        >>> outputs = estimator.outputs({"train": x, "new": x[:4]})
        >>> outputs["train"].shape, bool((outputs["train"][:4] == outputs["new"]).all())
        ((20, 2), True)
        """
        kept = self.__dict__.pop("_fit_outputs", ())
        made = {}
        for name, x in splits.items():
            output = next((output for given, output in kept if given is x), None)
            if output is None:
                output = self.predict(x) if self.task_ == REGRESSION else self.predict_proba(x)
            made[name] = output
        return made

    def _keep_outputs(self, *outputs: tuple[Any, np.ndarray]) -> None:
        """Remember ``(x given to fit, its output)`` pairs for :meth:`outputs` (called by ``_fit``).

        Only those x objects match: equal values in another object are predicted.
        """
        self._fit_outputs = outputs

    # -- persistence --------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        """The learned attributes, besides the native model, that :meth:`load` restores."""
        return {
            "task_": self.task_,
            "n_classes_": self.n_classes_,
            "feature_names_": self.feature_names_,
            "history_": getattr(self, "history_", {}),
        }

    def save(self, folder: str | Path) -> list[str]:
        """Write the native model and ``estimator.json`` into ``folder``; return the file names."""
        self.check_fitted()
        from lore import serializers

        target = Path(folder)
        files = serializers.save(self.native_, target, "native")
        klass = type(self)
        record = {
            "class": f"{klass.__module__}.{klass.__qualname__}",
            "params": {key: value for key, value in self.params.items() if key != "estimator"},
            "state": self.state(),
        }
        with atomic_write(target / RECORD, "w") as stream:
            stream.write(to_json(record))
        return [*files, RECORD]

    @classmethod
    def load(cls, folder: str | Path) -> Estimator:
        """Read back an estimator written by :meth:`save` (its own class, from the record)."""
        from lore import serializers

        source = Path(folder)
        try:
            record = json.loads((source / RECORD).read_text(encoding="utf-8"))
            module, _, name = record["class"].rpartition(".")
            klass = getattr(importlib.import_module(module), name)
        except FileNotFoundError:
            raise CorruptArtifact(f"{source / RECORD} is missing; the estimator was not saved") from None
        except (ValueError, KeyError, TypeError, ImportError, AttributeError) as error:
            raise CorruptArtifact(f"{source / RECORD} does not name a loadable estimator: {error}") from None
        if not (isinstance(klass, type) and issubclass(klass, Estimator)):
            raise CorruptArtifact(f"{source / RECORD}: {record['class']!r} is not a lore estimator")
        klass.prepare()
        estimator = klass.__new__(klass)
        estimator.params = dict(record.get("params", {}))
        estimator.native_ = serializers.load(source, "native")
        for key, value in record.get("state", {}).items():
            setattr(estimator, key, value)
        estimator.restored()
        return estimator

    @classmethod
    def prepare(cls) -> None:
        """Hook run before :meth:`load` reads the native model (to set up its library)."""

    def restored(self) -> None:
        """Hook run after :meth:`load`, to rebuild caches from the native model."""
