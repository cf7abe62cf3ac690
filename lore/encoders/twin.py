"""Twin encoders: one encoder for two columns that share a vocabulary.

An origin and a destination, a buyer and a seller: the same values appear in both
columns and should get the same code. :class:`Twin` fits its encoder once on both
columns together and encodes each, giving two features (``<name>`` and
``<name>_twin``); a Keras network gives the pair one shared embedding.

>>> import pandas as pd
>>> from lore.encoders import Unique
>>> trips = pd.DataFrame({"origin": ["oslo", "lima", "oslo"], "origin_twin": ["lima", "pune", "oslo"]})
>>> twin = Twin(Unique("origin")).fit(trips)
>>> twin.feature_names(), twin.transform(trips).tolist()
(['unique_origin', 'unique_origin_twin'], [[2, 3], [3, 4], [2, 2]])
"""

from __future__ import annotations

from typing import Any, ClassVar

from lore.encoders.base import NAME, Check, Encoder
from lore.errors import EncodingError


class Twin(Encoder):
    """``encoder`` fitted on its column and on ``twin`` together; both encoded alike.

    Parameters
    ----------
    encoder
        An unfitted encoder of the first column (or of a transformer over it).
    twin
        The second column; ``True`` (the original Lore's convention) means each raw
        column the encoder reads with ``_twin`` appended.
    name
        The first feature's name (the encoder's by default); the second adds ``_twin``.
    """

    constraints: ClassVar[dict[str, Check]] = {
        "encoder": Check((Encoder,), "an encoder"),
        "twin": Check((str, bool), "a column name or True"),
        "name": NAME,
    }
    #: the network gives both columns one embedding (see :func:`lore.estimators.keras.describe_inputs`)
    shares_embedding = True

    def __init__(self, encoder: Encoder, twin: str | bool = True, name: str | None = None) -> None:
        self.encoder = encoder
        self.twin = twin
        self.name = name

    def __repr__(self) -> str:
        return f"Twin({self.encoder!r}, {self.twin!r})"

    @property
    def column(self) -> Any:
        """The first column (the encoder's)."""
        return self.encoder.column

    @property
    def kind(self) -> str:  # type: ignore[override]
        return self.encoder.kind

    def default_name(self) -> str:
        return self.encoder.name

    def twin_columns(self) -> dict[str, str]:
        """Each raw column of the second side -> the encoder's raw column it stands for."""
        own = self.encoder.input_columns()
        if self.twin is True:
            return {f"{column}_twin": column for column in own}
        if isinstance(self.twin, str) and len(own) == 1:
            return {self.twin: own[0]}
        raise EncodingError(
            f"{self.name} (Twin): twin={self.twin!r} needs an encoder of one raw column "
            f"(it reads {', '.join(own)}); pass twin=True to use <column>_twin for each"
        )

    def input_columns(self) -> list[str]:
        return [*self.encoder.input_columns(), *self.twin_columns()]

    def feature_names(self) -> list[str]:
        first = self.encoder.feature_names()
        if self.__dict__.get("_name") is not None and len(first) == 1:
            first = [self.name]
        return [*first, *(f"{feature}_twin" for feature in first)]

    def _plain(self) -> bool:
        """Whether the encoder reads one plain column through the base class's transform."""
        encoder = self.encoder
        return isinstance(encoder.column, str) and type(encoder).transform is Encoder.transform

    def _second_series(self, frame: Any) -> Any:
        from lore.transformers.base import read

        (column,) = self.twin_columns()
        return read(frame, column, self.name)

    def _second(self, frame: Any) -> Any:
        """``frame``'s twin columns under the encoder's column names."""
        from lore.transformers.base import read

        mapping = self.twin_columns()
        for column in mapping:
            read(frame, column, self.name)  # a missing twin column is a MissingColumn naming it
        return frame[list(mapping)].rename(columns=mapping)

    # -- fitting: one summary of both columns -------------------------------------------

    def summarize(self, frame: Any) -> dict[str, Any]:
        self.check_parameters()
        first = self.encoder.summarize(frame)
        if self._plain() and type(self.encoder).summarize is Encoder.summarize:
            series = self._second_series(frame)
            second = {"rows": len(series), **self.encoder._summarize(series)}
        else:
            second = self.encoder.summarize(self._second(frame))
        return self.encoder.combine(first, second)

    def combine(self, a: dict[str, Any] | None, b: dict[str, Any]) -> dict[str, Any]:
        return self.encoder.combine(a, b)

    def fit_summary(self, stats: dict[str, Any]) -> Twin:
        self.check_parameters()
        self.encoder.fit_summary(stats)
        self.n_rows_ = int(stats["rows"])
        return self

    # -- encoding --------------------------------------------------------------------------

    def transform(self, frame: Any) -> Any:
        import numpy as np

        self.check_fitted()
        if self._plain():  # no renamed copy of the frame: the twin column straight to the encoder
            second = self.encoder._encode(self._second_series(frame))
        else:
            second = self.encoder.transform(self._second(frame))
        return np.column_stack([self.encoder.transform(frame), second])

    def transform_values(self, values: Any) -> Any:
        """Always ``None``: a twin reads two columns, so requests take :meth:`transform`."""
        self.check_fitted()
        return None

    def reverse_transform(self, encoded: Any) -> Any:
        """Both columns decoded: an object array of shape ``(rows, 2)``."""
        import numpy as np

        matrix = np.asarray(encoded)
        half = matrix.shape[1] // 2 if matrix.ndim == 2 else 0
        first, second = matrix[:, :half], matrix[:, half:]
        if half == 1:
            first, second = first[:, 0], second[:, 0]
        decoded = [np.asarray(self.encoder.reverse_transform(part), dtype=object) for part in (first, second)]
        return np.column_stack(decoded) if len(matrix) else np.empty((0, 2), dtype=object)

    def cardinality(self) -> int | None:
        return self.encoder.cardinality()
