"""The prediction log: sampling, a bounded queue that never blocks, sinks that may fail."""

from __future__ import annotations

import datetime
import logging
import time

import numpy as np
import pandas as pd
import pytest

from lore.errors import ConfigError
from lore.monitoring.log import LogSettings, ParquetSink, PredictionLog, SQLSink, fittings, read
from lore.monitoring.record import Logged, arrow


def rows(count: int, start: int = 0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "age": np.arange(start, start + count, dtype=float),
            "city": ["oslo", "lima"] * (count // 2) + ["oslo"] * (count % 2),
            "seen": pd.Timestamp("2026-01-01") + pd.to_timedelta(np.arange(count), unit="h"),
        }
    )


def log_some(log: PredictionLog, requests: int = 20) -> None:
    for index in range(requests):
        frame = rows(3, start=index * 3)
        probabilities = np.tile([0.2, 0.8], (3, 1))
        log.log("demo.Model", 2, frame, np.array([True, False, True]), probabilities, request_id=f"r{index}")


def test_parquet_round_trip(tmp_path) -> None:
    log = PredictionLog(ParquetSink(tmp_path), flush_seconds=0.05).start()
    log_some(log)
    log.close()
    assert log.written == 60 and not log.dropped
    today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    assert [path.name for path in (tmp_path / "model=demo.Model" / "fitting=2").iterdir()] == [f"day={today}"]
    logs = read(ParquetSink(tmp_path), "demo.Model")
    frame = logs.frame
    assert len(frame) == 60
    assert set(frame.columns) >= {"request_id", "row", "fitting", "predicted_at", "prediction", "age", "city"}
    first = frame[frame["request_id"] == "r1"]
    assert first["row"].tolist() == [0, 1, 2] and first["age"].tolist() == [3.0, 4.0, 5.0]
    assert logs.probabilities.shape == (60, 2) and np.allclose(logs.probabilities, [0.2, 0.8])
    assert (frame["fitting"] == 2).all()


def test_parquet_files_dictionary_encode_only_text(tmp_path) -> None:
    import pyarrow.parquet as pq

    log = PredictionLog(ParquetSink(tmp_path), flush_seconds=0.05).start()
    log.log("demo.Model", 2, rows(4), np.array(["yes", "no", "no", "yes"]), request_id="r1")
    log.close()
    (path,) = tmp_path.rglob("*.parquet")
    metadata = pq.ParquetFile(path).metadata.row_group(0)
    encodings = {
        metadata.column(index).path_in_schema: metadata.column(index).encodings
        for index in range(metadata.num_columns)
    }
    dictionary = {name for name, found in encodings.items() if "RLE_DICTIONARY" in found}
    assert dictionary == {"inputs.city", "prediction"}  # not the numbers, dates or request ids


def test_read_since_filters_days_and_times(tmp_path) -> None:
    log = PredictionLog(ParquetSink(tmp_path), flush_seconds=0.05).start()
    log_some(log, 2)
    log.close()
    later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=5)
    assert len(read(ParquetSink(tmp_path), "demo.Model", since=later).frame) == 0
    earlier = later - datetime.timedelta(days=2)
    assert len(read(ParquetSink(tmp_path), "demo.Model", since=earlier).frame) == 6
    assert len(read(ParquetSink(tmp_path), "other.Model").frame) == 0


class Stuck:
    """A sink that blocks until released: the queue fills behind it."""

    def __init__(self) -> None:
        import threading

        self.release = threading.Event()
        self.rows = 0

    def write(self, model, fitting, data) -> None:
        self.release.wait(10)
        self.rows += data.num_rows


def test_a_full_queue_drops_and_counts_and_never_blocks() -> None:
    sink = Stuck()
    log = PredictionLog(sink, queue_size=5, flush_seconds=0.01, max_per_second=1e9).start()
    frame, predictions = rows(1), np.array([1.0])
    log.log("demo.Model", 1, frame, predictions)
    time.sleep(0.1)  # the writer holds the first request, blocked in the sink
    started = time.perf_counter()
    accepted = sum(log.log("demo.Model", 1, frame, predictions) for _ in range(1000))
    elapsed = time.perf_counter() - started
    assert accepted == 5 and log.dropped["queue"] == 995
    assert elapsed < 0.5  # 1000 calls, never waiting on the stuck sink
    sink.release.set()
    log.close()
    assert sink.rows == 6


class Down:
    def __repr__(self) -> str:
        return "Down()"

    def write(self, model, fitting, data) -> None:
        raise ConnectionError("connection refused")


def test_a_sink_that_is_down_is_a_warning_and_a_counter(caplog) -> None:
    log = PredictionLog(Down(), flush_seconds=0.02).start()
    with caplog.at_level(logging.WARNING, logger="lore.monitoring.log"):
        log_some(log, 10)
        time.sleep(0.2)
        log_some(log, 10)
        log.close()
    assert log.sink_errors >= 1 and log.dropped["sink"] == 20 and log.written == 0
    warnings = [record.getMessage() for record in caplog.records]
    assert len(warnings) == 1  # once a minute at most, not once a batch
    assert "prediction log Down() failed" in warnings[0] and "connection refused" in warnings[0]


