from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import lore.serializers
from lore.errors import CorruptArtifact, ModelError


def test_plain_objects_use_pickle_and_round_trip(tmp_path):
    files = lore.serializers.save({"a": [1, 2]}, tmp_path, "thing")
    assert files == ["thing.pkl", "thing.serializer.json"]
    assert lore.serializers.load(tmp_path, "thing") == {"a": [1, 2]}


@pytest.mark.parametrize(
    ("obj", "kind"),
    [
        (np.arange(4.0), "arrays"),
        (np.array([{"a": 1}], dtype=object), "pickled"),
        (pd.DataFrame({"a": [1, 2]}), "frames"),
        (
            pd.DataFrame(
                {"c": pd.Categorical(["x", "y"]), "f": [1.0, None], "t": pd.to_datetime(["2020-01-01"] * 2)},
                index=pd.Index([5, 6], name="i"),
            ),
            "frames",
        ),
        (pd.DataFrame({"mixed": [1, "x"]}, dtype=object), "pickled"),  # Parquet wants one type
        (pd.Series([1.0], name=("a", "b")), "pickled"),
    ],
)
def test_native_format_or_pickle_fallback(tmp_path, obj, kind):
    lore.serializers.save(obj, tmp_path, "x")
    record = json.loads((tmp_path / "x.serializer.json").read_text())
    assert record["serializer"] == kind
    back = lore.serializers.load(tmp_path, "x")
    if isinstance(obj, pd.DataFrame):
        pd.testing.assert_frame_equal(back, obj)
    elif isinstance(obj, pd.Series):
        pd.testing.assert_series_equal(back, obj)
    else:
        assert back.tolist() == obj.tolist()


def test_dispatch_does_not_import_heavy_libraries(tmp_path):
    code = (
        "import sys, lore.serializers as s; s.save({'a': 1}, sys.argv[1], 'x'); s.load(sys.argv[1], 'x');"
        "heavy = ('xgboost', 'keras', 'tensorflow', 'sklearn', 'pandas');"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr


@pytest.mark.parametrize("name", ["../x", "a/b", "", "/abs", ".."])
def test_bad_names_are_refused(tmp_path, name):
    with pytest.raises(ModelError, match="artifact name"):
        lore.serializers.save(1, tmp_path, name)


def test_missing_sidecar_is_a_clear_error(tmp_path):
    with pytest.raises(CorruptArtifact, match="never saved"):
        lore.serializers.load(tmp_path, "nothing")


def test_missing_data_file_is_named(tmp_path):
    lore.serializers.save(np.arange(3), tmp_path, "codes")
    (tmp_path / "codes.npy").unlink()
    with pytest.raises(CorruptArtifact, match=r"codes\.npy is missing"):
        lore.serializers.load(tmp_path, "codes")


def test_sidecar_naming_a_path_outside_is_refused(tmp_path):
    lore.serializers.save(1, tmp_path, "one")
    sidecar = tmp_path / "one.serializer.json"
    record = json.loads(sidecar.read_text())
    record["files"] = ["../../etc/passwd"]
    sidecar.write_text(json.dumps(record))
    with pytest.raises(CorruptArtifact, match="unsafe file"):
        lore.serializers.load(tmp_path, "one")


def test_newer_format_is_refused(tmp_path):
    lore.serializers.save(1, tmp_path, "one")
    sidecar = tmp_path / "one.serializer.json"
    sidecar.write_text(json.dumps({**json.loads(sidecar.read_text()), "format": 99}))
    with pytest.raises(ModelError, match="upgrade lore"):
        lore.serializers.load(tmp_path, "one")


def test_unreadable_file_is_a_model_error_with_versions(tmp_path):
    lore.serializers.save(np.arange(3), tmp_path, "codes")
    (tmp_path / "codes.npy").write_bytes(b"not numpy")
    with pytest.raises(ModelError, match="written with numpy"):
        lore.serializers.load(tmp_path, "codes")


def test_saving_again_replaces_the_old_record(tmp_path):
    lore.serializers.save(np.arange(3), tmp_path, "x")
    lore.serializers.save({"now": "pickle"}, tmp_path, "x")
    assert lore.serializers.load(tmp_path, "x") == {"now": "pickle"}
