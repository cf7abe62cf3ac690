"""Train / validation / test splits of one DataFrame, with encoders fitted on training rows.

Subclass :class:`TrainTestSplit` (alias ``Holdout``) and define three methods::

    class Subscribers(lore.pipelines.TrainTestSplit):
        def get_data(self):
            return lore.io.main.dataframe("subscribers", limit=100)

        def get_encoders(self):
            return (Unique("first_name", minimum_occurrences=100), Norm(Log(NameAge("first_name"))))

        def get_output_encoder(self):
            return Boolean("has_subscription")

Nothing happens until a split is first read. Then the data is loaded (inside
``lore.io.recording()`` when ``lore.io`` has it, to record which queries produced it),
split at random with a fixed seed, the encoders are fitted on the training rows only,
and each split is encoded into :class:`Observations` (``.x``, a DataFrame with one
column per ``feature_names()`` entry; ``.y``, a numpy array).

>>> import pandas as pd
>>> from lore.encoders import Boolean, Norm, Unique
>>> from lore.pipelines import TrainTestSplit
>>> class Example(TrainTestSplit):
...     def get_data(self):
...         return pd.DataFrame({"city": ["oslo", "lima"] * 10, "age": range(20), "ok": [True, False] * 10})
...     def get_encoders(self):
...         return (Unique("city"), Norm("age"))
...     def get_output_encoder(self):
...         return Boolean("ok")
>>> pipeline = Example(test_size=0.2, validation_size=0.2)
>>> len(pipeline.training_data), len(pipeline.validation_data), len(pipeline.test_data)
(12, 4, 4)
>>> list(pipeline.test_data.x.columns), pipeline.is_classifier
(['unique_city', 'norm_age'], True)
>>> pipeline.input_schema()
{'city': 'string', 'age': 'integer'}
"""

from __future__ import annotations

import hashlib
from typing import Any

from lore.compat import module_getattr
from lore.encoders.base import CATEGORICAL, Encoder, code_dtype
from lore.errors import EmptySplit, EncodingError

SPLITS = ("training", "validation", "test")


def feature_names(pipeline: Any) -> list[str]:
    """The columns of any pipeline's encoded ``x``, in order.

    Its ``feature_names()`` when it has one (every :class:`TrainTestSplit`), else its
    encoders' names, for objects that only follow the pipeline contract.

    Parameters
    ----------
    pipeline
        A pipeline, or any object with ``encoders``.

    Returns
    -------
    list of str
        The feature names.
    """
    names = getattr(pipeline, "feature_names", None)
    if callable(names):
        return [str(name) for name in names()]
    return [str(name) for encoder in pipeline.encoders for name in encoder.feature_names()]


class Observations:
    """One encoded split: ``x`` (DataFrame of features) and ``y`` (numpy array or None)."""

    def __init__(self, x: Any, y: Any) -> None:
        self.x = x
        self.y = y

    def __len__(self) -> int:
        return len(self.x)

    def __repr__(self) -> str:
        return f"<Observations {len(self)} rows x {self.x.shape[1]} features>"


def schema_type(dtype: Any) -> str:
    """The JSON-ish type a request must send for a column of ``dtype``."""
    import pandas as pd

    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "integer"
    if pd.api.types.is_numeric_dtype(dtype):
        return "number"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    return "string"


