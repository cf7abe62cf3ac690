"""Sequence encoders: words of a text, items of a list, and positions in a sequence.

``Token`` and ``NestedUnique`` produce a 2-D array ``(rows, sequence_length)`` of
codes (``kind == "sequence"``), padded with 0; code 1 is rare or unseen; others
count from 2, most frequent first, as in :class:`~lore.encoders.Unique`.

>>> import pandas as pd
>>> from lore.encoders import MiddleOut, Token
>>> frame = pd.DataFrame({"title": ["Red shoes", "red, red hat!", None]})
>>> encoder = Token("title", sequence_length=3).fit(frame)
>>> encoder.transform(frame).tolist()
[[2, 4, 0], [2, 2, 3], [0, 0, 0]]
>>> encoder.reverse_transform(encoder.transform(frame)).tolist()
['red shoes', 'red red hat', '']
>>> steps = pd.DataFrame({"position": [0, 1, 2, 3, 4, 5, 6], "length": 7})
>>> MiddleOut("position", "length", depth=2).fit(steps).transform(steps).tolist()
[0, 1, 2, 2, 2, 3, 4]
"""

from __future__ import annotations

from typing import Any, ClassVar

from lore.encoders.base import COUNT, SEQUENCE, Check, Encoder, code_dtype, integer
from lore.encoders.categorical import MISSING_CODE, OTHER_CODE, Unique, value_kind
from lore.encoders.continuous import Norm
from lore.errors import EncodingError
from lore.transformers.base import Source, Transformer, read, source_columns
from lore.transformers.numeric import numbers

#: How text is cut into tokens: runs of letters, digits and underscores.
TOKEN_PATTERN = r"\w+"


