"""Workflow stages run as cluster tasks; each persisted result also goes to S3 (moto over HTTP)."""

from __future__ import annotations

import os

import pytest

from lore.workflow import Stage, Step, Workflow, persistence


class Where(Step):
    def execute(self, value=()):
        return [*value, os.getpid()]


class Record(Stage):
    steps = {"where": Where}


def _configure(settings: dict[str, str | None]) -> None:
    for name, value in settings.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


class Flow(Workflow):
    stages = {"first": Record, "second": Record}


@pytest.mark.s3
def test_stages_run_on_workers_and_persist_to_s3(project, s3_endpoint, on_cluster, by_value, monkeypatch):
    import boto3

    by_value(__name__)
    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket="flows")
    settings = {"LORE_S3_BUCKET": "flows", "LORE_S3_ENDPOINT_URL": s3_endpoint}
    settings |= {name: os.environ[name] for name in os.environ if name.startswith("AWS_")}
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    on_cluster.run(_configure, settings)  # the workers' own S3 configuration
    try:
        flow = Flow(path=project / "machine_a", remote="runs/flow")
        pids = flow.run()
        workers = set(on_cluster.run(os.getpid).values())
    finally:
        on_cluster.run(_configure, dict.fromkeys(settings))
    assert len(pids) == 2 and set(pids) <= workers and os.getpid() not in pids
    assert persistence.exists(project / "machine_a" / "second" / "result")
    # another machine without the cluster reads both results from S3, running nothing
    monkeypatch.delenv("LORE_CLUSTER")
    elsewhere = Flow(path=project / "machine_b", remote="runs/flow")
    assert elsewhere.run() == pids
    assert [record.reused for record in elsewhere.report] == [True, True]
