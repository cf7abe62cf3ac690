"""The encoder contract, with a streaming fit that can be split and merged.

An encoder turns one feature of a raw frame into numbers a model can learn from.
It follows the scikit-learn contract: ``__init__`` stores its arguments, ``fit``
learns (attributes ending in ``_``) and returns the encoder, ``transform`` returns a
numpy array (1-D, or 2-D for ``OneHot``, ``Token`` and ``NestedUnique``), and using
an unfitted encoder raises :class:`~lore.errors.NotFittedError`.

**Hyper-parameters** are the arguments of ``__init__``, stored as given;
``get_params()`` / ``set_params()`` read and change them (so
``sklearn.base.clone(encoder)`` works), and each is checked against the class's
declared table :attr:`Encoder.constraints` when fitting starts, never in ``__init__``.
Fitting never writes a hyper-parameter. ``get_feature_names_out()`` and
``inverse_transform()`` are scikit-learn's names for :meth:`Encoder.feature_names` and
:meth:`Encoder.reverse_transform`; ``fit(frame, y=None)`` takes (and ignores) ``y``.
For a scikit-learn ``Pipeline`` or ``ColumnTransformer``, whose transformers return
2-D arrays, wrap an encoder in :class:`lore.encoders.SKLearn`.

**Fitting in pieces.** Every encoder learns from a small, mergeable summary of the
data (counts, moments, min/max, a quantile sketch):

- ``stats = encoder.summarize(chunk)`` summarizes one chunk (picklable, small);
- ``encoder.combine(a, b)`` merges two summaries (associative and commutative);
- ``encoder.fit_summary(stats)`` learns from the merged summary.

:class:`lore.pipelines.LowMemory` folds chunks that way, and a map/reduce over a
cluster calls ``summarize`` on the workers and ``combine`` on the way back.
``fit(frame)`` is ``fit_summary(summarize(frame))``. ``partial_fit(chunk)`` means what
it means in scikit-learn: it adds the chunk to what was seen and the encoder is
fitted, on everything seen so far, after every call.

>>> import pandas as pd
>>> from lore.encoders import Norm
>>> frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0]})
>>> whole = Norm("x").fit(frame)
>>> pieces = Norm("x").partial_fit(frame[:2]).partial_fit(frame[2:])
>>> bool(whole.center_ == pieces.center_ and abs(whole.scale_ - pieces.scale_) < 1e-12)
True
>>> Norm("x", robust=True).get_params()
{'clip': False, 'column': 'x', 'name': 'norm_x', 'robust': True}
"""

from __future__ import annotations

import functools
import inspect
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from lore.errors import EncodingError, NotFittedError
from lore.transformers.base import Source, Transformer, read, snake, source_columns, source_name

#: Inputs of at most this many rows are looked up value by value in a dict (categorical
#: encoders); bigger ones are cheaper vectorized.
SMALL = 16

CATEGORICAL = "categorical"
CONTINUOUS = "continuous"
SEQUENCE = "sequence"


@dataclass(frozen=True)
class Check:
    """The rule of one hyper-parameter, in an encoder's :attr:`Encoder.constraints` table.

    Parameters
    ----------
    kinds
        The types a value may have (``bool`` is never taken for a number).
    what
        How a message names them (``"an integer"``).
    minimum
        The smallest value allowed, for numbers.
    optional
        Whether ``None`` is allowed.

    >>> COUNT.problem(0), COUNT.problem(True), Check((int,), "an integer", optional=True).problem(None)
    ('must be at least 1, got 0', 'must be an integer, got True', None)
    """

    kinds: tuple[type, ...]
    what: str
    minimum: float | None = None
    optional: bool = False

    def problem(self, value: Any) -> str | None:
        """What is wrong with ``value``, or ``None`` when it is allowed."""
        if value is None:
            return None if self.optional else f"must be {self.what}, got None"
        wrong_bool = isinstance(value, bool) and bool not in self.kinds
        if wrong_bool or not isinstance(value, self.kinds):
            return f"must be {self.what}{' or None' if self.optional else ''}, got {value!r}"
        number: Any = value
        if self.minimum is not None and number < self.minimum:
            return f"must be at least {self.minimum}, got {value!r}"
        return None


def integer(minimum: int, optional: bool = False) -> Check:
    """The rule of an integer hyper-parameter of at least ``minimum`` (``None`` too if ``optional``)."""
    return Check((numbers.Integral,), "an integer", minimum=minimum, optional=optional)


#: Rules shared by many encoders.
COLUMN = Check((str, Transformer), "a column name or a transformer")
NAME = Check((str,), "a name", optional=True)
FLAG = Check((bool,), "True or False")
COUNT = integer(1)


def code_dtype(cardinality: int) -> Any:
    """The smallest unsigned integer dtype that holds codes ``0 .. cardinality - 1``."""
    import numpy as np

    for dtype in (np.uint8, np.uint16, np.uint32):
        if cardinality <= np.iinfo(dtype).max + 1:
            return np.dtype(dtype)
    return np.dtype(np.uint64)


