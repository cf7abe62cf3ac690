"""Micro-batching: concurrent single-row requests to one model become one prediction.

A prediction has a fixed cost (encoding, calling the library) that dwarfs the cost of
one more row, so under load it pays to predict on many rows at once.
:class:`MicroBatcher` collects the rows submitted during one turn of the event loop
(every request whose body arrived together) and predicts them in one call at the end
of that turn, handing each request its slice. Nothing waits for a batch to fill: a
lone request is predicted in the same turn, so latency at low load does not grow, and
no thread hop is paid for a prediction of a few rows (they run on the event loop; big
bodies go to the prediction thread before they get here).

If a merged prediction fails, each request is retried alone, so one bad row never
fails its neighbours.

>>> import asyncio
>>> import numpy as np
>>> def double(rows):
...     return {"predictions": rows["x"] * 2}
>>> async def main():
...     batcher = MicroBatcher(double)
...     parts = [{"x": np.array([i])} for i in range(3)]
...     results = await asyncio.gather(*(batcher.submit(part) for part in parts))
...     return [r["predictions"].tolist() for r in results]
>>> asyncio.run(main())
[[0], [2], [4]]
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

Predict = Callable[[Any], dict[str, Any]]
#: ``(columns, result, tags, sizes)``: the rows one call of ``predict`` had, what it
#: returned, and the tag and number of rows of each request in it, in order.
Predicted = Callable[[Mapping[str, Any], dict[str, Any], list[Any], list[int]], None]
#: A request waiting for its turn's prediction: its columns, its future, its tag.
Pending = tuple[Mapping[str, Any], "asyncio.Future[dict[str, Any]]", Any]

logger = logging.getLogger(__name__)


def merge_columns(parts: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """One mapping of columns from several with the same keys, rows in order.

    Numpy arrays are concatenated (ints and floats give floats, as a DataFrame
    would), lists are joined, and anything else (a Series of dates) is concatenated
    by pandas.

    >>> import numpy as np
    >>> merge_columns([{"x": np.array([1.0]), "s": ["a"]}, {"x": np.array([2]), "s": [None]}])
    {'x': array([1., 2.]), 's': ['a', None]}
    """
    import numpy

    merged: dict[str, Any] = {}
    for column in parts[0]:
        values = [part[column] for part in parts]
        if all(isinstance(value, numpy.ndarray) and value.dtype.kind in "biuf" for value in values):
            merged[column] = numpy.concatenate(values)
        elif all(isinstance(value, list) for value in values):
            merged[column] = [item for value in values for item in value]
        else:
            import pandas

            merged[column] = pandas.concat([pandas.Series(value) for value in values], ignore_index=True)
    return merged


def rows_of(columns: Mapping[str, Any]) -> int:
    """The number of rows of a mapping of columns."""
    return len(next(iter(columns.values()))) if columns else 0


class MicroBatcher:
    """Merge the rows submitted in one turn of the event loop into one call of ``predict``.

    Parameters
    ----------
    predict
        Columns (a mapping, see :func:`merge_columns`) -> ``{"predictions": array,
        ...}``, every value an array with one entry (or row) per input row. It runs on
        the event loop: give it only a few rows per request.
    max_rows
        The most rows merged into one call.
    predicted
        Called after each successful call of ``predict`` with the rows it had, its
        result, and the tag (given to :meth:`submit`) and number of rows of each
        request in it: the server logs a micro-batch as one entry. An error it raises
        is logged, never the requests'.
    """

    def __init__(self, predict: Predict, max_rows: int = 512, predicted: Predicted | None = None) -> None:
        self.predict = predict
        self.max_rows = max_rows
        self.predicted = predicted
        self._pending: list[Pending] = []

    async def submit(self, columns: Mapping[str, Any], tag: Any = None) -> dict[str, Any]:
        """The prediction for ``columns``, computed with the others submitted in this turn.

        ``tag`` goes to ``predicted`` with this request's rows.
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[dict[str, Any]] = loop.create_future()
        if not self._pending:
            loop.call_soon(self._flush)
        self._pending.append((columns, future, tag))
        return await future

    async def close(self) -> None:
        """Answer what is pending (nothing is: every turn flushes its own)."""
        if self._pending:
            self._flush()

    def _flush(self) -> None:
        pending, self._pending = self._pending, []
        group: list[Pending] = []
        rows = 0
        for item in pending:
            if group and rows + rows_of(item[0]) > self.max_rows:
                self._answer(group)
                group, rows = [], 0
            group.append(item)
            rows += rows_of(item[0])
        if group:
            self._answer(group)

    def _answer(self, group: list[Pending]) -> None:
        group = [item for item in group if not item[1].done()]
        if len(group) > 1:
            try:
                merged = merge_columns([columns for columns, _, _ in group])
                result = self.predict(merged)
            except Exception:  # one bad row: answer each request on its own below
                pass
            else:
                start = 0
                sizes = []
                for columns, future, _ in group:
                    stop = start + rows_of(columns)
                    future.set_result({key: value[start:stop] for key, value in result.items()})
                    sizes.append(stop - start)
                    start = stop
                self._report(merged, result, [tag for _, _, tag in group], sizes)
                return
        for columns, future, tag in group:
            try:
                result = self.predict(columns)
            except Exception as error:
                future.set_exception(error)
            else:
                future.set_result(result)
                self._report(columns, result, [tag], [rows_of(columns)])

    def _report(
        self, columns: Mapping[str, Any], result: dict[str, Any], tags: list[Any], sizes: list[int]
    ) -> None:
        if self.predicted is None:
            return
        try:
            self.predicted(columns, result, tags, sizes)
        except Exception:  # a prediction answered is never failed by what watches it
            logger.exception("after a prediction, %r failed", self.predicted)
