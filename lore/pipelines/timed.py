"""Split by time: train on the past, validate on the recent past, test on the latest rows.

>>> import pandas as pd
>>> from lore.encoders import Norm
>>> from lore.pipelines import TimedTrainTestSplit
>>> class Sales(TimedTrainTestSplit):
...     time_column = "day"
...     def get_data(self):
...         return pd.DataFrame({"day": pd.date_range("2024-01-01", periods=10), "units": range(10)})
...     def get_encoders(self):
...         return (Norm("units"),)
...     def get_output_encoder(self):
...         return Norm("units")
>>> pipeline = Sales(test_size=0.2, validation_size=0.2)
>>> pipeline.decode(pipeline.test_data.y).round().tolist()  # the two latest days
[8.0, 9.0]
"""

from __future__ import annotations

from typing import Any

from lore.compat import old_keywords
from lore.errors import EmptySplit, EncodingError
from lore.pipelines.holdout import TrainTestSplit, split_sizes
from lore.transformers.base import read


@old_keywords
class TimedTrainTestSplit(TrainTestSplit):
    """Like :class:`~lore.pipelines.TrainTestSplit`, but ordered by ``time_column``.

    The earliest rows train, the next validate and the latest test, so no training row
    is later than a validation or test row. Rows sharing a timestamp across a boundary
    all go to the later split (the earlier split may come out a little smaller). Set
    ``time_column`` as a class attribute or pass it; a missing time is an
    :class:`~lore.errors.EncodingError`. Without a ``time_column`` the rows keep the
    order ``get_data()`` returns them in (an ``ORDER BY`` in the extract).
    """

    time_column: str | None = None

    def __init__(
        self,
        time_column: str | None = None,
        test_size: float = 0.1,
        validation_size: float = 0.1,
        subsample: float | None = None,
    ) -> None:
        super().__init__(test_size=test_size, validation_size=validation_size, subsample=subsample)
        if time_column is not None:
            self.time_column = time_column

    def split(self, data: Any) -> dict[str, Any]:
        import numpy as np

        if not self.time_column:  # the data's own order (an ORDER BY in the extract)
            training, validation, _test = split_sizes(len(data), self.test_size, self.validation_size)
            rows = np.arange(len(data))
            return {
                "training": rows[:training],
                "validation": rows[training : training + validation],
                "test": rows[training + validation :],
            }
        times = read(data, self.time_column, type(self).__name__)
        if times.isna().any():
            raise EncodingError(
                f"{type(self).__name__}: {int(times.isna().sum())} rows have no {self.time_column!r}; "
                "drop or fill them in get_data()"
            )
        training, validation, _test = split_sizes(len(data), self.test_size, self.validation_size)
        order = np.argsort(times.to_numpy(), kind="stable")
        ordered = times.to_numpy()[order]

        def boundary(position: int) -> int:
            """Move a boundary back to the first row of its timestamp."""
            if position >= len(ordered):
                return position
            return int(np.searchsorted(ordered, ordered[position], side="left"))

        first, second = boundary(training), boundary(training + validation)
        second = max(second, first)
        if first == 0 or (validation and second == first):
            raise EmptySplit(
                f"{type(self).__name__}: too many rows share the boundary times of {self.time_column!r} "
                "to keep the splits apart; change test_size / validation_size"
            )
        return {
            "training": np.sort(order[:first]),
            "validation": np.sort(order[first:second]),
            "test": np.sort(order[second:]),
        }