def test_requests_predicted_together_are_one_entry_and_the_same_rows() -> None:
    columns = {"age": np.array([1.0, 2.0, 3.0, 4.0]), "city": ["oslo", None, "lima", "oslo"]}
    predictions = np.array(["a", "b", "a", "a"], dtype=object)
    probabilities = np.array([[0.9, 0.1], [0.2, 0.8], [0.7, 0.3], [0.6, 0.4]])
    bounds = {"r1": (0, 1), "r2": (1, 3), "r3": (3, 4)}
    apart = [
        Logged(
            "demo.Model",
            2,
            name,
            0.0,
            {column: values[start:stop] for column, values in columns.items()},
            predictions[start:stop],
            probabilities[start:stop],
        )
        for name, (start, stop) in bounds.items()
    ]
    together = Logged("demo.Model", 2, list(bounds), 0.0, columns, predictions, probabilities, [1, 2, 1])
    assert together.requests == 3
    assert arrow([together]).equals(arrow(apart))
    assert arrow([apart[0], together]).column("row").to_pylist() == [0, 0, 0, 1, 0]


def test_an_entry_of_several_requests_is_dropped_and_counted_as_each() -> None:
    columns = {"age": np.array([1.0, 2.0, 3.0])}
    sink = Stuck()
    log = PredictionLog(sink, queue_size=1)
    assert log.put("demo.Model", 1, columns, np.array([1, 0, 1]), None, ["a", "b"], [1, 2])
    assert not log.put("demo.Model", 1, columns, np.array([1, 0, 1]), None, ["c", "d"], [2, 1])
    assert log.dropped["queue"] == 2
    down = PredictionLog(Down())
    down.write([Logged("demo.Model", 1, ["a", "b"], 0.0, columns, np.array([1, 0, 1]), None, [1, 2])])
    assert down.dropped["sink"] == 2 and down.sink_errors == 1


def test_a_batch_job_waits_for_room_and_every_chunk_is_written(tmp_path) -> None:
    log = PredictionLog(ParquetSink(tmp_path), queue_size=2, flush_seconds=30).start()
    started = time.perf_counter()
    for index in range(10):  # a full queue wakes the writer: no waiting for flush_seconds
        assert log.log("demo.Model", 1, rows(2, start=2 * index), np.array([1, 0]), block=True)
    assert time.perf_counter() - started < 20
    log.close()
    assert log.written == 20 and not log.dropped
    assert sorted(read(ParquetSink(tmp_path), "demo.Model").frame["age"]) == list(range(20))


def test_sampling_and_the_rate_cap() -> None:
    sink = Stuck()
    sink.release.set()
    log = PredictionLog(sink, sample=0.5, queue_size=100_000)
    kept = sum(log.log("m", 1, rows(1), [1.0]) for _ in range(2000))
    assert 850 < kept < 1150
    capped = PredictionLog(sink, max_per_second=10)
    assert sum(capped.log("m", 1, rows(1), [1.0]) for _ in range(50)) <= 20  # two seconds at most
    assert capped.dropped["rate"] >= 30
    by_rows = PredictionLog(sink, max_rows_per_second=2_500)
    kept = sum(by_rows.log("m", 1, rows(1_000), [1.0] * 1_000) for _ in range(30))
    assert 3 <= kept <= 6 and by_rows.dropped["rate"] == 30 - kept  # three a second, two seconds at most


def test_postgres_sink(postgres_url: str) -> None:
    import sqlalchemy as sa

    sink = SQLSink(postgres_url)
    engine, table = sink.table()
    with engine.begin() as connection:
        connection.execute(sa.delete(table).where(table.c.model == "test_log.Model"))
    log = PredictionLog(sink, flush_seconds=0.05).start()
    for index in range(5):
        log.log(
            "test_log.Model",
            4,
            rows(2),
            np.array(["a", "b"]),
            np.array([[0.9, 0.1], [0.3, 0.7]]),
            f"q{index}",
        )
    log.close()
    assert log.written == 10, log.dropped
    logs = read(sink, "test_log.Model")
    frame = logs.frame
    assert len(frame) == 10 and frame["prediction"].tolist()[:2] == ["a", "b"]
    assert pd.Timestamp(frame["seen"].iloc[1]) == pd.Timestamp("2026-01-01 01:00")  # text in JSON
    assert logs.probabilities[1].tolist() == [0.3, 0.7] and (frame["fitting"] == 4).all()
    assert fittings(sink, "test_log.Model") == {4: 10}
    with engine.begin() as connection:
        connection.execute(sa.delete(table).where(table.c.model == "test_log.Model"))


def test_parquet_on_s3(s3_endpoint: str, project, monkeypatch) -> None:
    import boto3

    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket="lore-logs")
    monkeypatch.setenv("LORE_S3_BUCKET", "lore-logs")
    monkeypatch.setenv("LORE_S3_ENDPOINT_URL", s3_endpoint)
    sink = LogSettings.from_config({"LORE_PREDICTION_LOG_S3": "1"}).sink_object()
    log = PredictionLog(sink, flush_seconds=0.05).start()
    log_some(log, 4)
    log.close()
    assert log.written == 12, log.dropped
    assert len(read(sink, "demo.Model").frame) == 12
    assert fittings(sink, "demo.Model") == {2: 12}


def test_settings_from_config(project) -> None:
    (project / "config" / "monitoring.cfg").write_text("[LOG]\nsink: postgres\nsample: 0.25\nqueue: 50\n")
    settings = LogSettings.from_config({})
    assert (settings.sink, settings.sample, settings.queue) == ("postgres", 0.25, 50)
    assert LogSettings.from_config({"LORE_PREDICTION_LOG": "off"}).sink_object() is None
    default = LogSettings.from_config({"LORE_PREDICTION_LOG": "parquet"}).sink_object()
    assert default.path == project / "data" / "predictions"
    with pytest.raises(ConfigError, match="sink 'kafka' is unknown"):
        LogSettings.from_config({"LORE_PREDICTION_LOG": "kafka"})
    (project / "config" / "monitoring.cfg").write_text("[LOG]\nsinks: parquet\n")
    with pytest.raises(Exception, match="unknown key 'sinks'"):
        LogSettings.from_config({})