class Padded(Encoder):
    """Lists padded to a width: ``sequence_length``, or the longest list seen at fit.

    For encoders whose ``_summarize`` adds ``"longest"`` (:func:`longest`).
    """

    sequence_length: int | None

    def _combine(self, a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
        return {**super()._combine(a, b), "longest": max(a["longest"], b["longest"])}

    def _learn(self, stats: dict[str, Any]) -> None:
        super()._learn(stats)
        self.sequence_length_ = int(self.sequence_length or max(stats["longest"], 1))

    def feature_names(self) -> list[str]:
        self.check_fitted()
        return [f"{self.name}_{index}" for index in range(self.sequence_length_)]

    def _encode_small(self, values: Any) -> Any:
        return None  # lists of items take the general path


def longest(positions: Any) -> int:
    """The length of the longest list, from each item's position in its list."""
    return int(positions.max()) + 1 if len(positions) else 0


class NestedUnique(Padded, Unique):
    """Each item of a list-valued column encoded like :class:`Unique`, padded to a width.

    ``sequence_length`` is the width (longer lists are truncated); when ``None`` it is
    the longest list seen at fit (``sequence_length_``). Missing values and empty lists
    are all padding (code 0).
    """

    kind = SEQUENCE

    constraints: ClassVar[dict[str, Check]] = {
        **Unique.constraints,
        "sequence_length": integer(1, optional=True),
    }

    def __init__(
        self,
        column: Source,
        name: str | None = None,
        sequence_length: int | None = None,
        minimum_occurrences: int = 1,
        maximum_cardinality: int | None = None,
    ) -> None:
        super().__init__(column, name, minimum_occurrences, maximum_cardinality)
        self.sequence_length = sequence_length

    def items(self, series: Any) -> Any:
        """The rows as lists (a Series of lists, NaN for missing)."""
        return lists(series, self.name, "use Token for text or Unique for single values")

    def exploded(self, series: Any) -> tuple[Any, Any, Any]:
        """``(rows, positions, items)``: one entry per item of each row."""
        exploded = self.items(series).explode()
        present = exploded.notna().to_numpy()
        exploded = exploded[present]
        rows = exploded.index.to_numpy()
        positions = exploded.groupby(level=0, sort=False).cumcount().to_numpy()
        return rows, positions, exploded.reset_index(drop=True)

    def _summarize(self, series: Any) -> dict[str, Any]:
        _rows, positions, items = self.exploded(series)
        return {**super()._summarize(items.infer_objects()), "longest": longest(positions)}

    def _check_kind(self, series: Any) -> None:
        """Items come as objects; their kind is checked on the inferred values."""
        if len(series):
            super()._check_kind(series.infer_objects())

    def _encode(self, series: Any) -> Any:
        import numpy as np

        rows, positions, items = self.exploded(series)
        keep = positions < self.sequence_length_
        rows, positions, items = rows[keep], positions[keep], items[keep]
        found = self.positions(items) if len(items) else _empty()
        matrix = np.full(
            (len(series), self.sequence_length_), MISSING_CODE, dtype=code_dtype(self.cardinality())
        )
        matrix[rows, positions] = np.where(found >= 0, found + 2, OTHER_CODE)
        return matrix

    def reverse_transform(self, encoded: Any) -> Any:
        """Each row as a list of values (padding dropped; ``OTHER`` for the long tail)."""
        import numpy as np

        matrix = np.asarray(encoded, dtype="int64")
        values = super().reverse_transform(matrix.ravel()).reshape(matrix.shape)
        result = np.empty(len(matrix), dtype=object)
        result[:] = [list(row[codes != MISSING_CODE]) for row, codes in zip(values, matrix)]
        return result


def lists(series: Any, reader: str, instead: str) -> Any:
    """``series`` as a Series of lists indexed ``0 .. n-1`` (NaN for missing).

    A column of plain values raises :class:`~lore.errors.EncodingError` ending with
    ``instead`` (what to use for one).
    """
    import pandas as pd

    if len(series) and value_kind(series.dtype) in ("text", "number", "boolean", "datetime"):
        raise EncodingError(
            f"{reader} needs a column of lists but {series.name!r} holds {series.dtype}; {instead}"
        )
    return pd.Series(series.to_numpy(), index=pd.RangeIndex(len(series)), dtype=object)


class NestedNorm(Padded, Norm):
    """Each number of a list-valued column standardized like :class:`Norm`, padded to a width.

    The original Lore's ``NestedNorm``: the center and scale are learned over every item
    of every list (``robust`` and ``clip`` as for :class:`Norm`). The output is float32
    ``(rows, sequence_length)``; ``sequence_length`` is the width (longer lists are
    truncated) and, when ``None``, the longest list seen at fit (``sequence_length_``).
    Padding, missing items and missing rows encode as 0 (the center), and
    ``reverse_transform`` gives a ``(rows, width)`` array in which they read as the
    center.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"prices": [[1.0, 2.0], [3.0], None]})
    >>> NestedNorm("prices").fit(frame).transform(frame).astype(float).round(3).tolist()
    [[-1.225, 0.0], [1.225, 0.0], [0.0, 0.0]]
    """

    constraints: ClassVar[dict[str, Check]] = {
        **Norm.constraints,
        "sequence_length": integer(1, optional=True),
    }

    def __init__(
        self,
        column: Source,
        name: str | None = None,
        sequence_length: int | None = None,
        robust: bool = False,
        clip: bool = False,
    ) -> None:
        super().__init__(column, name, robust, clip)
        self.sequence_length = sequence_length

    def exploded(self, series: Any) -> tuple[Any, Any, Any]:
        """``(rows, positions, values)``: one entry per item of each row, values as float64."""
        import numpy as np

        items = lists(series, self.name, "use Norm for single numbers")
        lengths = items.str.len().fillna(0).to_numpy(dtype="int64")
        exploded = items.explode()
        rows = exploded.index.to_numpy()
        positions = exploded.groupby(level=0, sort=False).cumcount().to_numpy()
        keep = positions < lengths[rows]  # an empty list or a missing row explodes to one NaN
        values = numbers(exploded[keep].reset_index(drop=True), self.name)
        return rows[keep], positions[keep], values.to_numpy(dtype="float64", na_value=np.nan)

    def _summarize(self, series: Any) -> dict[str, Any]:
        _rows, positions, values = self.exploded(series)
        return {**self._summarize_values(values), "longest": longest(positions)}

    def _encode(self, series: Any) -> Any:
        import numpy as np

        rows, positions, values = self.exploded(series)
        keep = positions < self.sequence_length_
        matrix = np.zeros((len(series), self.sequence_length_), dtype="float32")
        matrix[rows[keep], positions[keep]] = self._encode_numbers(values[keep])
        return matrix


def _empty() -> Any:
    import numpy as np

    return np.empty(0, dtype="int64")


class Token(NestedUnique):
    """Words of a text (lower-cased runs of letters and digits) as a row of codes.

    ``sequence_length`` defaults to 10; a text longer than that keeps its first words.
    """

    constraints: ClassVar[dict[str, Check]] = {**NestedUnique.constraints, "sequence_length": COUNT}

    def __init__(
        self,
        column: Source,
        name: str | None = None,
        sequence_length: int = 10,
        minimum_occurrences: int = 1,
        maximum_cardinality: int | None = None,
    ) -> None:
        super().__init__(column, name, sequence_length, minimum_occurrences, maximum_cardinality)

    def items(self, series: Any) -> Any:
        import pandas as pd

        if len(series) and value_kind(series.dtype) != "text" and series.dtype != object:
            raise EncodingError(f"{self.name} needs text but {series.name!r} holds {series.dtype}")
        words = series.astype("str").str.lower().str.findall(TOKEN_PATTERN)
        return pd.Series(words.to_numpy(), index=pd.RangeIndex(len(series)), dtype=object)

    def _check_kind(self, series: Any) -> None:
        """Tokens are always text."""

    def reverse_transform(self, encoded: Any) -> Any:
        """Each row's words joined by spaces (``__other__`` for the long tail)."""
        import numpy as np

        result = np.empty(len(encoded), dtype=object)
        result[:] = [" ".join(map(str, words)) for words in super().reverse_transform(encoded)]
        return result


class MiddleOut(Encoder):
    """Position in a sequence, exact near both ends and one shared code in the middle.

    ``column`` holds the 0-based position and ``length`` the sequence's length (column
    names or transformers). The first ``depth`` positions get codes ``0 .. depth-1``,
    the last ``depth`` get ``depth+1 .. 2*depth`` (the last item is ``2*depth``), and
    all others ``depth``; a sequence shorter than ``2*depth`` is split at its middle.
    ``cardinality() == 2*depth + 1``. Missing or out-of-range positions raise
    :class:`~lore.errors.EncodingError`.

    Without ``length`` (the original Lore's ``MiddleOut(column, depth=)``), the rows
    given to ``transform`` are the sequence, in their order: a row's position is its
    place among them and the length is their number, whatever ``column`` holds. Then
    the codes depend on which rows are transformed together (transform a whole
    sequence at once, not in chunks).

    >>> import pandas as pd
    >>> picks = pd.DataFrame({"item": list("abcdefg")})
    >>> MiddleOut("item", depth=2).fit(picks).transform(picks).tolist()
    [0, 1, 2, 2, 2, 3, 4]
    """

    constraints: ClassVar[dict[str, Check]] = {
        **Encoder.constraints,
        "length": Check((str, Transformer), "a column name or a transformer", optional=True),
        "depth": COUNT,
    }

    def __init__(
        self, column: Source, length: Source | None = None, depth: int = 3, name: str | None = None
    ) -> None:
        super().__init__(column, name)
        self.length = length
        self.depth = depth

    def input_columns(self) -> list[str]:
        lengths = source_columns(self.length) if self.length is not None else []
        return list(dict.fromkeys(source_columns(self.column) + lengths))

    def summarize(self, frame: Any) -> dict[str, Any]:
        if self.length is not None:
            read(frame, self.length, self.name)
        return super().summarize(frame)

    def cardinality(self) -> int:
        return 2 * int(self.depth) + 1

    def transform(self, frame: Any) -> Any:
        import numpy as np

        self.check_fitted()
        series = self.series(frame)
        if self.length is None:  # the rows are the sequence
            rows = len(series)
            return self._codes(np.arange(rows, dtype="float64"), np.full(rows, float(rows)))
        position = numbers(series, self.name).to_numpy(dtype="float64", na_value=np.nan)
        length = numbers(read(frame, self.length, self.name), self.name).to_numpy(
            dtype="float64", na_value=np.nan
        )
        bad = ~((position >= 0) & (position < length))
        if bad.any():
            raise EncodingError(
                f"{self.name}: {int(bad.sum())} rows have a missing position or one outside 0 .. length-1"
            )
        return self._codes(position, length)

    def _codes(self, position: Any, length: Any) -> Any:
        """The codes of 0-based ``position`` in sequences of ``length`` (float64 arrays)."""
        import numpy as np

        depth = int(self.depth)
        effective = np.minimum(depth, length // 2)
        from_end = length - 1 - position
        codes = np.full(len(position), depth, dtype="float64")
        codes = np.where(position < effective, position, codes)
        codes = np.where(from_end < effective, 2 * depth - from_end, codes)
        return codes.astype(code_dtype(self.cardinality()))

    def reverse_transform(self, encoded: Any) -> Any:
        """Positions from the start (``>= 0``) or the end (``< 0``, -1 is last); NaN for the middle."""
        import numpy as np

        codes = np.asarray(encoded, dtype="float64")
        depth = int(self.depth)
        return np.where(codes < depth, codes, np.where(codes > depth, codes - 2 * depth - 1, np.nan))
