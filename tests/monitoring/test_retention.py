"""Retention of the Parquet prediction log: old day partitions go, locally and in S3."""

from __future__ import annotations

import datetime
import time

import pandas as pd
import pytest

from lore.errors import ConfigError
from lore.monitoring.log import LogSettings, ParquetSink, PredictionLog, read
from lore.monitoring.retention import cutoff, prune

TODAY = datetime.date(2026, 11, 27)
DAYS = ("2026-11-01", "2026-11-19", "2026-11-20", "2026-11-26", "2026-11-27")


def partitions(folder) -> list[str]:
    return sorted(path.relative_to(folder).as_posix() for path in folder.glob("model=*/fitting=*/day=*"))


def make_days(folder, days=DAYS, models=("a.Model", "b.Model")) -> None:
    for model in models:
        for day in days:
            partition = folder / f"model={model}" / "fitting=1" / f"day={day}"
            partition.mkdir(parents=True)
            (partition / "000000-x.parquet").write_bytes(b"rows")


def test_keep_days_keeps_the_last_days_of_every_model(tmp_path) -> None:
    make_days(tmp_path)
    removed = prune(tmp_path, 7, today=TODAY)
    assert removed == [f"model={model}.Model/fitting=1/day={day}" for model in "ab" for day in DAYS[:2]]
    assert partitions(tmp_path) == [
        f"model={model}.Model/fitting=1/day={day}" for model in "ab" for day in DAYS[2:]
    ]
    assert not list(tmp_path.rglob(".pruned-*"))  # nothing hidden left behind
    left = tmp_path / "model=a.Model" / "fitting=1" / ".pruned-day=2026-10-01-0a1b2c3d"
    left.mkdir()  # a prune killed halfway: removed by the next
    assert prune(tmp_path, 7, today=TODAY) == [] and not left.exists()


def test_today_and_yesterday_always_stay(tmp_path) -> None:
    make_days(tmp_path, models=("a.Model",))
    prune(tmp_path, 1, today=TODAY)
    assert partitions(tmp_path) == [
        "model=a.Model/fitting=1/day=2026-11-26",
        "model=a.Model/fitting=1/day=2026-11-27",
    ]
    with pytest.raises(ValueError, match="1 or more"):
        cutoff(0)


def test_the_writer_prunes_once_a_day(tmp_path) -> None:
    old = str(datetime.datetime.now(datetime.timezone.utc).date() - datetime.timedelta(days=30))
    make_days(tmp_path, days=(old,), models=("demo.Model",))
    sink = ParquetSink(tmp_path, keep_days=7)
    log = PredictionLog(sink, flush_seconds=0.05).start()
    log.log("demo.Model", 1, pd.DataFrame({"age": [30]}), [True])
    log.close()
    sink.pruning.join(30)
    assert [path.split("/")[-1] for path in partitions(tmp_path)] == [
        f"day={time.strftime('%Y-%m-%d', time.gmtime())}"
    ]
    assert len(read(ParquetSink(tmp_path), "demo.Model").frame) == 1
    make_days(tmp_path, days=(old,), models=("demo.Model",))
    sink.prune_daily()  # already pruned today: no second listing
    assert len(partitions(tmp_path)) == 2


def test_a_failing_prune_is_a_warning(tmp_path, monkeypatch, caplog) -> None:
    sink = ParquetSink(tmp_path, keep_days=3)
    monkeypatch.setattr(sink, "prune", lambda: 1 / 0)
    sink.prune_daily()
    sink.pruning.join(30)
    assert "pruning the prediction log" in caplog.text and sink.pruned


def test_keep_days_settings(project) -> None:
    assert LogSettings.from_config({}).keep_days is None
    settings = LogSettings.from_config({"LORE_PREDICTION_LOG_KEEP_DAYS": "30"})
    assert settings.keep_days == 30 and settings.sink_object().keep_days == 30
    (project / "config" / "monitoring.cfg").write_text("[LOG]\nkeep_days: 14\n")
    assert LogSettings.from_config({}).keep_days == 14
    for wrong in ("0", "1.5", "week"):
        with pytest.raises(ConfigError, match="whole number of days"):
            LogSettings.from_config({"LORE_PREDICTION_LOG_KEEP_DAYS": wrong})
    with pytest.raises(ConfigError, match="applies to the parquet sink"):
        LogSettings.from_config({"LORE_PREDICTION_LOG": "postgres"})


def test_prune_in_s3_and_its_local_copy(s3_endpoint: str, project, monkeypatch) -> None:
    import boto3

    import lore.s3

    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket="lore-logs")
    monkeypatch.setenv("LORE_S3_BUCKET", "lore-logs")
    monkeypatch.setenv("LORE_S3_ENDPOINT_URL", s3_endpoint)
    remote = lore.s3.remote()
    for model in ("a.Model", "b.Model"):
        for day in DAYS:
            remote.put_bytes(f"predictions/model={model}/fitting=1/day={day}/000000-x.parquet", b"rows")
    remote.put_bytes("predictions-other/model=a.Model/fitting=1/day=2026-11-01/000000-x.parquet", b"rows")
    cache = project / "data" / "predictions-cache"
    make_days(cache, models=("a.Model",))
    removed = prune("predictions", 7, s3=True, today=TODAY)
    assert removed == [
        f"model={model}/fitting=1/day={day}" for model in ("a.Model", "b.Model") for day in DAYS[:2]
    ]
    left = remote.list("predictions")
    assert len(left) == 6 and not any("2026-11-19" in key or "2026-11-01" in key for key in left)
    assert remote.list("predictions-other")  # another log, not under this path
    assert remote.folders("predictions") == ["predictions/model=a.Model", "predictions/model=b.Model"]
    assert remote.folders("predictions/model=a.Model/fitting=1") == [
        f"predictions/model=a.Model/fitting=1/day={day}" for day in DAYS[2:]
    ]
    assert partitions(cache) == [f"model=a.Model/fitting=1/day={day}" for day in DAYS[2:]]
