"""The encoder contract, with a streaming fit that can be split and merged.

An encoder turns one feature of a raw frame into numbers a model can learn from.
It follows the scikit-learn contract: ``__init__`` stores its arguments, ``fit``
learns (attributes ending in ``_``) and returns the encoder, ``transform`` returns a
numpy array (1-D, or 2-D for ``OneHot``, ``Token`` and ``NestedUnique``), and using
an unfitted encoder raises :class:`~lore.errors.NotFittedError`.

**Fitting in pieces.** Every encoder learns from a small, mergeable summary of the
data (counts, moments, min/max, a quantile sketch):

- ``stats = encoder.summarize(chunk)`` summarizes one chunk (picklable, small);
- ``encoder.combine(a, b)`` merges two summaries (associative and commutative);
- ``encoder.fit_summary(stats)`` learns from the merged summary.

``partial_fit(chunk)`` / ``finalize()`` wrap these for a stream of chunks (what
:class:`lore.pipelines.LowMemory` does), and a map/reduce over a cluster can call
``summarize`` on the workers and ``combine`` on the way back. ``fit(frame)`` is
``fit_summary(summarize(frame))``.

>>> import pandas as pd
>>> from lore.encoders import Norm
>>> frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0]})
>>> whole = Norm("x").fit(frame)
>>> pieces = Norm("x").partial_fit(frame[:2]).partial_fit(frame[2:]).finalize()
>>> bool(whole.center_ == pieces.center_ and abs(whole.scale_ - pieces.scale_) < 1e-12)
True
"""

from __future__ import annotations

from typing import Any

from lore.errors import EncodingError, NotFittedError
from lore.transformers.base import Source, read, snake, source_columns, source_name

#: Inputs of at most this many rows may take :meth:`Encoder.transform_values`, the path
#: without pandas; bigger ones are cheaper vectorized.
SMALL = 16

CATEGORICAL = "categorical"
CONTINUOUS = "continuous"
SEQUENCE = "sequence"


def code_dtype(cardinality: int) -> Any:
    """The smallest unsigned integer dtype that holds codes ``0 .. cardinality - 1``."""
    import numpy as np

    for dtype in (np.uint8, np.uint16, np.uint32):
        if cardinality <= np.iinfo(dtype).max + 1:
            return np.dtype(dtype)
    return np.dtype(np.uint64)


class Encoder:
    """Base class of every encoder; see the module documentation for the contract.

    Subclasses implement ``_summarize(series) -> dict``, ``_combine(a, b) -> dict``,
    ``_learn(stats)``, ``_encode(series) -> ndarray``, ``reverse_transform`` and
    ``cardinality``.
    """

    kind = CATEGORICAL

    def __init__(self, column: Source, name: str | None = None) -> None:
        self.column = column
        self.name = name or f"{snake(type(self).__name__)}_{source_name(column)}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.column!r})"

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
        series = self.series(frame)
        return {"rows": len(series), **self._summarize(series)}

    def combine(self, a: dict[str, Any] | None, b: dict[str, Any]) -> dict[str, Any]:
        """Merge two summaries (``a`` may be ``None`` for the first)."""
        if a is None:
            return b
        return {"rows": a["rows"] + b["rows"], **self._combine(a, b)}

    def fit_summary(self, stats: dict[str, Any]) -> Encoder:
        """Learn from a summary (one from :meth:`summarize`, or several combined)."""
        self._learn(stats)
        self.n_rows_ = int(stats["rows"])
        return self

    def fit(self, frame: Any) -> Encoder:
        """Learn the encoding from ``frame``; returns the encoder."""
        return self.fit_summary(self.summarize(frame))

    def partial_fit(self, frame: Any) -> Encoder:
        """Add one chunk to the summary being built; call :meth:`finalize` after the last."""
        self._partial = self.combine(getattr(self, "_partial", None), self.summarize(frame))
        return self

    def merge(self, other: Encoder) -> Encoder:
        """Fold ``other``'s partial summary (same encoder, other chunks) into this one."""
        theirs = getattr(other, "_partial", None)
        if theirs is not None:
            self._partial = self.combine(getattr(self, "_partial", None), theirs)
        return self

    def finalize(self) -> Encoder:
        """Learn from the chunks given to :meth:`partial_fit`; returns the encoder."""
        stats = self.__dict__.pop("_partial", None)
        if stats is None:
            raise EncodingError(f"{self.name}: finalize() called before any partial_fit(chunk)")
        return self.fit_summary(stats)

    def fit_transform(self, frame: Any) -> Any:
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
        """Encode a few values of the input column without pandas, or ``None`` if it cannot.

        The serving path for a request of a row or two: ``values`` is what
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
        if not isinstance(self.column, str) or not 0 < len(values) <= SMALL:
            return None
        return self._encode_small(values)

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
        return {
            key: value for key, value in self.__dict__.items() if key not in ("_partial", "_lookup_cache")
        }