def frame_sha256(frame: Any) -> str:
    """SHA-256 of a frame's values (row hashes from ``pandas.util.hash_pandas_object``)."""
    import pandas as pd

    digest = hashlib.sha256(",".join(map(str, frame.columns)).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def split_sizes(rows: int, test_size: float, validation_size: float) -> tuple[int, int, int]:
    """``(training, validation, test)`` row counts; fractions below 1, else row counts.

    Raises :class:`~lore.errors.EmptySplit` when a requested split would be empty or
    leave no training rows.
    """

    def count(size: float, what: str) -> int:
        if size < 0:
            raise EmptySplit(f"{what}_size must not be negative, got {size!r}")
        return round(size * rows) if 0 < size < 1 else int(size)

    test, validation = count(test_size, "test"), count(validation_size, "validation")
    problems = [
        f"{what}_size={size!r} gives no {what} rows"
        for what, size, got in (("test", test_size, test), ("validation", validation_size, validation))
        if size > 0 and got == 0
    ]
    if rows - test - validation < 1:
        problems.append(f"test {test} + validation {validation} rows leave no training rows")
    if problems:
        raise EmptySplit(
            f"cannot split {rows} rows: {'; '.join(problems)}. "
            "Get more data or change test_size / validation_size"
        )
    return rows - test - validation, validation, test


def recording() -> Any:
    """``lore.io.recording()`` if lore.io provides it, else a context that records nothing."""
    from contextlib import nullcontext

    try:
        import lore.io as io
    except ImportError:
        return nullcontext([])
    record = getattr(io, "recording", None)
    return record() if callable(record) else nullcontext([])


class TrainTestSplit:
    """Load, split, fit encoders on the training rows, and encode every split.

    Parameters
    ----------
    test_size, validation_size
        Fractions of the rows (below 1) or row counts (1 and above); 0 for no such split.
    random_state
        Seed of the split (the same data always splits the same way).
    stratify
        A column whose classes keep their proportions in every split.
    subsample
        Keep only this many rows (or this fraction) of the data, at random, before
        splitting: for quick iterations on a big extract.
    """

    #: ``"binary"`` makes a 0/1 numeric output (``Pass``) a binary classification, with
    #: ``predict_proba``; ``None`` (the default) takes the task from the output encoder:
    #: categorical encoders classify, continuous ones regress.
    task: str | None = None

    def __init__(
        self,
        test_size: float = 0.1,
        validation_size: float = 0.1,
        random_state: int = 1,
        stratify: str | None = None,
        subsample: float | None = None,
    ) -> None:
        self.test_size = test_size
        self.validation_size = validation_size
        self.random_state = random_state
        self.stratify = stratify
        self.subsample = subsample
        self._reset()

    def _reset(self) -> None:
        self._data: Any = None
        self._splits: dict[str, Any] | None = None
        self._observations: dict[str, Observations] = {}
        self._extracts: list[Any] = []

    # -- what subclasses define -----------------------------------------------------------

    def get_data(self) -> Any:
        """The raw data, one row per observation (a DataFrame)."""
        raise NotImplementedError(f"{type(self).__name__} must define get_data()")

    def get_encoders(self) -> tuple[Encoder, ...]:
        """The encoders of the features (one per feature)."""
        raise NotImplementedError(f"{type(self).__name__} must define get_encoders()")

    def get_output_encoder(self) -> Encoder:
        """The encoder of the value to predict."""
        raise NotImplementedError(f"{type(self).__name__} must define get_output_encoder()")

    # -- data and splits ------------------------------------------------------------------

    @property
    def data(self) -> Any:
        """The raw data from :meth:`get_data` (loaded on first access, subsampled)."""
        if self._data is None:
            import pandas as pd

            with recording() as queries:
                data = self.get_data()
            self._extracts = list(queries)
            if not isinstance(data, pd.DataFrame):
                raise EncodingError(
                    f"{type(self).__name__}.get_data() returned {type(data).__name__}; "
                    "it must return a DataFrame"
                )
            self._data = self._subsample(data)
        return self._data

    def _subsample(self, data: Any) -> Any:
        if not self.subsample:
            return data
        rows = round(self.subsample * len(data)) if self.subsample < 1 else int(self.subsample)
        if rows >= len(data):
            return data
        return data.sample(n=rows, random_state=self.random_state).sort_index()

    def split(self, data: Any) -> dict[str, Any]:
        """Row positions of each split (``{"training": array, ...}``)."""
        import numpy as np

        rows = len(data)
        _training, validation, test = split_sizes(rows, self.test_size, self.validation_size)
        rng = np.random.default_rng(self.random_state)
        if self.stratify is None:
            order = rng.permutation(rows)
            return {
                "test": np.sort(order[:test]),
                "validation": np.sort(order[test : test + validation]),
                "training": np.sort(order[test + validation :]),
            }
        import pandas as pd

        if self.stratify not in data.columns:
            from lore.transformers.base import read

            read(data, self.stratify, f"{type(self).__name__}(stratify=)")
        classes = pd.factorize(data[self.stratify], use_na_sentinel=False)[0]
        order = np.lexsort((rng.random(rows), classes))
        counts = np.bincount(classes)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        rank = np.empty(rows)
        rank[order] = np.arange(rows) - np.repeat(starts, counts)
        fraction = (rank + 0.5) / counts[classes]
        cut_test, cut_validation = test / rows, (test + validation) / rows
        return {
            "test": np.flatnonzero(fraction < cut_test),
            "validation": np.flatnonzero((fraction >= cut_test) & (fraction < cut_validation)),
            "training": np.flatnonzero(fraction >= cut_validation),
        }

    def fit(self, frame: Any = None) -> TrainTestSplit:
        """Split the data and fit the encoders on its training rows, now; returns the pipeline.

        The explicit path under the lazy properties (``training_data``, ``encoders``...,
        which do this on first access): fitting again starts over.

        Parameters
        ----------
        frame
            The raw data (a DataFrame); by default :meth:`get_data`'s.

        Returns
        -------
        TrainTestSplit
            The pipeline, fitted.

        Raises
        ------
        EncodingError
            The data is not a DataFrame, or an encoder cannot learn from it.
        EmptySplit
            The split leaves no training rows.
        """
        self._reset()
        for fitted in ("_encoders", "_output_encoder", "_schema", "_signature"):
            self.__dict__.pop(fitted, None)
        if frame is not None:
            import pandas as pd

            if not isinstance(frame, pd.DataFrame):
                raise EncodingError(
                    f"{type(self).__name__}.fit() takes a DataFrame, not {type(frame).__name__}"
                )
            self._data = self._subsample(frame)
        self._split_frames()
        return self

    def _split_frames(self) -> dict[str, Any]:
        if self._splits is None:
            data = self.data
            positions = self.split(data)
            if not len(positions["training"]):
                raise EmptySplit(f"{type(self).__name__}: the split left no training rows out of {len(data)}")
            self._splits = {name: data.iloc[positions[name]] for name in SPLITS}
            self._fit(self._splits["training"])
        return self._splits

    def declared_encoders(self) -> tuple[Encoder, ...]:
        """``get_encoders()``, checked: no two encoders may share a name (their columns would collide).

        ``get_encoders()`` may return one encoder instead of a sequence of them.
        """
        declared = self.get_encoders()
        encoders = (declared,) if isinstance(declared, Encoder) else tuple(declared)
        seen: dict[str, Encoder] = {}
        for encoder in encoders:
            if encoder.name in seen:
                raise EncodingError(
                    f"{type(self).__name__}.get_encoders() has two encoders named {encoder.name!r} "
                    f"({seen[encoder.name]!r} and {encoder!r}); give one of them name='...'"
                )
            seen[encoder.name] = encoder
        return encoders

    def _fit(self, training: Any) -> None:
        """Fit the encoders on ``training`` and remember the input schema and data signature."""
        self._encoders = tuple(encoder.fit(training) for encoder in self.declared_encoders())
        self._output_encoder = self.get_output_encoder().fit(training)
        splits = self._splits or {}
        columns = [column for encoder in self._encoders for column in encoder.input_columns()]
        self._schema = {column: schema_type(training[column].dtype) for column in dict.fromkeys(columns)}
        self._signature = {
            "extracts": self._extracts,
            "rows": {"data": len(self._data), **{name: len(splits[name]) for name in SPLITS}},
            "columns": [str(column) for column in training.columns],
            "training_sha256": frame_sha256(training),
            "random_state": self.random_state,
        }

    def loaded_splits(self) -> dict[str, Any]:
        """The raw rows of each split (``training``, ``validation``, ``test``) now in memory.

        Empty when the data was never read here, as for a pipeline loaded from a
        fitting (it keeps only its fitted encoders); reading it never loads data.
        """
        return dict(self._splits or {})

    def _observations_of(self, name: str) -> Observations:
        if name not in self._observations:
            frame = self._split_frames()[name]
            self._observations[name] = Observations(self.encode_x(frame), self.encode_y(frame))
        return self._observations[name]

    @property
    def training_data(self) -> Observations:
        return self._observations_of("training")

    @property
    def validation_data(self) -> Observations:
        return self._observations_of("validation")

    @property
    def test_data(self) -> Observations:
        return self._observations_of("test")

    # -- the fitted pipeline ----------------------------------------------------------------

    def _fitted(self, attribute: str) -> Any:
        if attribute not in self.__dict__:
            self._split_frames()
        return self.__dict__[attribute]

    @property
    def encoders(self) -> tuple[Encoder, ...]:
        """The feature encoders, fitted on the training rows (fitting on first access)."""
        return self._fitted("_encoders")

    @property
    def output_encoder(self) -> Encoder:
        return self._fitted("_output_encoder")

    @property
    def data_signature(self) -> dict[str, Any]:
        """Which queries, how many rows per split, and a SHA-256 of the training frame."""
        return self._fitted("_signature")

    @property
    def is_classifier(self) -> bool:
        """Whether the output encoder is categorical (or :attr:`task` says ``"binary"``).

        The declared encoder says; no data is read.
        """
        if self.task is not None:
            if self.task not in ("binary", "regression"):
                raise EncodingError(
                    f"{type(self).__name__}.task is {self.task!r}; use 'binary', 'regression' or None"
                )
            return self.task == "binary"
        output = self.__dict__.get("_output_encoder") or self.get_output_encoder()
        return output.kind == CATEGORICAL

    def input_schema(self) -> dict[str, str]:
        """Raw input column -> ``"string" | "integer" | "number" | "boolean" | "datetime"``."""
        return dict(self._fitted("_schema"))

    def feature_names(self) -> list[str]:
        return [name for encoder in self.encoders for name in encoder.feature_names()]

    def encode_x(self, frame: Any) -> Any:
        """Encode the features of new rows (a DataFrame with the raw input columns)."""
        import pandas as pd

        columns: dict[str, Any] = {}
        for encoder in self.encoders:
            encoded = encoder.transform(frame)
            names = encoder.feature_names()
            if encoded.ndim == 1:
                columns[names[0]] = encoded
            else:
                columns.update({name: encoded[:, index] for index, name in enumerate(names)})
        return pd.DataFrame(columns, index=pd.RangeIndex(len(frame)))

    @property
    def encodes_matrix(self) -> bool:
        """Whether :meth:`encode_matrix` may skip :meth:`encode_x` (it may unless a subclass overrides it)."""
        return type(self).encode_x is TrainTestSplit.encode_x

    def encode_matrix(self, rows: Any) -> Any:
        """Encode raw rows straight into the estimator's input: a float32 matrix.

        ``rows`` is a DataFrame or a mapping of raw column -> values (what
        :mod:`lore.server.validation` produces). The encoders write into one matrix,
        skipping the DataFrame :meth:`encode_x` builds; a few rows of plain columns are
        encoded without pandas at all (:meth:`~lore.encoders.base.Encoder.transform_values`).
        The values are exactly those of ``encode_x(rows)``; a subclass that overrides
        ``encode_x`` gets ``encode_x(rows)`` itself (see :attr:`encodes_matrix`).

        >>> import numpy as np
        >>> import pandas as pd
        >>> from lore.encoders import Boolean, Norm
        >>> class Tiny(TrainTestSplit):
        ...     def get_data(self):
        ...         return pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": [True, False] * 2})
        ...     def get_encoders(self):
        ...         return (Norm("x"),)
        ...     def get_output_encoder(self):
        ...         return Boolean("y")
        >>> pipeline = Tiny(test_size=0, validation_size=0)
        >>> pipeline.encode_matrix({"x": np.array([2.5])})
        array([[0.]], dtype=float32)
        """
        import numpy as np

        if not self.encodes_matrix:
            return self.encode_x(_frame(rows))
        blocks = []
        frame = rows if hasattr(rows, "columns") else None
        for run in _runs(self.encoders, rows if frame is None else {}):
            if len(run) > 1:  # encoders of one class, each of a float64 column: one expression
                block = type(run[0]).transform_block(run, np.column_stack([rows[e.column] for e in run]))
                if block is not None:
                    blocks.append(block)
                    continue
            for encoder in run:
                block = None
                if frame is None and isinstance(encoder.column, str) and encoder.column in rows:
                    block = encoder.transform_values(rows[encoder.column])
                if block is None:
                    frame = _frame(rows) if frame is None else frame
                    block = encoder.transform(frame)
                blocks.append(block)
        return np.column_stack(blocks).astype(np.float32, copy=False)

    def encode_y(self, frame: Any) -> Any:
        """Encode the output column of rows that have it.

        A one-hot output (:class:`~lore.encoders.OneHot`) gives the class codes every
        estimator takes: the position of each row's hot column.
        """
        encoded = self.output_encoder.transform(frame)
        if getattr(encoded, "ndim", 1) == 2:
            encoded = encoded.argmax(axis=1).astype(code_dtype(encoded.shape[1]))
        return encoded

    def decode(self, y: Any) -> Any:
        """Predictions back in the output column's terms (``reverse_transform``)."""
        import numpy as np

        encoder = self.output_encoder
        if encoder.kind == CATEGORICAL and len(encoder.feature_names()) > 1 and np.ndim(y) == 1:
            y = np.eye(len(encoder.feature_names()), dtype=np.uint8)[
                np.asarray(y, dtype=np.int64)
            ]  # one-hot codes
        return encoder.reverse_transform(y)

    # -- pickling: settings and fitted encoders only ------------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        for key in ("_data", "_splits", "_observations"):
            state.pop(key, None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._reset()
        self.__dict__.update(state)


def _runs(encoders: Any, columns: Any) -> list[list[Encoder]]:
    """``encoders`` in order, cut into runs that :meth:`Encoder.transform_block` may encode together.

    A run holds consecutive encoders of one class, each of a plain column that
    ``columns`` holds as a float64 array; every other encoder is a run of its own.
    """
    import numpy as np

    def blockable(encoder: Encoder) -> bool:
        values = columns.get(encoder.column) if isinstance(encoder.column, str) else None
        return isinstance(values, np.ndarray) and values.dtype == np.float64 and values.ndim == 1

    runs: list[list[Encoder]] = []
    joins = False  # whether the last run takes more encoders of its class
    for encoder in encoders:
        fits = blockable(encoder)
        if joins and fits and type(encoder) is type(runs[-1][0]):
            runs[-1].append(encoder)
        else:
            runs.append([encoder])
        joins = fits
    return runs


def _frame(rows: Any) -> Any:
    """``rows`` as a DataFrame (a mapping of column -> values becomes one)."""
    import pandas as pd

    return rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)


Holdout = TrainTestSplit


__getattr__ = module_getattr(__name__)  # the original Lore's names: lore.compat.NAMES
