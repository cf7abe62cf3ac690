"""lore.errors: one tree, documented at the top of the module."""

from __future__ import annotations

import inspect

import lore.errors
from lore.errors import LoreError, MissingColumn, MissingDependency


def test_every_error_is_a_lore_error_and_documented_in_the_tree():
    doc = lore.errors.__doc__
    for name, value in vars(lore.errors).items():
        if inspect.isclass(value) and issubclass(value, Exception) and value.__module__ == "lore.errors":
            assert issubclass(value, LoreError)
            assert name in doc, f"{name} is missing from the tree in lore/errors.py"


def test_missing_dependency_names_the_extra():
    assert str(MissingDependency("xgboost", "xgboost", "boosted models")) == (
        'xgboost is needed for boosted models: pip install "lore-ml[xgboost]"'
    )


def test_missing_column_is_a_key_error_with_a_readable_message():
    error = MissingColumn("no column 'age'; columns are: name")
    assert isinstance(error, KeyError) and str(error) == "no column 'age'; columns are: name"
