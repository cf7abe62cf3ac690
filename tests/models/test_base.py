from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

import lore.env
import lore.estimators
import lore.models
from lore.errors import FittingNotFound, MissingColumn, ModelError, NotFittedError, UnknownParameter
from lore.models import metadata

PIPELINES: dict[str, Any] = {}


class Boosted(lore.models.Base):
    def __init__(self, **params: Any) -> None:
        super().__init__(pipeline=PIPELINES["classifier"](), estimator=lore.estimators.XGBoost(**params))


class Interrupted(Boosted):
    def evaluate(self, x: Any, y: Any) -> dict[str, float]:
        raise KeyboardInterrupt("stopped after the estimator trained")


@pytest.fixture(autouse=True)
def _pipelines(pipelines: tuple, project) -> None:
    PIPELINES["classifier"], PIPELINES["regressor"] = pipelines[:2]


@pytest.fixture
def history_on(project) -> None:
    """The opt-in SQL history of fittings, in a SQLite file of the project."""
    url = f"sqlite:///{project / 'history.sqlite'}"
    (project / "config" / "database.cfg").write_text(f"[METADATA]\nurl: {url}\n")


@pytest.fixture
def fitted() -> Boosted:
    model = Boosted(num_boost_round=20)
    model.fit()
    return model


def test_fit_writes_a_complete_fitting(fitted: Boosted, project) -> None:
    folder = project / "models" / Boosted.name() / "1"
    assert fitted.fitting == 1
    assert {"model.json", "manifest.json", "pipeline.serializer.json"} <= {p.name for p in folder.iterdir()}
    assert (folder / "estimator" / "native.ubj").is_file()
    record = json.loads((folder / "model.json").read_text())
    assert set(record["metrics"]) == {"train", "validation", "test"}
    assert {"data", "fit", "evaluate", "save"} <= set(record["timings"])
    assert record["params"]["num_boost_round"] == 20
    assert "code_version" in record and {"xgboost", "xgboost-cpu"} & set(record["packages"])
    assert record["data_signature"]
    assert fitted.metrics["validation"]["accuracy"] > 0.8


def test_one_record_per_fitting(fitted: Boosted, project) -> None:
    folder = project / "models" / Boosted.name() / "1"
    record = json.loads((folder / "model.json").read_text())
    manifest = json.loads((folder / "manifest.json").read_text())
    assert "metadata" not in manifest and "model.json" in {entry["path"] for entry in manifest["files"]}
    from lore.stores import model_store

    assert model_store().get(Boosted.name(), 1).metadata == record  # the store lists the record
    assert not (project / "data" / "metadata.sqlite").exists()  # the SQL history is opt-in


def test_fit_is_recorded_in_the_metadata_database_when_on(history_on, project) -> None:
    model = Boosted(num_boost_round=5)
    model.fit()
    (row,) = metadata.history(Boosted.name())
    assert row["fitting"] == 1 and row["metrics"]["test"] == model.metrics["test"]
    record = json.loads((project / "models" / Boosted.name() / "1" / "model.json").read_text())
    assert row["params"] == record["params"]  # the row is derived from the record


def test_load_latest_number_and_alias(fitted: Boosted) -> None:
    from lore.stores import model_store

    second = Boosted(num_boost_round=5)
    second.fit()
    model_store().alias(Boosted.name(), 1, "production")
    assert Boosted.load().fitting == 2
    loaded = Boosted.load("production")
    assert loaded.fitting == 1 and isinstance(loaded, Boosted)
    x = fitted.pipeline.test_data.x
    assert np.array_equal(loaded.predict(x), fitted.predict(x))
    assert loaded.metrics == json.loads(json.dumps(fitted.metrics))


def test_predict_raw_rows_or_encoded_x(fitted: Boosted, users_frame) -> None:
    raw = users_frame.drop(columns=["subscribed"]).iloc[:50]
    encoded = fitted.pipeline.encode_x(raw)
    from_raw = fitted.predict(raw)
    assert np.array_equal(from_raw, fitted.predict(encoded))
    assert set(np.unique(from_raw)) <= {True, False}
    one = fitted.predict({"city": "oslo", "plan": "pro", "age": 30.0})
    assert len(one) == 1
    proba = fitted.predict_proba(raw)
    assert proba.shape == (50, 2) and np.allclose(proba.sum(axis=1), 1)


