"""Workflow: stages persisted, reused while unchanged, resumable, mirrored to S3."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from unittest import TestCase

import pandas as pd
import pytest

from lore.errors import WorkflowError
from lore.workflow import Stage, Step, Workflow, persistence

CALLS: list[str] = []


class Make(Step):
    def __init__(self, rows=5):
        self.rows = rows

    def execute(self):
        CALLS.append("make")
        return pd.DataFrame({"value": range(self.rows)})


class Double(Step):
    def execute(self, df):
        CALLS.append("double")
        return df.assign(value=df.value * 2)


class First(Stage):
    steps = {"make": Make}


class Second(Stage):
    steps = {"double": Double}


class Flow(Workflow):
    stages = {"first": First, "second": Second}


class TestWorkflow(TestCase):
    def setUp(self):
        CALLS.clear()
        self.path = Path(tempfile.mkdtemp())

    def test_runs_then_reuses_unchanged_stages(self):
        result = Flow(path=self.path).run()
        self.assertEqual(result.value.tolist(), [0, 2, 4, 6, 8])
        self.assertEqual(CALLS, ["make", "double"])
        again = Flow(path=self.path)
        pd.testing.assert_frame_equal(again.run(), result)
        self.assertEqual(CALLS, ["make", "double"])
        self.assertEqual([r.reused for r in again.report], [True, True])

    def test_changed_config_reruns_that_stage_and_those_after(self):
        Flow(path=self.path).run()
        CALLS.clear()
        result = Flow({"first": {"make": {"rows": 2}}}, path=self.path).run()
        self.assertEqual(CALLS, ["make", "double"])
        self.assertEqual(result.value.tolist(), [0, 2])

    def test_from_stage_reads_earlier_results_and_reruns_the_rest(self):
        Flow(path=self.path).run()
        CALLS.clear()
        Flow(path=self.path).run(from_stage="second")
        self.assertEqual(CALLS, ["double"])

    def test_from_stage_without_earlier_results_is_a_clear_error(self):
        with self.assertRaisesRegex(WorkflowError, "cannot start after stage 'first'"):
            Flow(path=self.path).run(from_stage="second")

    def test_unknown_stage_names(self):
        with self.assertRaisesRegex(WorkflowError, "no stage 'third'; its stages are: first, second"):
            Flow({"third": {}}, path=self.path)
        with self.assertRaisesRegex(WorkflowError, "no stage 'third'"):
            Flow(path=self.path).run(from_stage="third")

    def test_corrupt_persisted_result_is_recomputed_with_a_warning(self):
        Flow(path=self.path).run()
        parquet = next((self.path / "first" / "result").glob("*.parquet"))
        parquet.write_bytes(b"garbage")
        CALLS.clear()
        with self.assertLogs("lore.workflow", logging.WARNING) as logs:
            result = Flow(path=self.path).run()
        self.assertIn("corrupt", "\n".join(logs.output))
        self.assertEqual(CALLS, ["make"])  # second stage's inputs are unchanged
        self.assertEqual(result.value.tolist(), [0, 2, 4, 6, 8])


@pytest.mark.s3
def test_stages_travel_through_s3_to_another_machine(s3_endpoint, project, monkeypatch):
    import boto3

    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket="flows")
    monkeypatch.setenv("LORE_S3_BUCKET", "flows")
    monkeypatch.setenv("LORE_S3_ENDPOINT_URL", s3_endpoint)
    CALLS.clear()
    Flow(path=project / "machine_a", remote="runs/flow").run()
    CALLS.clear()
    elsewhere = Flow(path=project / "machine_b", remote="runs/flow")
    result = elsewhere.run()
    assert CALLS == [] and [r.reused for r in elsewhere.report] == [True, True]
    assert result.value.tolist() == [0, 2, 4, 6, 8]
    assert persistence.exists(project / "machine_b" / "second" / "result")
