from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

import lore.pipelines
from lore.encoders import Boolean, Norm, OneHot, Pass, Uniform, Unique
from lore.errors import EmptySplit, EncodingError, MissingColumn
from lore.transformers import NameAge


def users(rows: int = 100) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    return pd.DataFrame(
        {
            "first_name": pd.array(rng.choice(["Mary", "John", "Taylor", "Ann"], rows), dtype="str"),
            "plan": pd.array(rng.choice(["free", "pro"], rows), dtype="str"),
            "age": rng.integers(18, 80, rows),
            "subscribed": rng.random(rows) < 0.3,
        }
    )


class Subscribers(lore.pipelines.TrainTestSplit):
    loads = 0

    def get_data(self) -> pd.DataFrame:
        type(self).loads += 1
        return users()

    def get_encoders(self) -> tuple:
        return (Unique("first_name"), Norm(NameAge("first_name")), OneHot("plan"), Norm("age"))

    def get_output_encoder(self) -> Boolean:
        return Boolean("subscribed")


class Tiny(Subscribers):
    def get_data(self) -> pd.DataFrame:
        return users(3)


class Missing(Subscribers):
    def get_encoders(self) -> tuple:
        return (Unique("town"),)


class NotAFrame(Subscribers):
    def get_data(self):
        return [1, 2]


def test_splits_sizes_and_encoded_sets() -> None:
    pipeline = Subscribers()
    assert (len(pipeline.training_data), len(pipeline.validation_data), len(pipeline.test_data)) == (
        80,
        10,
        10,
    )
    x = pipeline.test_data.x
    assert list(x.columns) == pipeline.feature_names()
    assert list(x.columns) == [
        "unique_first_name",
        "norm_name_age_first_name",
        "one_hot_plan_free",
        "one_hot_plan_pro",
        "one_hot_plan_other",
        "norm_age",
    ]
    assert pipeline.test_data.y.dtype == np.uint8
    assert pipeline.is_classifier


def test_data_is_loaded_lazily_once() -> None:
    Subscribers.loads = 0
    pipeline = Subscribers()
    assert Subscribers.loads == 0
    _ = pipeline.training_data, pipeline.test_data, pipeline.encoders
    assert Subscribers.loads == 1


def test_encoders_are_fitted_on_training_rows_only() -> None:
    pipeline = Subscribers(test_size=0.3, validation_size=0.3)
    training = pipeline.data.iloc[pipeline.split(pipeline.data)["training"]]
    age = pipeline.encoders[3]
    assert age.center_ == pytest.approx(training["age"].mean())
    assert age.center_ != pytest.approx(pipeline.data["age"].mean())


def test_split_is_reproducible_and_seeded() -> None:
    first, again, other = Subscribers(), Subscribers(), Subscribers(random_state=2)
    assert first.test_data.x.equals(again.test_data.x)
    assert first.split(first.data)["test"].tolist() != other.split(other.data)["test"].tolist()


def test_sizes_as_row_counts_and_no_validation() -> None:
    pipeline = Subscribers(test_size=7, validation_size=0)
    assert (len(pipeline.training_data), len(pipeline.validation_data), len(pipeline.test_data)) == (93, 0, 7)


def test_stratify_keeps_class_proportions() -> None:
    pipeline = Subscribers(test_size=0.2, validation_size=0.2, stratify="subscribed")
    share = pipeline.data["subscribed"].mean()
    for observations in (pipeline.training_data, pipeline.validation_data, pipeline.test_data):
        assert observations.y.mean() == pytest.approx(share, abs=0.06)


def test_subsample() -> None:
    assert len(Subscribers(subsample=0.5).data) == 50
    assert len(Subscribers(subsample=20).data) == 20


def test_encode_x_and_decode_for_new_rows() -> None:
    pipeline = Subscribers()
    new = pd.DataFrame({"first_name": ["Mary", "Zed"], "plan": ["pro", "gold"], "age": [30, 40]})
    x = pipeline.encode_x(new)
    assert x.shape == (2, 6) and x["one_hot_plan_other"].tolist() == [0, 1]
    assert pipeline.decode(np.array([0, 1])).tolist() == [False, True]
    with pytest.raises(MissingColumn, match=r"'age'.*columns present: first_name, plan"):
        pipeline.encode_x(new.drop(columns="age"))


def test_input_schema_and_data_signature() -> None:
    pipeline = Subscribers()
    assert pipeline.input_schema() == {"first_name": "string", "plan": "string", "age": "integer"}
    signature = pipeline.data_signature
    assert signature["rows"] == {"data": 100, "training": 80, "validation": 10, "test": 10}
    assert len(signature["training_sha256"]) == 64
    assert signature["training_sha256"] == Subscribers().data_signature["training_sha256"]
    assert signature["training_sha256"] != Subscribers(random_state=5).data_signature["training_sha256"]


def test_pickles_without_raw_data() -> None:
    pipeline = Subscribers()
    expected = pipeline.test_data.x
    blob = pickle.dumps(pipeline)
    assert len(blob) < 20_000
    copy = pickle.loads(blob)
    assert "_data" in copy.__dict__ and copy._data is None
    assert copy.encode_x(pipeline.data.iloc[pipeline.split(pipeline.data)["test"]]).equals(expected)
    assert copy.input_schema() == pipeline.input_schema()