@functools.cache
def _arguments(init: Any) -> tuple[str, ...]:
    """The sorted argument names of an ``__init__`` (read once: each fit checks its parameters)."""
    return tuple(sorted(name for name in inspect.signature(init).parameters if name != "self"))


class Encoder:
    """Base class of every encoder; see the module documentation for the contract.

    Subclasses implement ``_summarize(series) -> dict``, ``_combine(a, b) -> dict``,
    ``_learn(stats)``, ``_encode(series) -> ndarray``, ``reverse_transform`` and
    ``cardinality``, and declare a rule for each argument of their ``__init__`` in
    :attr:`constraints` (the shared check suite, :func:`lore.testing.check_encoder`,
    fails an encoder that does not).
    """

    kind = CATEGORICAL
    #: hyper-parameter -> its rule, checked when fitting starts (one table per class)
    constraints: ClassVar[dict[str, Check]] = {"column": COLUMN, "name": NAME}

    def __init__(self, column: Source, name: str | None = None) -> None:
        self.column = column
        self.name = name

    @property
    def name(self) -> str:
        """The name given, or ``<encoder>_<column>`` (``unique_city``): the encoder's feature name."""
        given = self.__dict__.get("_name")
        if given is not None:
            return given
        derived = self.__dict__.get("_default_name")
        if derived is None:
            derived = self.__dict__["_default_name"] = self.default_name()
        return derived

    @name.setter
    def name(self, value: str | None) -> None:
        self.__dict__["_name"] = value
        self.__dict__.pop("_default_name", None)

    def default_name(self) -> str:
        """The name when none is given."""
        return f"{snake(type(self).__name__)}_{source_name(self.column)}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.column!r})"

    # -- hyper-parameters (scikit-learn's contract) ----------------------------------------

    @classmethod
    def _parameter_names(cls) -> list[str]:
        return list(_arguments(cls.__init__))

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The hyper-parameters: ``__init__``'s arguments, as stored.

        Parameters
        ----------
        deep
            Accepted for scikit-learn; an encoder holds no nested estimators.

        Returns
        -------
        dict
            Argument name -> value (``name`` is the name in use).
        """
        return {name: getattr(self, name) for name in self._parameter_names()}

    def set_params(self, **params: Any) -> Encoder:
        """Change hyper-parameters; checked at the next fit. Returns the encoder.

        Raises
        ------
        EncodingError
            A name that is not an argument of ``__init__`` (the message lists them).
        """
        known = self._parameter_names()
        for key, value in params.items():
            if key not in known:
                raise EncodingError(
                    f"{type(self).__name__} has no parameter {key!r}; its parameters: {', '.join(known)}"
                )
            setattr(self, key, value)
        self.__dict__.pop("_default_name", None)
        return self

    def check_parameters(self) -> None:
        """Check every hyper-parameter against :attr:`constraints` (fitting starts with this).

        Raises
        ------
        EncodingError
            Naming the encoder, the parameter, the value and what it must be.
        """
        for key, value in self.get_params().items():
            rule = self.constraints.get(key)
            problem = rule.problem(value) if rule is not None else "has no declared rule"
            if problem:
                raise EncodingError(f"{self.name} ({type(self).__name__}): {key} {problem}")

    def get_feature_names_out(self, input_features: Any = None) -> Any:
        """scikit-learn's name for :meth:`feature_names`, as a numpy array of strings."""
        import numpy as np

        return np.asarray(self.feature_names(), dtype=object)

    def inverse_transform(self, encoded: Any) -> Any:
        """scikit-learn's name for :meth:`reverse_transform` (a ``(rows, 1)`` array is taken too)."""
        import numpy as np

        array = np.asarray(encoded)
        if array.ndim == 2 and array.shape[1] == 1 and len(self.feature_names()) == 1:
            array = array[:, 0]
        return self.reverse_transform(array)

    # -- what it reads and writes ---------------------------------------------------------

    def input_columns(self) -> list[str]:
        """The raw columns this encoder reads."""
        return source_columns(self.column)

    def feature_names(self) -> list[str]:
        """The columns this encoder produces in a pipeline's ``x``."""
        return [self.name]

    def series(self, frame: Any) -> Any:
        """The input series (the column, or the transformer applied to ``frame``)."""
        return read(frame, self.column, self.name)

    # -- fitting ------------------------------------------------------------------------

    def summarize(self, frame: Any) -> dict[str, Any]:
        """A small, mergeable summary of ``frame`` from which the encoder can learn."""
        self.check_parameters()
        series = self.series(frame)
        return {"rows": len(series), **self._summarize(series)}

    def combine(self, a: dict[str, Any] | None, b: dict[str, Any]) -> dict[str, Any]:
        """Merge two summaries (``a`` may be ``None`` for the first)."""
        if a is None:
            return b
        return {"rows": a["rows"] + b["rows"], **self._combine(a, b)}

    def fit_summary(self, stats: dict[str, Any]) -> Encoder:
        """Learn from a summary (one from :meth:`summarize`, or several combined)."""
        self.check_parameters()
        self._learn(stats)
        self.n_rows_ = int(stats["rows"])
        return self

    def fit(self, frame: Any, y: Any = None) -> Encoder:
        """Learn the encoding from ``frame`` (``y`` is ignored); returns the encoder."""
        self._partial = self.summarize(frame)
        return self.fit_summary(self._partial)

    def partial_fit(self, frame: Any, y: Any = None) -> Encoder:
        """Learn from one more chunk: fitted on everything seen so far after each call.

        The running summary starts over with :meth:`fit`. Returns the encoder.
        """
        self._partial = self.combine(self.__dict__.get("_partial"), self.summarize(frame))
        return self.fit_summary(self._partial)

    def merge(self, other: Encoder) -> Encoder:
        """Learn from ``other``'s chunks too (the same encoder, fitted by ``partial_fit`` elsewhere)."""
        theirs = other.__dict__.get("_partial")
        if theirs is None:
            return self
        self._partial = self.combine(self.__dict__.get("_partial"), theirs)
        return self.fit_summary(self._partial)

    def fit_transform(self, frame: Any, y: Any = None) -> Any:
        """:meth:`fit` then :meth:`transform` ``frame``."""
        return self.fit(frame).transform(frame)

    # -- using it -----------------------------------------------------------------------

    def check_fitted(self) -> None:
        """Raise :class:`~lore.errors.NotFittedError` unless :meth:`fit` has run."""
        if not hasattr(self, "n_rows_"):
            raise NotFittedError(f"{self.name} ({type(self).__name__}) is not fitted; call fit(frame) first")

    def transform(self, frame: Any) -> Any:
        """Encode ``frame``: a numpy array with one row per row of ``frame``."""
        self.check_fitted()
        return self._encode(self.series(frame))

    def transform_values(self, values: Any) -> Any:
        """Encode values of the input column without pandas, or ``None`` if it cannot.

        The serving path, which matters most for a request of a row or two: ``values`` is what
        :mod:`lore.server.validation` checked for the column (a numpy array of numbers,
        or a list of strings or booleans). Encoders of a plain column (not a
        transformer) that know the kind of ``values`` return exactly what
        :meth:`transform` returns for a one-column frame of them (the tests compare the
        two); every other case returns ``None`` and the caller uses :meth:`transform`.

        >>> import numpy as np
        >>> import pandas as pd
        >>> from lore.encoders import Norm
        >>> encoder = Norm("x").fit(pd.DataFrame({"x": [1.0, 3.0]}))
        >>> encoder.transform_values(np.array([3.0])).tolist(), encoder.transform_values(["3"])
        ([1.0], None)
        """
        self.check_fitted()
        if not isinstance(self.column, str) or not len(values):
            return None
        return self._encode_small(values)

    @classmethod
    def transform_block(cls, encoders: Sequence[Encoder], values: Any) -> Any:
        """Encode the columns of several encoders of this class at once, or ``None`` if it cannot.

        The serving path for many number columns encoded alike (20 :class:`Norm`
        columns are one numpy expression instead of 20): ``encoders`` are fitted
        encoders of exactly this class, each of one plain column, and ``values`` the
        float64 matrix of their columns (one per encoder, in order; NaN for missing),
        as :mod:`lore.server.validation` checked them. A class whose codes are one
        number per value, computed elementwise from each encoder's parameters,
        returns their matrix of codes: exactly what :meth:`transform_values` gives
        column by column (the tests compare the two). Every other class returns
        ``None``, and the caller encodes column by column.

        >>> import numpy as np
        >>> import pandas as pd
        >>> from lore.encoders import Norm, Unique
        >>> frame = pd.DataFrame({"x": [1.0, 3.0], "y": [0.0, 10.0]})
        >>> pair = [Norm("x").fit(frame), Norm("y").fit(frame)]
        >>> Norm.transform_block(pair, np.array([[3.0, 0.0], [np.nan, 5.0]])).tolist()
        [[1.0, -1.0], [0.0, 0.0]]
        >>> Unique.transform_block([], np.zeros((1, 0))) is None
        True
        """
        return None

    def reverse_transform(self, encoded: Any) -> Any:  # pragma: no cover - abstract
        """Decode what :meth:`transform` produced (lossy for binned encoders)."""
        raise NotImplementedError

    def cardinality(self) -> int | None:
        """Number of distinct codes (``None`` for continuous encoders)."""
        return None

    # -- for subclasses -------------------------------------------------------------------

    def _summarize(self, series: Any) -> dict[str, Any]:
        return {}

    def _combine(self, a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
        return {}

    def _learn(self, stats: dict[str, Any]) -> None:
        pass

    def _encode(self, series: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def _encode_small(self, values: Any) -> Any:
        """:meth:`transform_values` for a plain column and a few values; ``None``: no fast path."""
        return None

    def __getstate__(self) -> dict[str, Any]:
        # streaming state and derived lookups are not part of what was learned
        skipped = ("_partial", "_lookup_cache", "_default_name")
        return {key: value for key, value in self.__dict__.items() if key not in skipped}

    def __setstate__(self, state: dict[str, Any]) -> None:
        if "name" in state:  # pickled before ``name`` was a property
            state["_name"] = state.pop("name")
        self.__dict__.update(state)
