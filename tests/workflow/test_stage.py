"""Stage: config checked before anything runs, steps recorded, failures named."""

from __future__ import annotations

import tempfile
from pathlib import Path
from unittest import TestCase

import pandas as pd

from lore.errors import StepFailed, WorkflowError
from lore.workflow import Stage, Step, persistence


class Load(Step):
    def __init__(self, rows=10):
        self.rows = rows

    def execute(self):
        return pd.DataFrame({"score": range(self.rows)})


class Filter(Step):
    def __init__(self, min_score=5):
        self.min_score = min_score

    def execute(self, df):
        return df[df.score >= self.min_score]


class Explode(Step):
    def execute(self, df):
        raise ValueError("bad data")


class Pipeline(Stage):
    steps = {"load": Load, "score_filter": Filter}


class Broken(Stage):
    steps = {"load": Load, "score_filter": Filter, "explode": Explode}


class TestStage(TestCase):
    def test_chains_steps_and_records_time_and_shape(self):
        stage = Pipeline({"score_filter": {"min_score": 8}})
        result = stage.execute()
        self.assertEqual(result.score.tolist(), [8, 9])
        self.assertEqual(
            [(r.name, r.shape) for r in stage.report],
            [
                ("load", "DataFrame(10x1)"),
                ("score_filter", "DataFrame(2x1)"),
            ],
        )
        self.assertTrue(all(r.seconds >= 0 for r in stage.report))

    def test_a_key_that_names_no_step_is_an_error_before_running(self):
        with self.assertRaisesRegex(
            WorkflowError, "no step 'event_filter'; its steps are: load, score_filter"
        ):
            Pipeline({"event_filter": {"min_score": 10}})

    def test_a_parameter_the_step_does_not_accept_is_named(self):
        with self.assertRaisesRegex(
            WorkflowError,
            "step 'score_filter' \\(Filter\\) has no parameter 'minimum'; it accepts: min_score",
        ):
            Pipeline({"score_filter": {"minimum": 10}})

    def test_config_must_be_nested_dicts(self):
        with self.assertRaisesRegex(WorkflowError, "must be a dict of parameters"):
            Pipeline({"load": 10})

    def test_a_failing_step_is_named_and_earlier_results_are_kept(self):
        folder = Path(tempfile.mkdtemp())
        with self.assertRaisesRegex(
            StepFailed, "stage Broken, step 'explode' \\(Explode\\) failed: ValueError: bad data"
        ):
            Broken().execute_persist(folder)
        self.assertEqual(len(persistence.load(folder / "steps" / "load")), 10)
        self.assertEqual(len(persistence.load(folder / "steps" / "score_filter")), 5)
        self.assertFalse(persistence.exists(folder / "result"))

    def test_execute_persist_then_load(self):
        folder = Path(tempfile.mkdtemp())
        stage = Pipeline()
        result = stage.execute_persist(folder)
        pd.testing.assert_frame_equal(stage.load(folder / "result"), result)

    def test_fingerprint_follows_config(self):
        self.assertEqual(Pipeline().fingerprint(), Pipeline().fingerprint())
        self.assertNotEqual(Pipeline().fingerprint(), Pipeline({"load": {"rows": 3}}).fingerprint())