def test_empty_split_is_a_clear_error() -> None:
    with pytest.raises(EmptySplit, match="cannot split 3 rows"):
        _ = Tiny().training_data
    with pytest.raises(EmptySplit, match="leave no training rows"):
        _ = Subscribers(test_size=60, validation_size=40).training_data


def test_bad_data_errors() -> None:
    with pytest.raises(MissingColumn, match="'town'"):
        _ = Missing().training_data
    with pytest.raises(EncodingError, match="must return a DataFrame"):
        _ = NotAFrame().training_data


def test_holdout_is_an_alias() -> None:
    assert lore.pipelines.Holdout is lore.pipelines.TrainTestSplit


class Twice(Subscribers):
    def get_encoders(self) -> tuple:
        return (Norm("age"), Norm("age"))


def test_two_encoders_with_one_name_are_refused_not_collapsed() -> None:
    with pytest.raises(EncodingError, match="two encoders named 'norm_age'.*name="):
        _ = Twice().training_data
    assert (
        len(
            type(
                "Renamed",
                (Subscribers,),
                {"get_encoders": lambda self: (Norm("age"), Norm("age", name="age_2"))},
            )().training_data.x.columns
        )
        == 2
    )


def test_is_classifier_reads_no_data() -> None:
    Subscribers.loads = 0
    pipeline = Subscribers()
    assert pipeline.is_classifier is True
    assert Subscribers.loads == 0  # the declared output encoder says; no query ran


def test_explicit_fit_of_a_frame_under_the_lazy_properties() -> None:
    Subscribers.loads = 0
    pipeline = Subscribers()
    assert pipeline.fit(users(60)) is pipeline
    assert Subscribers.loads == 0 and pipeline.data_signature["rows"]["data"] == 60
    assert len(pipeline.training_data) == 48 and pipeline.encoders[0].n_rows_ == 48
    pipeline.fit()  # again, from get_data(): starts over
    assert Subscribers.loads == 1 and pipeline.data_signature["rows"]["data"] == 100
    assert len(pipeline.training_data) == 80
    with pytest.raises(EncodingError, match=r"fit\(\) takes a DataFrame, not list"):
        pipeline.fit([1, 2])


def test_get_encoders_may_return_one_encoder() -> None:
    class One(Subscribers):
        def get_encoders(self) -> Unique:
            return Unique("plan")

    pipeline = One()
    assert list(pipeline.training_data.x.columns) == ["unique_plan"]
    assert [encoder.name for encoder in pipeline.encoders] == ["unique_plan"]


class Paid(Subscribers):
    """A 0/1 float output through Pass, declared binary."""

    task = "binary"

    def get_data(self) -> pd.DataFrame:
        return users(300).assign(paid=lambda frame: (frame["plan"] == "pro").astype(float))

    def get_output_encoder(self) -> Pass:
        return Pass("paid")


def test_a_pass_output_is_binary_when_the_pipeline_says_so(project) -> None:
    import lore.estimators
    import lore.models

    class Regressing(Paid):
        task = None

    assert Paid().is_classifier and not Regressing().is_classifier  # a Pass output regresses by default
    model = lore.models.Base(Paid(), lore.estimators.XGBoost(num_boost_round=5))
    metrics = model.fit()
    assert "auc" in metrics["test"] and metrics["test"]["accuracy"] > 0.9
    frame = users(5)
    assert model.predict_proba(frame).shape == (5, 2)
    assert set(model.predict(frame).tolist()) <= {0.0, 1.0}

    class Wrong(Paid):
        task = "ranking"

    with pytest.raises(EncodingError, match="task is 'ranking'"):
        _ = Wrong().is_classifier


class Numbers(Subscribers):
    def get_data(self) -> pd.DataFrame:
        rng = np.random.default_rng(5)
        frame = users(60)
        for column in "abcde":
            frame[column] = rng.normal(size=60)
        frame["e"] = 2.0  # constant: Uniform encodes it as 0
        return frame

    def get_encoders(self) -> tuple:
        return (
            Norm("a"),
            Norm("b", clip=True),
            Unique("plan"),
            Norm("c"),
            Norm(NameAge("first_name")),
            Uniform("d"),
            Uniform("e"),
            Pass("a", name="a_raw"),
            Pass("b", name="b_raw"),
        )


def test_runs_of_number_columns_are_encoded_as_blocks_with_the_codes_of_encode_x() -> None:
    from lore.pipelines.holdout import _runs

    pipeline = Numbers()
    assert pipeline.encoders  # fitted
    rng = np.random.default_rng(6)
    columns = {column: rng.normal(scale=3, size=25) for column in "abcd"}
    columns["a"][3] = np.nan
    columns["e"] = np.full(25, 7.0)
    columns["first_name"] = ["Mary", "Ann", None, "John", "Zed"] * 5
    columns["plan"] = ["pro", "free", None, "gold", "pro"] * 5
    runs = [[encoder.column for encoder in run] for run in _runs(pipeline.encoders, columns)]
    assert [len(run) for run in runs] == [2, 1, 1, 1, 2, 2]
    assert runs[0] == runs[-1] == ["a", "b"]
    expected = pipeline.encode_x(pd.DataFrame(columns)).to_numpy(dtype=np.float32)
    assert pipeline.encode_matrix(columns).tobytes() == expected.tobytes()
