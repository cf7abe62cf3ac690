"""Micro-batching: concurrent single-row requests to one model become one prediction.

A prediction has a fixed cost (building a frame, encoding, calling the library)
that dwarfs the cost of one more row, so under load it pays to predict on many rows
at once. :class:`MicroBatcher` queues the frames of concurrent requests; one worker
takes everything queued (up to ``max_rows``), predicts once in the prediction
thread, and hands each request its slice. Nothing waits for a batch to fill: a
lone request goes straight through, so latency at low load does not grow; batches
form only while a prediction is already running.

If a merged prediction fails, each request is retried alone, so one bad row never
fails its neighbours.

>>> import asyncio
>>> import pandas as pd
>>> def double(frame):
...     return {"predictions": (frame["x"] * 2).to_numpy()}
>>> async def main():
...     batcher = MicroBatcher(double)
...     frames = [pd.DataFrame({"x": [i]}) for i in range(3)]
...     results = await asyncio.gather(*(batcher.submit(f) for f in frames))
...     await batcher.close()
...     return [r["predictions"].tolist() for r in results]
>>> asyncio.run(main())
[[0], [2], [4]]
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

Predict = Callable[[Any], dict[str, Any]]


class MicroBatcher:
    """Merge concurrent small frames into one call of ``predict``.

    Parameters
    ----------
    predict
        Frame -> ``{"predictions": array, ...}``, every value an array with one entry
        (or row) per input row.
    executor
        Where ``predict`` runs (``None``: the event loop's default thread pool).
    max_rows
        The most rows merged into one call.
    """

    def __init__(self, predict: Predict, executor: Executor | None = None, max_rows: int = 512) -> None:
        self.predict = predict
        self.executor = executor
        self.max_rows = max_rows
        self._queue: asyncio.Queue[tuple[Any, asyncio.Future[dict[str, Any]]]] | None = None
        self._worker: asyncio.Task[None] | None = None

    async def submit(self, frame: Any) -> dict[str, Any]:
        """The prediction for ``frame``, computed alone or merged with concurrent ones."""
        if self._queue is None:
            self._queue = asyncio.Queue()
            self._worker = asyncio.create_task(self._run())
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        await self._queue.put((frame, future))
        return await future

    async def close(self) -> None:
        """Stop the worker (pending requests are answered first)."""
        if self._worker is None or self._queue is None:
            return
        await self._queue.join()
        self._worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._worker
        self._queue = self._worker = None

    async def _run(self) -> None:
        assert self._queue is not None
        queue = self._queue
        while True:
            batch = [await queue.get()]
            rows = len(batch[0][0])
            while not queue.empty() and rows < self.max_rows:
                batch.append(queue.get_nowait())
                rows += len(batch[-1][0])
            try:
                await self._answer(batch)
            finally:
                for _ in batch:
                    queue.task_done()

    async def _answer(self, batch: list[tuple[Any, asyncio.Future[dict[str, Any]]]]) -> None:
        import pandas

        loop = asyncio.get_running_loop()
        pending = [(frame, future) for frame, future in batch if not future.done()]
        if not pending:
            return
        if len(pending) > 1:
            merged = pandas.concat([frame for frame, _ in pending], ignore_index=True)
            try:
                result = await loop.run_in_executor(self.executor, self.predict, merged)
            except Exception:  # one bad row: answer each request on its own below
                pass
            else:
                start = 0
                for frame, future in pending:
                    stop = start + len(frame)
                    if not future.done():
                        future.set_result({key: value[start:stop] for key, value in result.items()})
                    start = stop
                return
        for frame, future in pending:
            try:
                result = await loop.run_in_executor(self.executor, self.predict, frame)
            except Exception as error:
                if not future.done():
                    future.set_exception(error)
            else:
                if not future.done():
                    future.set_result(result)