def test_predict_all_serves_what_predict_and_predict_proba_give(fitted: Boosted, users_frame) -> None:
    raw = users_frame.drop(columns=["subscribed"]).iloc[:40]
    labels, probabilities = fitted.predict_all(raw)
    assert np.array_equal(labels, fitted.predict(raw))
    assert np.array_equal(probabilities, fitted.predict_proba(raw))
    assert fitted.is_classifier and fitted.classes_.tolist() == [False, True]
    assert fitted.input_schema() == {"city": "string", "plan": "string", "age": "number"}
    for start in range(0, 40, 3):  # a few rows as checked columns: the small path, same answers
        rows = raw.iloc[start : start + 1 + start % 4]
        columns = {
            "city": [None if value != value else value for value in rows["city"].astype(object)],
            "plan": list(rows["plan"]),
            "age": rows["age"].to_numpy(),
        }
        one_labels, one_probabilities = fitted.predict_all(columns)
        assert np.array_equal(one_labels, labels[start : start + len(rows)])
        assert np.array_equal(one_probabilities, probabilities[start : start + len(rows)])


def test_encode_matrix_holds_the_values_of_encode_x(fitted: Boosted, users_frame) -> None:
    pipeline = fitted.pipeline
    raw = users_frame.drop(columns=["subscribed"])
    assert pipeline.encodes_matrix
    expected = pipeline.encode_x(raw).to_numpy(dtype=np.float32)
    assert np.array_equal(pipeline.encode_matrix(raw), expected)
    columns = {
        "city": ["oslo", None, "atlantis"],
        "plan": ["pro", "free", None],
        "age": np.array([1.0, np.nan, 40]),
    }
    import pandas as pd

    assert np.array_equal(
        pipeline.encode_matrix(columns), pipeline.encode_x(pd.DataFrame(columns)).to_numpy(dtype=np.float32)
    )


def test_a_pipeline_with_its_own_encode_x_is_encoded_by_it(project) -> None:
    class Doubled(PIPELINES["classifier"]):
        def encode_x(self, frame: Any) -> Any:
            return super().encode_x(frame) * 2

    import pandas as pd

    pipeline = Doubled()
    assert not pipeline.encodes_matrix
    rows = {"city": ["oslo"], "plan": ["pro"], "age": np.array([30.0])}
    assert pipeline.encode_matrix(rows).equals(pipeline.encode_x(pd.DataFrame(rows)))


def test_a_regression_serves_numbers_without_classes(project) -> None:
    model = lore.models.XGBoost(PIPELINES["regressor"](), lore.estimators.XGBoost(num_boost_round=5))
    model.fit()
    rows = model.pipeline.data.drop(columns=["spend"]).iloc[:5]
    predictions, probabilities = model.predict_all(rows)
    assert probabilities is None and np.array_equal(predictions, model.predict(rows))
    assert not model.is_classifier and model.classes_ is None


def test_unseen_categories_are_predicted(fitted: Boosted) -> None:
    import pandas as pd

    rows = pd.DataFrame({"city": ["atlantis", "paris"], "plan": ["enterprise", "pro"], "age": [30.0, 50.0]})
    assert len(fitted.predict(rows)) == 2


def test_missing_column_is_named(fitted: Boosted, users_frame) -> None:
    with pytest.raises(MissingColumn, match="plan"):
        fitted.predict(users_frame.drop(columns=["plan"]))


def test_unfitted_model_refuses_to_predict(users_frame) -> None:
    with pytest.raises(NotFittedError, match=r"call fit\(\)"):
        Boosted().predict(users_frame)


def test_missing_pipeline_or_estimator() -> None:
    with pytest.raises(ModelError, match="needs a pipeline and an estimator"):
        lore.models.Base().fit()


def test_unknown_parameter_before_any_work(project) -> None:
    with pytest.raises(UnknownParameter, match=r"'max_dept'.*max_depth"):
        Boosted().fit(max_dept=3)
    assert not (project / "models" / Boosted.name()).exists()


def test_load_of_a_missing_fitting_lists_what_exists(fitted: Boosted) -> None:
    with pytest.raises(FittingNotFound, match=r"no fitting 7.*fittings: 1"):
        Boosted.load(7)
    with pytest.raises(FittingNotFound, match="fit the model first"):
        Interrupted.load()


def test_interrupted_fit_leaves_nothing_to_load(history_on, project) -> None:
    with pytest.raises(KeyboardInterrupt):
        Interrupted(num_boost_round=5).fit()
    with pytest.raises(FittingNotFound):
        Interrupted.load()
    folder = project / "models" / Interrupted.name()
    assert [path.name for path in folder.rglob("*") if path.is_dir()] == [".staging"]  # empty
    assert metadata.history(Interrupted.name()) == []


def test_evaluate_score_and_benchmark(fitted: Boosted) -> None:
    test = fitted.pipeline.test_data
    metrics = fitted.evaluate(test.x, test.y)
    assert metrics == fitted.metrics["test"]
    assert fitted.score(test.x, test.y) == metrics["accuracy"]
    report = fitted.benchmark()
    assert report["model"]["loss"] < report["baseline"]["loss"]
    assert report["baseline"]["auc"] == 0.5


def test_save_makes_another_fitting(fitted: Boosted) -> None:
    assert fitted.save() == 2
    assert metadata.sync(Boosted.name()) == 2  # derived from the records, whenever asked
    assert [row["fitting"] for row in metadata.history(Boosted.name())] == [1, 2]


def test_regression_model(project) -> None:
    model = lore.models.XGBoost(PIPELINES["regressor"](), lore.estimators.XGBoost(num_boost_round=30))
    metrics = model.fit()
    assert metrics["test"]["r2"] > 0.5
    with pytest.raises(ModelError, match="regression"):
        model.predict_proba(model.pipeline.test_data.x)
    predictions = model.predict(model.pipeline.test_data.x)
    assert abs(float(np.mean(predictions)) - 90) < 30  # decoded back to spend, not normalized


def test_metadata_on_postgresql(project, postgres_url: str) -> None:
    import sqlalchemy as sa

    (project / "config" / "database.cfg").write_text(f"[METADATA]\nurl: {postgres_url}\n")
    from lore.models import metadata

    metadata.history(Boosted.name(), url=postgres_url)  # makes the table on a database that has none yet
    engine = sa.create_engine(postgres_url)
    delete = sa.text("DELETE FROM fittings WHERE model = :m")
    with engine.begin() as connection:
        connection.execute(delete, {"m": Boosted.name()})
    model = Boosted(num_boost_round=3)
    model.fit()
    with engine.begin() as connection:
        rows = connection.execute(
            sa.text("SELECT fitting, metrics FROM fittings WHERE model = :m"), {"m": Boosted.name()}
        ).all()
        connection.execute(delete, {"m": Boosted.name()})
    assert [(row.fitting, row.metrics["test"]["loss"]) for row in rows] == [
        (1, model.metrics["test"]["loss"])
    ]


def test_upload_then_download_elsewhere(fitted: Boosted, project, s3_endpoint: str, monkeypatch) -> None:
    import shutil

    import boto3

    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket="team-models")
    monkeypatch.setenv("LORE_S3_BUCKET", "team-models")
    monkeypatch.setenv("LORE_S3_ENDPOINT_URL", s3_endpoint)
    assert fitted.upload() == 1
    shutil.rmtree(project / "models")
    loaded = Boosted.download()
    x = fitted.pipeline.test_data.x
    assert loaded.fitting == 1 and np.array_equal(loaded.predict(x), fitted.predict(x))
    with pytest.raises(ModelError, match="no saved fitting"):
        Boosted().upload()


class Lean(Boosted):
    metric_splits = ("validation", "test")


def test_metric_splits_can_be_narrowed(project) -> None:
    metrics = Lean(num_boost_round=3).fit()
    assert set(metrics) == {"validation", "test"}


def test_fit_saves_a_reference_profile_that_load_brings_back(fitted: Boosted, project) -> None:
    from lore.monitoring import Reference, drift

    folder = project / "models" / Boosted.name() / "1"
    assert (folder / "reference.json").is_file()  # in the manifest like every other file
    loaded = Boosted.load()
    reference = loaded.reference
    assert isinstance(reference, Reference)
    assert list(reference.inputs) == ["city", "plan", "age"]  # the raw input columns
    pipeline = fitted.pipeline
    assert reference.inputs.rows == len(pipeline.loaded_splits()["training"])
    assert set(reference.predictions["prediction"]["values"]) <= {"True", "False"}
    test = pipeline.test_data
    assert reference.labels.tolist() == test.y.tolist()
    assert np.allclose(reference.probabilities, fitted.predict_proba(test.x), atol=1e-6)
    assert not drift(reference.inputs, pipeline.loaded_splits()["test"])["drifted"].any()
    assert "reference" in loaded.timings


