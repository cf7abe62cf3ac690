"""The transformer contract and the column lookup every transformer and encoder shares.

A transformer turns one or more raw columns into a new :class:`pandas.Series`; it
learns nothing, so it has no ``fit``. Its argument is a column name or another
transformer, so transformers chain: ``Log(NameAge("first_name"))``.

>>> import pandas as pd
>>> from lore.transformers import Length
>>> Length("word").transform(pd.DataFrame({"word": ["a", "abc"]})).tolist()
[1, 3]
"""

from __future__ import annotations

from typing import Any

from lore.errors import EncodingError, MissingColumn

#: What a transformer or encoder may read: a raw column, or another transformer.
Source = Any  # str | Transformer


def source_name(source: Source) -> str:
    """The readable name of a column or a transformer (``"log_name_age_first_name"``)."""
    return source.name if isinstance(source, Transformer) else str(source)


def source_columns(source: Source) -> list[str]:
    """The raw columns a column name or a transformer reads."""
    return source.input_columns() if isinstance(source, Transformer) else [str(source)]


def read(frame: Any, source: Source, reader: str = "") -> Any:
    """The series ``source`` names in ``frame`` (a transformer is applied first).

    A column that ``frame`` lacks raises :class:`~lore.errors.MissingColumn` naming it,
    the encoder or transformer that asked, and the columns that exist.
    """
    if isinstance(source, Transformer):
        return source.transform(frame)
    columns = getattr(frame, "columns", None)
    if columns is None:
        raise EncodingError(f"{reader or source} needs a DataFrame, got {type(frame).__name__}")
    if source not in columns:
        existing = ", ".join(map(str, columns)) or "none"
        who = f" (needed by {reader})" if reader else ""
        raise MissingColumn(f"column {source!r}{who} is not in the data; columns present: {existing}")
    return frame[source]


def snake(name: str) -> str:
    """``NameAge`` -> ``name_age``."""
    return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))


class Transformer:
    """Base class: ``Transformer(column_or_transformer)``; subclasses define :meth:`apply`.

    ``transform(frame)`` reads the source series and hands it to ``apply(series)``,
    which must be vectorized (no per-row Python).
    """

    def __init__(self, column: Source) -> None:
        self.column = column

    @property
    def name(self) -> str:
        return f"{snake(type(self).__name__)}_{source_name(self.column)}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.column!r})"

    def input_columns(self) -> list[str]:
        """The raw columns this transformer reads."""
        return source_columns(self.column)

    def transform(self, frame: Any) -> Any:
        """A :class:`pandas.Series` aligned with ``frame``'s rows."""
        series = read(frame, self.column, self.name)
        result = self.apply(series)
        result.name = self.name
        return result

    def apply(self, series: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError


class Binary(Transformer):
    """A transformer of two sources, ``Binary(left, right)``."""

    def __init__(self, column: Source, other: Source) -> None:
        self.column = column
        self.other = other

    @property
    def name(self) -> str:
        return f"{snake(type(self).__name__)}_{source_name(self.column)}_{source_name(self.other)}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.column!r}, {self.other!r})"

    def input_columns(self) -> list[str]:
        return list(dict.fromkeys(source_columns(self.column) + source_columns(self.other)))

    def transform(self, frame: Any) -> Any:
        result = self.combine(read(frame, self.column, self.name), read(frame, self.other, self.name))
        result.name = self.name
        return result

    def combine(self, left: Any, right: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError
