"""Categorical encoders: distinct values, one-hot columns, booleans and equality.

>>> import pandas as pd
>>> from lore.encoders import Boolean, OneHot, Unique
>>> frame = pd.DataFrame({"city": ["oslo", "lima", "oslo", None, "rome"]})
>>> encoder = Unique("city", minimum_occurrences=2).fit(frame)
>>> encoder.transform(frame).tolist(), encoder.cardinality()
([2, 1, 2, 0, 1], 3)
>>> encoder.reverse_transform([2, 1, 0]).tolist()
['oslo', '__other__', None]
>>> OneHot("city").fit(frame).transform(frame)[:2].tolist()
[[1, 0, 0, 0], [0, 1, 0, 0]]
>>> flags = Boolean("ok").fit(pd.DataFrame({"ok": [True, False]}))
>>> flags.transform(pd.DataFrame({"ok": ["yes", 0]})).tolist()
[1, 0]
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from lore.encoders.base import COLUMN, COUNT, FLAG, SMALL, Check, Encoder, code_dtype, integer
from lore.errors import EncodingError
from lore.transformers.base import Source, read, source_columns, source_name

#: What ``reverse_transform`` returns for the shared code of rare and unseen values.
OTHER = "__other__"
MISSING_CODE = 0
OTHER_CODE = 1

TRUE_WORDS = ("true", "t", "yes", "y", "1", "1.0")
FALSE_WORDS = ("false", "f", "no", "n", "0", "0.0")


def value_kind(dtype: Any) -> str:
    """``"text"``, ``"number"``, ``"boolean"``, ``"datetime"`` or ``"other"`` for a dtype."""
    import pandas as pd

    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_numeric_dtype(dtype):
        return "number"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    if pd.api.types.is_string_dtype(dtype) and str(dtype) != "object":
        return "text"
    return "other"


class Unique(Encoder):
    """One code per distinct value seen at fit.

    Code 0 is for missing values, code 1 is shared by values seen fewer than
    ``minimum_occurrences`` times at fit and by values never seen (the long tail),
    and the others get codes from 2 in order of decreasing frequency (ties in value order). With
    ``maximum_cardinality`` only the most frequent values are kept so that
    ``cardinality() <= maximum_cardinality``. With ``stratify`` (a column), a value's
    occurrences are the distinct values of that column it appears with (items bought
    by at least ``minimum_occurrences`` different users), as in the original Lore.
    Text fitted and numbers given (or the reverse) raise
    :class:`~lore.errors.EncodingError` rather than silently becoming "other".
    """

    constraints: ClassVar[dict[str, Check]] = {
        **Encoder.constraints,
        "minimum_occurrences": COUNT,
        # missing, other and one value
        "maximum_cardinality": integer(3, optional=True),
        "stratify": Check((str,), "a column name", optional=True),
    }

    def __init__(
        self,
        column: Source,
        name: str | None = None,
        minimum_occurrences: int = 1,
        maximum_cardinality: int | None = None,
        stratify: str | None = None,
    ) -> None:
        super().__init__(column, name)
        self.minimum_occurrences = minimum_occurrences
        self.maximum_cardinality = maximum_cardinality
        self.stratify = stratify

    def input_columns(self) -> list[str]:
        columns = super().input_columns()
        stratify = self.__dict__.get("stratify")
        return [*columns, stratify] if stratify and stratify not in columns else columns

    def summarize(self, frame: Any) -> dict[str, Any]:
        """With ``stratify``, the distinct (value, stratum) pairs: a value's count is its strata."""
        stratify = self.__dict__.get("stratify")
        if not stratify:
            return super().summarize(frame)
        import pandas as pd

        self.check_parameters()
        series = self.series(frame)
        strata = read(frame, stratify, self.name)
        pairs = pd.DataFrame(
            {"value": series.to_numpy(dtype=object), "stratum": strata.to_numpy(dtype=object)}
        )
        pairs = pairs[series.notna().to_numpy()].drop_duplicates()
        return {"rows": len(series), "kind": value_kind(series.dtype), **self._strata(pairs)}

    @staticmethod
    def _strata(pairs: Any) -> dict[str, Any]:
        return {"pairs": pairs, "counts": pairs.groupby("value", sort=False).size()}

    def _summarize(self, series: Any) -> dict[str, Any]:
        return {"counts": series.value_counts(dropna=True, sort=False), "kind": value_kind(series.dtype)}

    def _combine(self, a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
        kind = a["kind"] if a["kind"] == b["kind"] else "other"
        if "pairs" in a:
            import pandas as pd

            return {"kind": kind, **self._strata(pd.concat([a["pairs"], b["pairs"]]).drop_duplicates())}
        return {"counts": a["counts"].add(b["counts"], fill_value=0), "kind": kind}

    def _learn(self, stats: dict[str, Any]) -> None:
        import numpy as np
        import pandas as pd

        counts = stats["counts"]
        frequent = counts.to_numpy() >= self.minimum_occurrences
        if not frequent.all():  # a boolean mask on a Series costs more than the rest of the fit
            counts = counts[frequent]
        try:  # ties in value order, so that the codes do not depend on row order or chunking
            counts = counts.sort_index()
        except TypeError:  # values of mixed types
            counts = counts.iloc[np.argsort(counts.index.astype(str), kind="stable")]
        order = np.argsort(-counts.to_numpy(), kind="stable")  # most frequent first
        kept = counts.index[order]
        if self.maximum_cardinality is not None:
            kept = kept[: int(self.maximum_cardinality) - self._reserved_codes]
        self.values_ = pd.Index(kept)
        self.counts_ = counts.to_numpy()[order[: len(kept)]].astype("int64")
        self.value_kind_ = stats["kind"]

    #: codes that are not values: missing and other (``OneHot`` has no missing column)
    _reserved_codes = 2

    def cardinality(self) -> int:
        self.check_fitted()
        return len(self.values_) + 2

    def _check_kind(self, series: Any) -> None:
        kind = value_kind(series.dtype)
        fitted = self.value_kind_
        if {kind, fitted} == {"text", "number"} and len(series):
            raise EncodingError(
                f"{self.name} was fitted on {fitted} values but {series.name!r} holds {kind} "
                f"({series.dtype}); convert the column to the type it had at fit"
            )

    def positions(self, series: Any) -> Any:
        """Each row's index into ``values_``, -1 for unseen values and missing."""
        import numpy as np
        import pandas as pd

        self._check_kind(series)
        if not len(self.values_):
            return _minus_ones(len(series))
        if len(series) <= SMALL:  # a served row or two: a dict beats factorize's set-up cost
            return self._looked_up(series.tolist())
        codes, uniques = pd.factorize(series)  # hash each row once; look up distinct values only
        per_value = np.append(self.values_.get_indexer(uniques), -1)
        return per_value[codes]  # code -1 (missing) reads the trailing -1

    def _looked_up(self, values: list[Any]) -> Any:
        """:meth:`positions` of a few values, from a dict of ``values_``."""
        import numpy as np

        cached = getattr(self, "_lookup_cache", None)
        if cached is None or cached[0] is not self.values_:
            cached = (self.values_, {value: position for position, value in enumerate(self.values_.tolist())})
            self._lookup_cache = cached
        lookup = cached[1]
        return np.fromiter((lookup.get(value, -1) for value in values), "int64", len(values))

    def _encode(self, series: Any) -> Any:
        return self._encode_found(self.positions(series), series.isna().to_numpy())

    def _encode_small(self, values: Any) -> Any:
        import numpy as np

        if len(values) > SMALL:  # vectorized through pandas is cheaper
            return None
        if isinstance(values, list) and all(value is None or type(value) is str for value in values):
            kind, missing = "text", np.array([value is None for value in values])
        elif getattr(values, "dtype", None) is not None and values.dtype.kind in "iuf":
            missing = np.isnan(values) if values.dtype.kind == "f" else np.zeros(len(values), bool)
            kind = "number"
            values = values.tolist()
        else:  # booleans, dates, objects: the general path
            return None
        if {kind, self.value_kind_} == {"text", "number"}:
            return None  # the general path raises the error that names both kinds
        positions = self._looked_up(values) if len(self.values_) else _minus_ones(len(values))
        return self._encode_found(positions, missing)

    def _encode_found(self, positions: Any, missing: Any) -> Any:
        """The codes of rows at ``positions`` in ``values_`` (-1: other), ``missing`` a mask."""
        import numpy as np

        codes = np.where(positions >= 0, positions + 2, OTHER_CODE).astype(code_dtype(self.cardinality()))
        codes[missing] = MISSING_CODE
        return codes

    def reverse_transform(self, encoded: Any) -> Any:
        """The value of each code; ``OTHER`` for the long tail and ``None`` for missing."""
        import numpy as np

        lookup = np.array([None, OTHER, *self.values_.tolist()], dtype=object)
        codes = np.asarray(encoded, dtype="int64")
        return lookup[np.clip(codes, 0, len(lookup) - 1)]


def _minus_ones(rows: int) -> Any:
    import numpy as np

    return np.full(rows, -1, dtype="int64")


class OneHot(Unique):
    """One 0/1 column per kept value, plus one for "other" (rare or unseen values).

    Takes :class:`Unique`'s ``minimum_occurrences`` and ``maximum_cardinality`` (here
    the number of categories, at least 2). Missing values are all zeros. Meant for
    low-cardinality columns; prefer :class:`Unique` with an embedding otherwise.

    As in the original Lore, ``compressed=True`` drops the "other" column: rare and
    unseen values are all zeros, like missing ones. ``drop_first=True`` drops the first
    column (the most frequent value), whose rows are then all zeros: a full-rank design
    for an unregularized linear model. ``cardinality()`` counts the categories told apart
    (the kept values, and "other" or the all-zero rows of rare values), whatever columns
    are dropped; ``feature_names()`` lists the columns.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"city": ["oslo", "oslo", "lima", "lima", "rome"]})
    >>> OneHot("city", minimum_occurrences=2, compressed=True).fit(frame).transform(frame).tolist()
    [[0, 1], [0, 1], [1, 0], [1, 0], [0, 0]]
    >>> OneHot("city", drop_first=True).fit(frame).feature_names()
    ['one_hot_city_oslo', 'one_hot_city_rome', 'one_hot_city_other']
    """

    constraints: ClassVar[dict[str, Check]] = {
        **Unique.constraints,
        # other and one value (missing is all zeros, not a column)
        "maximum_cardinality": integer(2, optional=True),
        "compressed": FLAG,
        "drop_first": FLAG,
    }
    _reserved_codes = 1
    #: for encoders pickled before these parameters existed
    compressed = drop_first = False

    def __init__(
        self,
        column: Source,
        name: str | None = None,
        minimum_occurrences: int = 1,
        maximum_cardinality: int | None = None,
        stratify: str | None = None,
        compressed: bool = False,
        drop_first: bool = False,
    ) -> None:
        super().__init__(column, name, minimum_occurrences, maximum_cardinality, stratify)
        self.compressed = compressed
        self.drop_first = drop_first

    def cardinality(self) -> int:
        self.check_fitted()
        return len(self.values_) + 1

    def _labels(self) -> list[Any]:
        """The value of each column (``OTHER`` for the other column)."""
        labels = [*self.values_.tolist(), *([] if self.compressed else [OTHER])]
        return labels[1:] if self.drop_first else labels

    def feature_names(self) -> list[str]:
        self.check_fitted()
        labels = [re.sub(r"\W+", "_", str(value)).strip("_") for value in self.values_]
        if len(set(labels)) < len(labels) or "other" in labels:
            labels = [str(index) for index in range(len(labels))]
        names = [f"{self.name}_{label}" for label in [*labels, *([] if self.compressed else ["other"])]]
        return names[1:] if self.drop_first else names

    def _encode_found(self, positions: Any, missing: Any) -> Any:
        import numpy as np

        # column of each row in the full layout (values, then other), -1 for all zeros
        columns = np.where(positions >= 0, positions, -1 if self.compressed else len(self.values_))
        columns[missing] = -1
        if self.drop_first:
            columns = np.where(columns == 0, -1, columns - 1)
        matrix = np.zeros((len(columns), len(self._labels())), dtype="uint8")
        rows = np.flatnonzero(columns >= 0)
        matrix[rows, columns[rows]] = 1
        return matrix

    def reverse_transform(self, encoded: Any) -> Any:
        """The value of each row's hot column (``OTHER`` for other); an all-zero row is
        ``None`` (missing; with ``compressed`` also rare or unseen), or the first value
        with ``drop_first``."""
        import numpy as np

        matrix = np.asarray(encoded)
        zeros = self.values_[0] if self.drop_first and len(self.values_) else None
        lookup = np.array([*self._labels(), zeros], dtype=object)
        hot: Any = np.where(matrix.any(axis=1), matrix.argmax(axis=1), len(lookup) - 1) if matrix.size else []
        if not matrix.size and len(matrix):  # no columns: every row is all zeros
            hot = np.full(len(matrix), len(lookup) - 1)
        return lookup[np.asarray(hot, dtype="int64")]


def booleans(series: Any, reader: str) -> Any:
    """``(values, missing)`` as numpy arrays; text must be true/false/yes/no/t/f/y/n/1/0."""
    import numpy as np
    import pandas as pd

    missing = series.isna().to_numpy()
    kind = value_kind(series.dtype)
    if kind in ("boolean", "number"):
        return series.fillna(0).to_numpy(dtype="float64") != 0, missing
    codes, uniques = pd.factorize(series)
    words = pd.Index(uniques, dtype=object).astype(str).str.strip().str.lower()
    truth = words.isin(TRUE_WORDS)
    unknown = ~(truth | words.isin(FALSE_WORDS))
    if unknown.any():
        examples = ", ".join(repr(value) for value in list(uniques[unknown])[:5])
        raise EncodingError(
            f"{reader}: {series.name!r} holds values that are not booleans: {examples} "
            f"(use true/false, yes/no, 1/0)"
        )
    return np.append(np.asarray(truth), False)[codes], missing


class Boolean(Encoder):
    """False is 0 and True is 1, from booleans, numbers (non-zero is True) or words.

    If the training data had missing values they get code 2 (``cardinality() == 3``);
    otherwise ``cardinality() == 2`` (a binary target) and a missing value met later
    raises :class:`~lore.errors.EncodingError` rather than being guessed. Usable
    without a fit, as in the original Lore: missing values then get code 2 and
    ``cardinality() == 3``.

    >>> import pandas as pd
    >>> Boolean("b").transform(pd.DataFrame({"b": [True, None, False]})).tolist()
    [1, 2, 0]
    """

    #: nothing needs learning: an unfitted Boolean encodes (lore.testing checks this)
    fit_optional = True

    def check_fitted(self) -> None:
        """Never raises: a Boolean needs no fit (missing values are code 2 until one)."""

    def _summarize(self, series: Any) -> dict[str, Any]:
        _, missing = booleans(series, self.name)
        return {"missing": int(missing.sum())}

    def _combine(self, a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
        return {"missing": a["missing"] + b["missing"]}

    def _learn(self, stats: dict[str, Any]) -> None:
        self.has_missing_ = stats["missing"] > 0

    def cardinality(self) -> int:
        return 3 if self.__dict__.get("has_missing_", True) else 2

    def _encode(self, series: Any) -> Any:
        values, missing = booleans(series, self.name)
        return self._encode_truth(values, missing, series.name)

    def _encode_small(self, values: Any) -> Any:
        import numpy as np

        if len(values) > SMALL:  # vectorized through pandas is cheaper
            return None
        if isinstance(values, list) and len(values) <= SMALL and all(type(value) is bool for value in values):
            return self._encode_truth(np.array(values, dtype=bool), np.zeros(len(values), bool), self.column)
        if getattr(values, "dtype", None) is not None and values.dtype.kind in "iufb":
            numbers = values.astype("float64")
            missing = np.isnan(numbers)
            return self._encode_truth(np.where(missing, 0.0, numbers) != 0, missing, self.column)
        return None

    def _encode_truth(self, values: Any, missing: Any, column: Any) -> Any:
        """The codes of truth ``values`` with a ``missing`` mask, read from ``column``."""
        codes = values.astype("uint8")
        if missing.any():
            if not self.__dict__.get("has_missing_", True):
                raise EncodingError(
                    f"{self.name}: {int(missing.sum())} missing values in {column!r}, but the training "
                    "data had none; fill them (e.g. with Map or IsNull) or fit on data that has some"
                )
            codes[missing] = 2
        return codes

    def reverse_transform(self, encoded: Any) -> Any:
        """``True`` / ``False``, or ``None`` for the missing code (probabilities round at 0.5)."""
        import numpy as np

        values = np.asarray(encoded, dtype="float64")
        result = (values.round() == 1).astype(object)
        result[values.round() >= 2] = None
        return result


class Equals(Encoder):
    """1 where ``column`` equals ``other`` (two columns or transformers), else 0.

    A missing value on either side is "not equal". Nothing is learned.
    """

    constraints: ClassVar[dict[str, Check]] = {**Encoder.constraints, "other": COLUMN}

    def __init__(self, column: Source, other: Source, name: str | None = None) -> None:
        super().__init__(column, name)
        self.other = other

    def default_name(self) -> str:
        return f"equals_{source_name(self.column)}_{source_name(self.other)}"

    def input_columns(self) -> list[str]:
        return list(dict.fromkeys(source_columns(self.column) + source_columns(self.other)))

    def summarize(self, frame: Any) -> dict[str, Any]:
        read(frame, self.other, self.name)
        return super().summarize(frame)

    def cardinality(self) -> int:
        return 2

    def transform(self, frame: Any) -> Any:
        self.check_fitted()
        left, right = self.series(frame), read(frame, self.other, self.name)
        same = left.to_numpy() == right.to_numpy()
        return (same & left.notna().to_numpy() & right.notna().to_numpy()).astype("uint8")

    def reverse_transform(self, encoded: Any) -> Any:
        import numpy as np

        return np.asarray(encoded) == 1
