"""``lore monitor``: one clear line for each mistake; a table, a report and an exit status."""

from __future__ import annotations

import click
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from lore.cli import main
from lore.cli.monitor import CROSSED, parse_since, read_labels

MODEL = """
import numpy as np
import pandas as pd

import lore.estimators
import lore.models
import lore.pipelines
from lore.encoders import Boolean, Norm, Unique


class Users(lore.pipelines.TrainTestSplit):
    def get_data(self):
        rng = np.random.default_rng(0)
        frame = pd.DataFrame({"age": rng.normal(40, 10, 600).round()})
        frame["plan"] = rng.choice(["free", "pro"], 600)
        frame["subscribed"] = (frame["age"] > 40) | (frame["plan"] == "pro")
        return frame

    def get_encoders(self):
        return (Norm("age"), Unique("plan"))

    def get_output_encoder(self):
        return Boolean("subscribed")


class Subscribers(lore.models.Base):
    def __init__(self):
        super().__init__(pipeline=Users(), estimator=lore.estimators.XGBoost(n_estimators=10, max_depth=3))
"""


@pytest.fixture
def served(project):
    """A fitted model with a day of logged predictions: ``(model, request ids)``."""
    (project / "demo_app" / "models.py").write_text(MODEL)
    from demo_app.models import Subscribers

    from lore.monitoring.log import ParquetSink, PredictionLog

    model = Subscribers()
    model.fit()
    log = PredictionLog(ParquetSink(project / "data" / "predictions"), flush_seconds=0.05).start()
    rng = np.random.default_rng(1)
    ids = []
    for number in range(50):
        rows = pd.DataFrame({"age": rng.normal(40, 10, 4).round(), "plan": rng.choice(["free", "pro"], 4)})
        ids.append(f"q{number}")
        log.log(model.name(), model.fitting, rows, model.predict(rows), model.predict_proba(rows), ids[-1])
    log.close()
    return model, ids


def run(*args: str) -> tuple[int, str]:
    runner = CliRunner()
    with runner.isolation() as (out, err, _):
        status = main(list(args))
    return status, out.getvalue().decode() + err.getvalue().decode()


def test_a_healthy_model_exits_0_with_a_table_and_a_report(served, project) -> None:
    status, output = run("monitor", "demo_app.models.Subscribers")
    assert status == 0, output
    assert "200 predictions" in output and "age" in output and "plan" in output and "ALERT" not in output
    assert "accuracy: reference" in output
    assert (project / "reports" / "monitor" / "demo_app.models.Subscribers" / "report.html").is_file()


def test_labels_give_the_realised_accuracy(served, project, tmp_path) -> None:
    _, ids = served
    labels = pd.DataFrame({"request_id": np.repeat(ids, 4), "row": np.tile(np.arange(4), len(ids))})
    labels["subscribed"] = False  # every outcome negative: the realised accuracy collapses
    labels.to_csv(tmp_path / "outcomes.csv", index=False)
    status, output = run("monitor", "demo_app.models.Subscribers", "--labels", str(tmp_path / "outcomes.csv"))
    assert status == CROSSED, output
    assert "realised on 200 labelled rows" in output and "ALERT realised accuracy" in output


def test_a_shift_exits_3(served, project) -> None:
    model, _ = served
    from lore.monitoring.log import ParquetSink, PredictionLog

    log = PredictionLog(ParquetSink(project / "data" / "predictions")).start()
    old = pd.DataFrame({"age": np.full(400, 90.0), "plan": "pro"})
    log.log(model.name(), model.fitting, old, model.predict(old), model.predict_proba(old), "old")
    log.close()
    status, output = run("monitor", "demo_app.models.Subscribers", "--since", "1d")
    assert status == CROSSED and "ALERT age drifted" in output


