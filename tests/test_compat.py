"""lore.compat: every original Lore spelling still works, warns, and names its replacement."""

from __future__ import annotations

import importlib
import inspect

import pandas as pd
import pytest

from lore import compat


@pytest.mark.parametrize("old", sorted(compat.NAMES))
def test_every_old_name_resolves_with_a_warning_naming_the_replacement(old: str) -> None:
    module, _, name = old.rpartition(".")
    with pytest.warns(DeprecationWarning, match=rf"{old} is the original Lore spelling: use .*"):
        value = getattr(importlib.import_module(module), name)
    assert value is not None or name in ("APP", "ROOT")


def test_old_names_are_what_they_say(project) -> None:
    import lore.env
    import lore.estimators.keras
    import lore.models
    import lore.pipelines.holdout

    with pytest.warns(DeprecationWarning):
        assert str(lore.env.current().data_dir) == lore.env.DATA_DIR
        assert str(lore.env.current().base) == lore.env.WORK_DIR
        assert lore.env.current().name == lore.env.NAME
        assert lore.pipelines.holdout.Base is lore.pipelines.TrainTestSplit
        assert lore.estimators.keras.BinaryClassifier is lore.estimators.Keras
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        _ = lore.models.keras.Nope


@pytest.mark.parametrize("where", sorted(compat.KEYWORDS))
def test_every_decorated_callable_keeps_its_new_signature(where: str) -> None:
    module, _, rest = where.partition(".Connection.") if ".Connection." in where else where.rpartition(".")
    target = (
        getattr(importlib.import_module(module).Connection, rest)
        if ".Connection." in where
        else getattr(importlib.import_module(module), rest)
    )
    signature = inspect.signature(target)
    for old, new in compat.KEYWORDS[where].items():
        assert old not in signature.parameters
        assert new is None or new in signature.parameters or "params" in signature.parameters


def test_connection_accepts_sql_extract_and_filename(project) -> None:
    import lore.io

    (project / "demo_app" / "extracts" / "by_id.sql").write_text("SELECT name FROM people WHERE id = %(id)s")
    conn = lore.io.connection("scratch", url="sqlite://")
    conn.insert("people", pd.DataFrame({"id": [1, 2], "name": ["a", "b"]}))
    with pytest.warns(DeprecationWarning, match=r"Connection.select\(sql=\).*use extract_or_sql="):
        assert conn.select(sql="SELECT count(*) FROM people") == [(2,)]
    with pytest.warns(DeprecationWarning, match="dataframe"):
        assert conn.dataframe(filename="by_id", id=2)["name"].tolist() == ["b"]
    with pytest.warns(DeprecationWarning, match="execute"):
        conn.execute(sql="DELETE FROM people WHERE id = %(id)s", id=1)
    with pytest.warns(DeprecationWarning), pytest.raises(TypeError, match="multiple values"):
        conn.select("SELECT 1", sql="SELECT 2")


def test_renamed_and_dropped_constructor_keywords() -> None:
    from lore.encoders import Norm
    from lore.estimators import Keras
    from lore.transformers import Distance

    with pytest.warns(DeprecationWarning, match=r"Keras\(embed_size=\).*embedding_size="):
        assert Keras(embed_size=4, sequence_embed_size=3).params == {
            "embedding_size": 4,
            "sequence_embedding_size": 3,
        }
    frame = pd.DataFrame({"a": [0.0], "b": [0.0], "c": [0.0], "d": [1.0]})
    with pytest.warns(DeprecationWarning, match="other_lat="):
        old = Distance(lat_a="a", lon_a="b", lat_b="c", lon_b="d")
    assert old.transform(frame).tolist() == Distance("a", "b", "c", "d").transform(frame).tolist()
    with pytest.warns(DeprecationWarning, match=r"Norm\(dtype=\).*ignored, encoders output float32"):
        norm = Norm("a", dtype="float64")
    assert norm.get_params() == Norm("a").get_params() if hasattr(norm, "get_params") else True


def test_assigning_an_estimator_parameter_sets_it() -> None:
    from lore.estimators import XGBoost

    estimator = XGBoost(max_depth=3)
    estimator.max_depth = 5
    estimator.eta = 0.2
    assert estimator.params == {"max_depth": 5, "eta": 0.2}
    assert estimator.max_depth == 5 and estimator.get_params()["max_depth"] == 5
    with pytest.raises(AttributeError):
        _ = estimator.not_a_parameter


def test_an_old_and_a_new_keyword_together_are_refused() -> None:
    from lore.estimators import Keras

    with pytest.raises(TypeError, match="embed_size= and embedding_size=.*keep embedding_size"):
        Keras(embed_size=4, embedding_size=5)


def test_original_labels_of_the_long_tail_and_missing_values() -> None:
    from lore.encoders import Unique

    frame = pd.DataFrame({"city": ["oslo", "oslo", "lima", None]})
    encoder = Unique("city", minimum_occurrences=2).fit(frame)
    decoded = encoder.reverse_transform(encoder.transform(frame))
    assert compat.original_labels(decoded).tolist() == ["oslo", "oslo", "LONG_TAIL", "MISSING_VALUE"]


def test_boolean_works_without_a_fit_as_in_the_original() -> None:
    from lore.encoders import Boolean

    encoder = Boolean("paid")
    assert encoder.transform(pd.DataFrame({"paid": [True, None, False]})).tolist() == [1, 2, 0]
    assert encoder.cardinality() == 3
