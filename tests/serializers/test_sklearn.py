from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

import lore.serializers
from lore.errors import ModelError


def test_pipeline_round_trips_with_skops(tmp_path, xy):
    x, y = xy
    model = make_pipeline(StandardScaler(), LogisticRegression()).fit(x, y)
    files = lore.serializers.save(model, tmp_path, "estimator")
    assert files == ["estimator.skops", "estimator.serializer.json"]
    back = lore.serializers.load(tmp_path, "estimator")
    np.testing.assert_array_equal(back.predict_proba(x), model.predict_proba(x))


def _double(values):
    return values * 2


def test_untrusted_contents_fall_back_to_pickle_at_save_time(tmp_path, xy):
    x, _ = xy
    model = FunctionTransformer(_double).fit(x)  # a function from this test module
    lore.serializers.save(model, tmp_path, "f")
    record = json.loads((tmp_path / "f.serializer.json").read_text())
    assert record["serializer"] == "pickled"
    np.testing.assert_array_equal(lore.serializers.load(tmp_path, "f").transform(x), x * 2)


def test_skops_file_with_untrusted_types_is_refused_on_load(tmp_path, xy):
    import skops.io

    x, _ = xy
    lore.serializers.save(StandardScaler().fit(x), tmp_path, "s")
    # someone replaces the file with one holding a type outside sklearn/numpy/scipy/lore
    skops.io.dump(FunctionTransformer(_double), tmp_path / "s.skops")
    with pytest.raises(ModelError, match="does not trust"):
        lore.serializers.load(tmp_path, "s")


def test_types_added_to_the_sidecar_are_not_trusted(tmp_path, xy):
    import skops.io

    x, _ = xy
    lore.serializers.save(StandardScaler().fit(x), tmp_path, "s")
    skops.io.dump(FunctionTransformer(_double), tmp_path / "s.skops")
    sidecar = tmp_path / "s.serializer.json"
    record = json.loads(sidecar.read_text())
    record["trusted"] = skops.io.get_untrusted_types(file=tmp_path / "s.skops")  # someone widens the list
    sidecar.write_text(json.dumps(record))
    with pytest.raises(ModelError, match="_double"):
        lore.serializers.load(tmp_path, "s")


def test_trust_is_by_type_not_by_module_prefix(tmp_path, xy):
    import skops.io

    x, _ = xy
    # numpy.save is a numpy callable: trusting "numpy.*" would let a skops file call it
    lore.serializers.save(FunctionTransformer(np.save), tmp_path, "f")
    assert json.loads((tmp_path / "f.serializer.json").read_text())["serializer"] == "pickled"
    lore.serializers.save(StandardScaler().fit(x), tmp_path, "s")
    skops.io.dump(FunctionTransformer(np.save), tmp_path / "s.skops")
    sidecar = tmp_path / "s.serializer.json"
    record = json.loads(sidecar.read_text())
    record["trusted"] = skops.io.get_untrusted_types(file=tmp_path / "s.skops")
    assert "numpy.save" in record["trusted"]
    sidecar.write_text(json.dumps(record))
    with pytest.raises(ModelError, match="numpy.save"):
        lore.serializers.load(tmp_path, "s")
