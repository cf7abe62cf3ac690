from __future__ import annotations

import numpy as np
import pytest

from lore.estimators import Estimator, XGBoost


@pytest.mark.parametrize("dataset", ["binary", "multiclass", "regression"])
def test_fits_predicts_and_round_trips(dataset: str, request: pytest.FixtureRequest, tmp_path) -> None:
    data = request.getfixturevalue(dataset)
    estimator = XGBoost(num_boost_round=30, max_depth=3)
    history = estimator.fit(**data)
    assert history["rounds"] <= 30
    assert [key for key in history if key.startswith("validation_")]
    predictions = estimator.predict(data["validation_x"])
    if dataset == "regression":
        assert estimator.task_ == "regression"
        assert np.corrcoef(predictions, data["validation_y"])[0, 1] > 0.5
    else:
        assert (predictions == data["validation_y"]).mean() > 0.85
        proba = estimator.predict_proba(data["validation_x"])
        assert proba.shape == (len(predictions), estimator.n_classes_)
        assert np.allclose(proba.sum(axis=1), 1, atol=1e-5)
    files = estimator.save(tmp_path)
    assert "native.ubj" in files
    loaded = Estimator.load(tmp_path)
    assert isinstance(loaded, XGBoost)
    assert np.allclose(loaded.predict(data["validation_x"]), predictions)


def test_early_stopping_keeps_the_best_round(binary: dict) -> None:
    estimator = XGBoost(num_boost_round=400, learning_rate=0.5, early_stopping_rounds=5)
    history = estimator.fit(**binary)
    assert history["rounds"] < 400
    assert estimator.native_.num_boosted_rounds() == history["rounds"]


def test_sklearn_style_aliases(regression: dict) -> None:
    estimator = XGBoost(n_estimators=4, n_jobs=1, random_state=1)
    assert estimator.fit(regression["x"], regression["y"])["rounds"] == 4


def test_accepts_plain_arrays(binary: dict) -> None:
    estimator = XGBoost(num_boost_round=5)
    estimator.fit(binary["x"].to_numpy(), binary["y"].astype(bool))
    assert estimator.task_ == "binary"
    assert estimator.predict(binary["x"].to_numpy()[:1]).shape == (1,)


@pytest.mark.parametrize("dataset", ["binary", "multiclass", "regression"])
def test_outputs_of_the_fitted_splits_are_what_predicting_them_gives(
    dataset: str, request: pytest.FixtureRequest
) -> None:
    data = request.getfixturevalue(dataset)
    estimator = XGBoost(num_boost_round=20, max_depth=3, early_stopping_rounds=None)
    estimator.fit(**data)
    assert estimator._fit_outputs[0][0] is data["x"]  # kept from the fit
    outputs = estimator.outputs({"train": data["x"], "validation": data["validation_x"]})
    assert not hasattr(estimator, "_fit_outputs")  # released
    predict = estimator.predict if dataset == "regression" else estimator.predict_proba
    for name, x in (("train", data["x"]), ("validation", data["validation_x"])):
        expected = predict(x)
        assert outputs[name].dtype == expected.dtype
        assert np.array_equal(outputs[name], expected)  # bit for bit


def noisy(rows: int, task: str) -> dict:
    """``rows`` noisy rows of five features (4/5 training, 1/5 validation): early stopping cuts."""
    import pandas as pd

    rng = np.random.default_rng(0)
    x = pd.DataFrame(rng.normal(size=(rows, 5)), columns=list("abcde"))
    signal = x["a"] + x["b"] * x["c"] + rng.normal(0, 1.5, rows)
    y = {"binary": signal > 0, "multiclass": np.digitize(signal, [-1, 1]), "regression": signal}[task]
    y, cut = np.asarray(y).astype(float if task == "regression" else int), rows * 4 // 5
    return {"x": x[:cut], "y": y[:cut], "validation_x": x[cut:], "validation_y": y[cut:]}


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
@pytest.mark.parametrize("rows", [1_000, 12_000])  # splits predicted on one thread, and on the pool
def test_outputs_after_early_stopping_cut_the_booster_are_what_predicting_the_splits_gives(
    task: str, rows: int
) -> None:
    data = noisy(rows, task)
    estimator = XGBoost(num_boost_round=300, learning_rate=0.5, max_depth=4, early_stopping_rounds=5)
    history = estimator.fit(**data)
    ran = max(len(values) for values in history.values() if isinstance(values, list))
    assert history["rounds"] < ran  # the booster was cut at its best round
    assert [given for given, _ in estimator._fit_outputs] == [data["x"], data["validation_x"]]
    outputs = estimator.outputs({"train": data["x"], "validation": data["validation_x"]})
    predict = estimator.predict if task == "regression" else estimator.predict_proba
    for name, x in (("train", data["x"]), ("validation", data["validation_x"])):
        expected = predict(x)
        assert outputs[name].dtype == expected.dtype and outputs[name].shape == expected.shape
        assert np.array_equal(outputs[name], expected)  # bit for bit


def test_early_stopping_stops_where_xgboost_train_would(binary: dict) -> None:
    import xgboost

    estimator = XGBoost(num_boost_round=400, learning_rate=0.5, early_stopping_rounds=5, max_depth=3)
    history = estimator.fit(**binary)
    settings, rounds, early = estimator.booster_parameters(estimator.get_params())
    matrix = xgboost.DMatrix(binary["x"].to_numpy("float32"), label=binary["y"])
    evaluated = xgboost.DMatrix(binary["validation_x"].to_numpy("float32"), label=binary["validation_y"])
    expected: dict = {}
    evals = [(evaluated, "validation")]
    booster = xgboost.train(
        settings,
        matrix,
        rounds,
        evals=evals,
        early_stopping_rounds=early,
        evals_result=expected,
        verbose_eval=False,
    )
    assert history["rounds"] == booster.best_iteration + 1
    assert history["validation_logloss"] == expected["validation"]["logloss"]


def test_outputs_of_other_rows_are_predicted(binary: dict) -> None:
    estimator = XGBoost(num_boost_round=5)
    estimator.fit(**binary)
    copy = binary["x"].copy()  # equal values, another object: not taken from the fit
    outputs = estimator.outputs({"copy": copy})
    assert np.array_equal(outputs["copy"], estimator.predict_proba(copy))


@pytest.mark.parametrize("threads", [{"nthread": 1}, {"n_jobs": 1}, {}])
def test_small_batches_run_on_one_thread_copying_the_booster_only_when_it_has_more(
    binary: dict, threads: dict
) -> None:
    estimator = XGBoost(num_boost_round=5, **threads)
    estimator.fit(binary["x"], binary["y"])
    expected = estimator.native_.inplace_predict(binary["x"].to_numpy("float32")[:3])
    assert np.array_equal(estimator.predict_proba(binary["x"][:3])[:, 1], expected)
    assert (estimator.single_ is estimator.native_) == bool(threads)