class Spending(lore.models.Base):
    def __init__(self) -> None:
        super().__init__(
            pipeline=PIPELINES["regressor"](), estimator=lore.estimators.XGBoost(num_boost_round=5)
        )


def test_a_regression_reference_has_no_scores(project) -> None:
    model = Spending()
    model.fit()
    assert model.reference.labels is None and model.reference.predictions["prediction"]["kind"] == "number"


class Hooked(Boosted):
    calls: list[str] = []

    def before_fit(self, **params: Any) -> None:
        self.calls.append(f"before_fit {sorted(params)}")

    def after_fit(self, **params: Any) -> None:
        self.calls.append(f"after_fit fitting={self.fitting}")

    def before_predict(self, frame: Any) -> None:
        self.calls.append(f"before_predict {len(frame)}")

    def after_predict(self, frame: Any) -> None:
        self.calls.append("after_predict")


def test_hooks_run_around_fit_and_predict(users_frame) -> None:
    model = Hooked(num_boost_round=5)
    model.fit(max_depth=2)
    model.predict(users_frame.head(3))
    assert Hooked.calls == [
        "before_fit ['max_depth']",
        "after_fit fitting=1",
        "before_predict 3",
        "after_predict",
    ]


def test_naive_model_is_the_baseline(users_frame) -> None:
    model = lore.models.Naive(PIPELINES["classifier"]())
    metrics = model.fit()
    assert metrics["test"]["auc"] == 0.5
    report = model.benchmark()
    assert report["model"] == pytest.approx(report["baseline"], rel=1e-6)  # float32 outputs
    assert model.predict(users_frame.head(4)).tolist() == [False] * 4
    regression = lore.models.Naive(PIPELINES["regressor"]())
    regression.fit()
    predictions = regression.predict(users_frame.head(2))
    assert np.allclose(predictions, predictions[0]) and 60 < predictions[0] < 120


def test_production_loads_only_fittings_signed_with_its_key(fitted: Boosted, monkeypatch) -> None:
    from lore.errors import UntrustedFitting

    monkeypatch.setenv("LORE_ENV", "production")  # the per-user key that signed it is not trusted here
    lore.env.reset()
    with pytest.raises(UntrustedFitting, match="LORE_SIGNING_KEY"):
        Boosted.load(1)
    monkeypatch.setenv("LORE_SIGNING_KEY", "p" * 40)
    lore.env.reset()
    fresh = Boosted(num_boost_round=3)
    fresh.fit()
    assert Boosted.load(fresh.fitting).fitting == fresh.fitting
    with pytest.raises(UntrustedFitting):
        Boosted.load(1)


def test_a_fit_whose_loss_is_not_finite_saves_nothing(project, monkeypatch) -> None:
    from lore.stores import model_store

    model = Boosted(num_boost_round=3)
    monkeypatch.setattr(Boosted, "evaluate", lambda self, x, y: {"loss": float("nan")})
    with pytest.raises(ModelError, match="loss is nan, so the fit diverged and nothing was saved"):
        model.fit()
    assert model_store().fittings(Boosted.name()) == []


@pytest.mark.parametrize("pipeline", ["classifier", "regressor"])
@pytest.mark.parametrize("early_stopping_rounds", [None, 3])
def test_fit_metrics_are_those_of_predicting_every_split(pipeline: str, early_stopping_rounds) -> None:
    """Outputs taken from the fit (XGBoost's caches) measure exactly as predicting each split."""
    model = lore.models.Base(
        PIPELINES[pipeline](),
        lore.estimators.XGBoost(
            num_boost_round=40, learning_rate=0.5, early_stopping_rounds=early_stopping_rounds
        ),
    )
    metrics = model.fit()
    splits = {"train": "training_data", "validation": "validation_data", "test": "test_data"}
    for name, attribute in splits.items():
        data = getattr(model.pipeline, attribute)
        assert metrics[name] == model.evaluate(data.x, data.y)  # equal, not close
    loaded = type(model).load()
    test = model.pipeline.test_data
    assert np.array_equal(
        loaded.predict_proba(test.x) if pipeline == "classifier" else loaded.predict(test.x),
        model.predict_proba(test.x) if pipeline == "classifier" else model.predict(test.x),
    )
