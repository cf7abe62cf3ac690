from __future__ import annotations

import json

import numpy as np
import pytest

from lore.errors import CorruptArtifact, MissingColumn, NotFittedError, UnknownParameter
from lore.estimators import SKLearn, XGBoost
from lore.estimators.base import RECORD, Estimator, infer_task


def test_infer_task_from_labels() -> None:
    assert infer_task(np.array([0.1, 2.0])) == ("regression", None)
    assert infer_task(np.array([True, False])) == ("binary", 2)
    assert infer_task(np.array([0, 1, 4])) == ("multiclass", 5)
    assert infer_task(np.array([0.0, 1.0]), n_classes=2) == ("binary", 2)


def test_init_only_stores_parameters() -> None:
    estimator = XGBoost(max_depth=3, nonsense=1)  # checked at fit, like scikit-learn
    assert estimator.params == {"max_depth": 3, "nonsense": 1}
    assert not estimator.is_fitted


def test_unknown_parameter_is_named_with_the_valid_ones(binary: dict) -> None:
    with pytest.raises(UnknownParameter, match=r"'max_dept'.*valid ones are: .*max_depth"):
        XGBoost().fit(binary["x"], binary["y"], max_dept=3)
    with pytest.raises(UnknownParameter, match="'depth'"):
        XGBoost().set_params(depth=2)


def test_unfitted_estimator_refuses_to_predict(binary: dict) -> None:
    for estimator in (XGBoost(), SKLearn()):
        with pytest.raises(NotFittedError, match="call fit"):
            estimator.predict(binary["x"])


def test_missing_feature_column_is_named(binary: dict) -> None:
    estimator = XGBoost(num_boost_round=3)
    estimator.fit(binary["x"], binary["y"])
    with pytest.raises(MissingColumn, match="'mean radius'"):
        estimator.predict(binary["x"].drop(columns=["mean radius"]))


def test_empty_input_predicts_nothing(binary: dict) -> None:
    estimator = XGBoost(num_boost_round=3)
    estimator.fit(binary["x"], binary["y"])
    assert estimator.predict(binary["x"][:0]).shape == (0,)
    assert estimator.predict_proba(binary["x"][:0]).shape == (0, 2)


def test_clone_is_unfitted_with_same_parameters(binary: dict) -> None:
    estimator = XGBoost(num_boost_round=3)
    estimator.fit(binary["x"], binary["y"])
    copy = estimator.clone()
    assert copy.params == estimator.params and not copy.is_fitted


def test_load_refuses_a_record_that_is_not_an_estimator(tmp_path, binary: dict) -> None:
    estimator = XGBoost(num_boost_round=3)
    estimator.fit(binary["x"], binary["y"])
    estimator.save(tmp_path)
    record = json.loads((tmp_path / RECORD).read_text())
    record["class"] = "os.system"
    (tmp_path / RECORD).write_text(json.dumps(record))
    with pytest.raises(CorruptArtifact, match="not a lore estimator"):
        Estimator.load(tmp_path)
    (tmp_path / RECORD).unlink()
    with pytest.raises(CorruptArtifact, match="missing"):
        Estimator.load(tmp_path)
