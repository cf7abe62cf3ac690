"""Step: keyword hyperparameters, execute, and persistence that is right by construction."""

from __future__ import annotations

import tempfile
from pathlib import Path
from unittest import TestCase

import numpy as np
import pandas as pd

from lore.workflow import Step


class Split(Step):
    """Splits a frame by a percentile of one column."""

    def __init__(self, column_name="visitorid", train_percentile=90):
        self.column_name = column_name
        self.train_percentile = train_percentile

    def execute(self, df):
        column = df[self.column_name]
        split_value = np.percentile(column, self.train_percentile)
        return df[column < split_value], df[column >= split_value]


class TestStep(TestCase):
    def setUp(self):
        values = np.r_[:100]
        self.df = pd.DataFrame({"visitorid": values, "anotherid": values[::-1]})
        self.folder = Path(tempfile.mkdtemp())

    def test_execute_defaults(self):
        train, test = Split().execute(self.df)
        self.assertEqual(len(train), 90)
        self.assertEqual(test.visitorid.min(), 90)

    def test_parameters_and_repr(self):
        self.assertEqual(Split.parameters(), ["column_name", "train_percentile"])
        self.assertEqual(
            repr(Split(train_percentile=50)), "Split(column_name='visitorid', train_percentile=50)"
        )

    def test_execute_persist_writes_each_frame_as_parquet_and_loads_back(self):
        step = Split()
        train, test = step.execute_persist(self.folder / "split", self.df)
        files = sorted(path.name for path in (self.folder / "split").iterdir())
        self.assertIn("result.0.parquet", files)
        self.assertIn("result.1.parquet", files)
        loaded_train, loaded_test = step.load(self.folder / "split")
        pd.testing.assert_frame_equal(loaded_train, train)
        pd.testing.assert_frame_equal(loaded_test, test)

    def test_arrays_and_estimators_use_native_formats(self):
        from sklearn.preprocessing import LabelEncoder

        step = Step()
        step.persist(
            self.folder / "mixed", {"codes": np.arange(5), "encoder": LabelEncoder().fit(["a", "b"])}
        )
        names = {path.suffix for path in (self.folder / "mixed").iterdir()}
        self.assertTrue({".npy", ".skops"} <= names)
        loaded = step.load(self.folder / "mixed")
        np.testing.assert_array_equal(loaded["codes"], np.arange(5))
        self.assertEqual(list(loaded["encoder"].classes_), ["a", "b"])

    def test_base_execute_must_be_implemented(self):
        with self.assertRaisesRegex(NotImplementedError, "must implement execute"):
            Step().execute()
