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


def test_missing_dependency_inside_a_project_names_the_requirements_line(project):
    requirements = project / "requirements.txt"
    requirements.write_text("lorem-ipsum==1\nlore-ml[sql,names]\nnumpy\n")
    message = str(MissingDependency("fastapi", "api", "lore api"))
    assert message == (
        f"fastapi is needed for lore api: change lore-ml[sql,names] to lore-ml[api,names,sql] "
        f"in {requirements}, then run `lore install`"
    )
    assert "already asks for lore-ml[sql]; run `lore install`" in str(MissingDependency("sqlalchemy", "sql"))
    requirements.write_text("numpy\n")  # lore is not among them: the plain pip advice
    assert str(MissingDependency("redis", "redis")).endswith('pip install "lore-ml[redis]"')


def test_missing_column_is_a_key_error_with_a_readable_message():
    error = MissingColumn("no column 'age'; columns are: name")
    assert isinstance(error, KeyError) and str(error) == "no column 'age'; columns are: name"
