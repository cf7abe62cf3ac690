from __future__ import annotations

import numpy as np
import pytest

import lore.serializers

xgboost = pytest.importorskip("xgboost")


def test_booster_round_trips_as_ubj(tmp_path, xy):
    x, y = xy
    booster = xgboost.train({"max_depth": 2}, xgboost.DMatrix(x, label=y), num_boost_round=3)
    assert lore.serializers.save(booster, tmp_path, "model")[0] == "model.ubj"
    back = lore.serializers.load(tmp_path, "model")
    np.testing.assert_array_equal(back.predict(xgboost.DMatrix(x)), booster.predict(xgboost.DMatrix(x)))


def test_sklearn_wrapper_keeps_its_class(tmp_path, xy):
    x, y = xy
    model = xgboost.XGBClassifier(n_estimators=3, max_depth=2).fit(x, y)
    lore.serializers.save(model, tmp_path, "model")
    back = lore.serializers.load(tmp_path, "model")
    assert type(back) is xgboost.XGBClassifier
    np.testing.assert_array_equal(back.predict_proba(x), model.predict_proba(x))


class Tuned(xgboost.XGBRegressor):
    """A user's subclass: not rebuildable from XGBoost's own classes."""


def test_subclass_of_an_xgboost_model_falls_back(tmp_path, xy):
    x, y = xy
    model = Tuned(n_estimators=2).fit(x, y)
    lore.serializers.save(model, tmp_path, "model")
    back = lore.serializers.load(tmp_path, "model")
    assert type(back) is Tuned
    np.testing.assert_array_equal(back.predict(x), model.predict(x))
