"""Text transformers: normalization, regex extraction, length, e-mail domains, maps, nulls.

>>> import pandas as pd
>>> from lore.transformers import EmailDomain, Extract, String
>>> frame = pd.DataFrame({"email": ["Ann@Example.COM ", None], "code": ["ab-12", "zz"]})
>>> EmailDomain("email").transform(frame).tolist()
['example.com', nan]
>>> Extract("code", r"(\\d+)").transform(frame).tolist()
['12', nan]
>>> String("email", "lower").transform(frame).tolist()
['ann@example.com ', nan]
"""

from __future__ import annotations

from typing import Any

from lore.errors import EncodingError
from lore.transformers.base import Source, Transformer

STRING_OPERATIONS = ("lower", "upper", "strip", "title", "casefold", "normalize")


def text(series: Any) -> Any:
    """``series`` as pandas' string dtype (numbers are rendered; missing stays missing)."""
    if series.dtype.kind in "fiub":
        return series.astype("str").where(series.notna())
    return series.astype("str")


class String(Transformer):
    """A string normalization: ``"lower"``, ``"upper"``, ``"strip"``, ``"title"``,
    ``"casefold"`` or ``"normalize"`` (trim, lower-case and collapse inner spaces)."""

    def __init__(self, column: Source, operation: str = "normalize") -> None:
        self.column = column
        self.operation = operation

    def apply(self, series: Any) -> Any:
        if self.operation not in STRING_OPERATIONS:
            raise EncodingError(
                f"String operation {self.operation!r} is unknown; use one of {', '.join(STRING_OPERATIONS)}"
            )
        values = text(series).str
        if self.operation == "normalize":
            return values.strip().str.lower().str.replace(r"\s+", " ", regex=True)
        return getattr(values, self.operation)()


class Extract(Transformer):
    """The first capture group (or the whole match) of ``pattern``; NaN where it does not match."""

    def __init__(self, column: Source, pattern: str) -> None:
        self.column = column
        self.pattern = pattern

    def apply(self, series: Any) -> Any:
        import re

        try:
            compiled = re.compile(self.pattern)
        except re.error as error:
            raise EncodingError(f"Extract pattern {self.pattern!r} is not a valid regex: {error}") from None
        pattern = self.pattern if compiled.groups else f"({self.pattern})"
        return text(series).str.extract(pattern, expand=True)[0]


class Length(Transformer):
    """Number of characters; missing values stay missing."""

    def apply(self, series: Any) -> Any:
        return text(series).str.len()


class EmailDomain(Transformer):
    """The lower-cased domain after the last ``@``; NaN when there is none."""

    def apply(self, series: Any) -> Any:
        return text(series).str.strip().str.lower().str.extract(r"@([^@\s]+)$", expand=False)


class IsNull(Transformer):
    """True where the value is missing (None, NaN, NaT)."""

    def apply(self, series: Any) -> Any:
        return series.isna()


class Map(Transformer):
    """Replace values through ``mapping``; values it lacks become ``default`` (NaN by default)."""

    def __init__(self, column: Source, mapping: dict[Any, Any], default: Any = None) -> None:
        self.column = column
        self.mapping = mapping
        self.default = default

    def apply(self, series: Any) -> Any:
        mapped = series.map(self.mapping)
        return mapped if self.default is None else mapped.where(mapped.notna() | series.isna(), self.default)
