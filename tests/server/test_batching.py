"""Micro-batching: merged predictions, each request its own slice, failures isolated."""

from __future__ import annotations

import asyncio
import threading

import numpy as np
import pandas as pd
import pytest

from lore.server.batching import MicroBatcher


def test_concurrent_frames_are_merged_and_sliced_back():
    calls: list[int] = []
    gate = threading.Event()

    def predict(frame: pd.DataFrame) -> dict:
        gate.wait(5)
        calls.append(len(frame))
        return {"predictions": frame["x"].to_numpy() * 10, "probabilities": np.c_[frame["x"], frame["x"]]}

    async def main() -> list[dict]:
        batcher = MicroBatcher(predict)
        frames = [pd.DataFrame({"x": [i]}) for i in range(6)] + [pd.DataFrame({"x": [7, 8]})]
        tasks = [asyncio.create_task(batcher.submit(frame)) for frame in frames]
        await asyncio.sleep(0.05)
        gate.set()
        results = await asyncio.gather(*tasks)
        await batcher.close()
        return results

    results = asyncio.run(main())
    assert [r["predictions"].tolist() for r in results] == [[0], [10], [20], [30], [40], [50], [70, 80]]
    assert results[-1]["probabilities"].tolist() == [[7, 7], [8, 8]]
    assert sum(calls) == 8 and len(calls) < 7  # merged into fewer predictions than requests


def test_a_failing_row_fails_only_its_own_request():
    def predict(frame: pd.DataFrame) -> dict:
        if (frame["x"] < 0).any():
            raise ValueError("negative")
        return {"predictions": frame["x"].to_numpy()}

    async def main() -> list:
        batcher = MicroBatcher(predict)
        frames = [pd.DataFrame({"x": [value]}) for value in (1, -1, 2, 3)]
        results = await asyncio.gather(*(batcher.submit(frame) for frame in frames), return_exceptions=True)
        await batcher.close()
        return results

    results = asyncio.run(main())
    assert isinstance(results[1], ValueError)
    assert [r["predictions"].tolist() for i, r in enumerate(results) if i != 1] == [[1], [2], [3]]


def test_close_without_use_is_harmless():
    asyncio.run(MicroBatcher(lambda frame: {}).close())
    with pytest.raises(TypeError):
        MicroBatcher()  # type: ignore[call-arg]
