"""Persisted results are atomic and verified before they are read."""

from __future__ import annotations

import tempfile
from pathlib import Path
from unittest import TestCase

import pandas as pd

from lore.errors import CorruptArtifact, WorkflowError
from lore.workflow import persistence


class TestPersistence(TestCase):
    def setUp(self):
        self.path = Path(tempfile.mkdtemp()) / "result"

    def test_round_trip_keeps_structure(self):
        data = {"frame": pd.DataFrame({"a": [1, 2]}), "pair": (1, [2, "x"])}
        persistence.save(data, self.path)
        loaded = persistence.load(self.path)
        pd.testing.assert_frame_equal(loaded["frame"], data["frame"])
        self.assertEqual(loaded["pair"], (1, [2, "x"]))

    def test_a_failed_save_keeps_the_previous_result(self):
        persistence.save([1], self.path)

        class Unwritable:
            def __reduce__(self):
                raise RuntimeError("cannot pickle")

        with self.assertRaises(RuntimeError):
            persistence.save([Unwritable()], self.path)
        self.assertEqual(persistence.load(self.path), [1])
        self.assertEqual([p.name for p in self.path.parent.iterdir()], ["result"])

    def test_altered_file_is_corrupt_not_a_wrong_value(self):
        persistence.save(pd.DataFrame({"a": range(100)}), self.path)
        parquet = next(self.path.glob("*.parquet"))
        parquet.write_bytes(parquet.read_bytes()[:-10])
        with self.assertRaisesRegex(CorruptArtifact, "parquet"):
            persistence.load(self.path)

    def test_missing_result_says_what_to_run(self):
        with self.assertRaisesRegex(WorkflowError, "no persisted result"):
            persistence.load(self.path)
