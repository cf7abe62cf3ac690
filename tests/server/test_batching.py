"""Micro-batching: merged predictions, each request its own slice, failures isolated."""

from __future__ import annotations

import asyncio

import numpy as np
import pandas as pd
import pytest

from lore.server.batching import MicroBatcher, merge_columns, rows_of


def test_rows_submitted_in_one_turn_are_merged_and_sliced_back():
    calls: list[int] = []

    def predict(rows: dict) -> dict:
        calls.append(rows_of(rows))
        x = rows["x"]
        return {"predictions": x * 10, "probabilities": np.c_[x, x]}

    async def main() -> list[dict]:
        batcher = MicroBatcher(predict)
        parts = [{"x": np.array([float(i)])} for i in range(6)] + [{"x": np.array([7.0, 8.0])}]
        results = await asyncio.gather(*(batcher.submit(part) for part in parts))
        await batcher.close()
        return results

    results = asyncio.run(main())
    assert [r["predictions"].tolist() for r in results] == [[0], [10], [20], [30], [40], [50], [70, 80]]
    assert results[-1]["probabilities"].tolist() == [[7, 7], [8, 8]]
    assert calls == [8]  # one prediction for the whole turn


def test_a_lone_request_is_predicted_alone_and_batches_respect_max_rows():
    calls: list[int] = []

    def predict(rows: dict) -> dict:
        calls.append(rows_of(rows))
        return {"predictions": rows["x"]}

    async def main() -> None:
        batcher = MicroBatcher(predict, max_rows=4)
        assert (await batcher.submit({"x": np.array([1])}))["predictions"].tolist() == [1]
        await asyncio.gather(*(batcher.submit({"x": np.array([i, i])}) for i in range(5)))

    asyncio.run(main())
    assert calls == [1, 4, 4, 2]


def test_a_failing_row_fails_only_its_own_request():
    def predict(rows: dict) -> dict:
        if (rows["x"] < 0).any():
            raise ValueError("negative")
        return {"predictions": rows["x"]}

    async def main() -> list:
        batcher = MicroBatcher(predict)
        parts = [{"x": np.array([value])} for value in (1, -1, 2, 3)]
        results = await asyncio.gather(*(batcher.submit(part) for part in parts), return_exceptions=True)
        await batcher.close()
        return results

    results = asyncio.run(main())
    assert isinstance(results[1], ValueError)
    assert [r["predictions"].tolist() for i, r in enumerate(results) if i != 1] == [[1], [2], [3]]


def test_merged_columns_are_what_one_frame_of_all_rows_would_hold():
    parts = [
        {"n": np.array([1]), "s": ["a"], "d": pd.Series(pd.to_datetime(["2020-01-01"]))},
        {"n": np.array([np.nan]), "s": [None], "d": pd.Series(pd.to_datetime(["2021-01-01"]))},
    ]
    merged = merge_columns(parts)
    one_request = pd.DataFrame(
        {"n": [1.0, np.nan], "s": ["a", None], "d": pd.to_datetime(["2020-01-01", "2021-01-01"])}
    )
    pd.testing.assert_frame_equal(pd.DataFrame(merged), one_request)


def test_close_without_use_is_harmless():
    asyncio.run(MicroBatcher(lambda rows: {}).close())
    with pytest.raises(TypeError):
        MicroBatcher()  # type: ignore[call-arg]


def test_each_prediction_is_reported_with_its_requests_tags_and_sizes():
    reports: list[tuple] = []

    def predict(rows: dict) -> dict:
        if (rows["x"] < 0).any():
            raise ValueError("negative")
        return {"predictions": rows["x"] * 2}

    def predicted(columns, result, tags, sizes) -> None:
        reports.append((columns["x"].tolist(), result["predictions"].tolist(), tags, sizes))

    async def main() -> None:
        batcher = MicroBatcher(predict, predicted=predicted)
        parts = [({"x": np.array([1.0])}, "a"), ({"x": np.array([2.0, 3.0])}, None)]
        await asyncio.gather(*(batcher.submit(part, tag) for part, tag in parts))
        failing = [({"x": np.array([4.0])}, "c"), ({"x": np.array([-1.0])}, "d")]
        await asyncio.gather(*(batcher.submit(part, tag) for part, tag in failing), return_exceptions=True)

    asyncio.run(main())
    # merged: one report for both requests; after a failed merge, only the request that was answered
    assert reports == [([1.0, 2.0, 3.0], [2.0, 4.0, 6.0], ["a", None], [1, 2]), ([4.0], [8.0], ["c"], [1])]


def test_a_failing_report_never_fails_the_request(caplog):
    def predicted(columns, result, tags, sizes) -> None:
        raise RuntimeError("the log is broken")

    async def main() -> list:
        batcher = MicroBatcher(lambda rows: {"predictions": rows["x"]}, predicted=predicted)
        return await asyncio.gather(*(batcher.submit({"x": np.array([i])}) for i in range(3)))

    results = asyncio.run(main())
    assert [r["predictions"].tolist() for r in results] == [[0], [1], [2]]
    assert "the log is broken" in caplog.text