def test_a_few_shifted_requests_are_too_few_to_judge(served, project) -> None:
    model, _ = served
    status, output = run("monitor", "demo_app.models.Subscribers", "--since", "1d")
    assert status == 0 and "too few to judge" not in output, output  # 200 rows are judged
    with open(project / "config" / "monitoring.cfg", "a") as stream:
        stream.write("\n[DRIFT]\nmin_rows: 500\n")
    from lore.monitoring.log import ParquetSink, PredictionLog

    log = PredictionLog(ParquetSink(project / "data" / "predictions")).start()
    old = pd.DataFrame({"age": np.full(100, 90.0), "plan": "pro"})
    log.log(model.name(), model.fitting, old, model.predict(old), model.predict_proba(old), "old")
    log.close()
    status, output = run("monitor", "demo_app.models.Subscribers", "--since", "1d")
    assert status == 0 and "ALERT" not in output, output
    assert "300 rows are too few to judge (fewer than 500; [DRIFT] min_rows" in output


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--since", "a week"], "'a week' is not a duration; write a number and a unit"),
        (
            ["--fitting", "7"],
            "fitting 7 of demo_app.models.Subscribers has no logged predictions; logged: [1]",
        ),
        (["--labels", "missing.csv"], "no labels file missing.csv"),
    ],
)
def test_mistakes_are_one_line(served, args, words) -> None:
    status, output = run("monitor", "demo_app.models.Subscribers", *args)
    assert status in (1, 2) and words in output and "Traceback" not in output


def test_nothing_logged_says_how_to_get_logs(project) -> None:
    (project / "demo_app" / "models.py").write_text(MODEL)
    status, output = run("monitor", "demo_app.models.Subscribers")
    assert status == 1 and "no predictions of demo_app.models.Subscribers logged since" in output
    assert "serve it with lore api" in output
    (project / "config" / "monitoring.cfg").write_text("[LOG]\nsink: off\n")
    status, output = run("monitor", "demo_app.models.Subscribers")
    assert status == 1 and "the prediction log is off" in output


def test_labels_without_a_request_id(served, tmp_path) -> None:
    pd.DataFrame({"id": ["q1"], "subscribed": [True]}).to_csv(tmp_path / "bad.csv", index=False)
    status, output = run("monitor", "demo_app.models.Subscribers", "--labels", str(tmp_path / "bad.csv"))
    assert status == 1 and "the labels have no request_id column (they have id, subscribed)" in output


def test_prune_deletes_old_days_first(served, project, monkeypatch) -> None:
    import shutil

    (today,) = (project / "data" / "predictions").glob("model=*/fitting=1/day=*")
    old = today.with_name("day=2020-01-01")
    shutil.copytree(today, old)
    status, output = run("monitor", "demo_app.models.Subscribers", "--prune")
    assert (
        status == 1 and "--prune deletes Parquet day partitions older than keep_days; set keep_days" in output
    )
    monkeypatch.setenv("LORE_PREDICTION_LOG_KEEP_DAYS", "30")
    status, output = run("monitor", "demo_app.models.Subscribers", "--since", "10000d", "--prune")
    assert status == 0, output
    assert "Pruned 1 day partitions older than 30 days" in output and "200 predictions" in output
    assert today.is_dir() and not old.exists()


def test_the_reference_comes_from_s3_when_the_fitting_is_not_here(
    served, project, monkeypatch, s3_endpoint
) -> None:
    import shutil

    import boto3

    import lore.stores

    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket="lore-models")
    monkeypatch.setenv("LORE_S3_BUCKET", "lore-models")
    monkeypatch.setenv("LORE_S3_ENDPOINT_URL", s3_endpoint)
    model, _ = served
    lore.stores.model_store().upload(model.name(), model.fitting)
    shutil.rmtree(project / "models")  # a monitoring machine: logs, and the fittings only in S3
    status, output = run("monitor", "demo_app.models.Subscribers")
    assert status == 0, output
    assert "200 predictions" in output and "accuracy: reference" in output
    assert not (project / "models").exists()  # the reference alone was read, nothing downloaded


def test_parse_since() -> None:
    assert parse_since("2w").days == 14
    with pytest.raises(click.BadParameter):
        parse_since("7 days")
    with pytest.raises(Exception, match="no labels file"):
        read_labels("nowhere.parquet")
