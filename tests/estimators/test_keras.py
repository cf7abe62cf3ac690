"""Keras estimator: tiny networks, a couple of epochs, TensorFlow imported once."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from lore.estimators import Estimator, Keras
from lore.estimators.keras import describe_inputs, embedding_size


class FakeEncoder(SimpleNamespace):
    """Stands for a fitted encoder: only what the network builder reads."""

    def feature_names(self) -> list[str]:
        return self.columns

    def cardinality(self) -> int | None:
        return self.codes


def encoders() -> list[FakeEncoder]:
    return [
        FakeEncoder(name="city", kind="categorical", codes=7, columns=["city"]),
        FakeEncoder(name="words", kind="sequence", codes=20, columns=["words_0", "words_1", "words_2"]),
        FakeEncoder(name="age", kind="continuous", codes=None, columns=["age"]),
        FakeEncoder(name="plan", kind="categorical", codes=2, columns=["plan_a", "plan_b"]),
    ]


def test_inputs_follow_the_encoders() -> None:
    specs = describe_inputs(encoders())
    assert [(spec["kind"], spec["columns"]) for spec in specs] == [
        ("categorical", ["city"]),
        ("sequence", ["words_0", "words_1", "words_2"]),
        ("continuous", ["age", "plan_a", "plan_b"]),
    ]
    assert embedding_size(7) == 4


@pytest.fixture(scope="session")
def mixed() -> tuple:
    import pandas as pd

    rng = np.random.default_rng(0)
    rows = 400
    frame = pd.DataFrame(
        {
            "city": rng.integers(0, 7, rows),
            "words_0": rng.integers(0, 20, rows),
            "words_1": rng.integers(0, 20, rows),
            "words_2": rng.integers(0, 20, rows),
            "age": rng.normal(size=rows),
            "plan_a": rng.integers(0, 2, rows),
        }
    )
    frame["plan_b"] = 1 - frame["plan_a"]
    y = ((frame["city"] > 3) ^ (frame["age"] > 0)).to_numpy().astype(int)
    return frame, y


@pytest.mark.slow
def test_fits_embeddings_with_checkpoints_and_tensorboard(mixed: tuple, tmp_path) -> None:
    frame, y = mixed
    estimator = Keras(hidden_layers=1, hidden_width=8, epochs=3, batch_size=64, seed=0)
    estimator.encoders_ = encoders()
    estimator.task_, estimator.n_classes_ = "binary", 2
    history = estimator.fit(frame[:300], y[:300], frame[300:], y[300:], folder=tmp_path)
    assert len(history["loss"]) == 3 and "val_loss" in history
    assert sorted(p.name for p in (tmp_path / "checkpoints").iterdir())[0] == "epoch-001.weights.h5"
    assert any((tmp_path / "tensorboard").rglob("events.out.tfevents.*"))
    layers = {layer.name for layer in estimator.native_.layers}
    assert {"city_0_embedding", "words_1_embedding"} <= layers
    proba = estimator.predict_proba(frame[300:])
    assert proba.shape == (100, 2) and np.allclose(proba.sum(axis=1), 1)
    estimator.save(tmp_path / "saved")
    loaded = Estimator.load(tmp_path / "saved")
    assert np.allclose(loaded.predict_proba(frame[300:]), proba, atol=1e-5)
    assert np.allclose(loaded.predict_proba(frame[300:301]), proba[:1], atol=1e-5)


def test_reload_best_restores_the_best_epoch(regression: dict) -> None:
    import keras

    from lore.estimators import ReloadBest

    estimator = Keras(hidden_layers=1, hidden_width=4, epochs=3, learning_rate=0.5, seed=1)
    history = estimator.fit(**regression)
    best = int(np.argmin(history["val_loss"]))
    assert isinstance(ReloadBest(), keras.callbacks.Callback)
    loss = estimator.native_.evaluate(
        estimator.feed(regression["validation_x"]), regression["validation_y"], verbose=0
    )
    assert loss == pytest.approx(history["val_loss"][best], rel=1e-4)
    assert estimator.predict(regression["validation_x"]).shape == regression["validation_y"].shape


def test_multiclass_softmax(multiclass: dict) -> None:
    estimator = Keras(hidden_layers=1, hidden_width=8, epochs=2, tensorboard=False)
    estimator.fit(**multiclass)
    assert estimator.predict_proba(multiclass["validation_x"]).shape == (len(multiclass["validation_y"]), 3)


def test_reload_best_stops_when_validation_loss_rises() -> None:
    import keras

    from lore.estimators import ReloadBest

    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    callback = ReloadBest(patience=2)
    callback.set_model(model)
    model.stop_training = False  # as Model.fit does
    callback.on_train_begin()
    weights = []
    for epoch, loss in enumerate([1.0, 0.5, 0.6, 0.7]):
        model.set_weights([np.full((1, 1), float(epoch)), np.zeros(1)])
        weights.append(model.get_weights())
        callback.on_epoch_end(epoch, {"val_loss": loss})
        assert model.stop_training == (epoch == 3)
    callback.on_train_end()
    assert callback.best_epoch == 1
    assert np.array_equal(model.get_weights()[0], weights[1][0])


@pytest.mark.parametrize("pooling", ["flatten", "gru"])
def test_towers_batch_norm_initializer_and_sequence_embedding(mixed: tuple, pooling: str, tmp_path) -> None:
    frame, y = mixed
    estimator = Keras(
        hidden_layers=1,
        hidden_width=8,
        epochs=1,
        towers=2,
        batch_norm=True,
        kernel_initializer="he_normal",
        sequence_embedding=pooling,
        tensorboard=False,
        checkpoints=False,
    )
    estimator.encoders_ = encoders()
    estimator.task_, estimator.n_classes_ = "binary", 2
    network = estimator.build_network()
    names = [layer.name for layer in network.layers]
    assert {"0_hidden_0", "1_hidden_0", "0_batch_norm_0", "towers"} <= set(names)
    assert any(
        type(layer).__name__ == ("Flatten" if pooling == "flatten" else "GRU") for layer in network.layers
    )
    assert type(network.get_layer("0_hidden_0").kernel_initializer).__name__ == "HeNormal"
    network.get_layer("0_hidden_0").trainable = False  # a change made before fit is kept
    estimator.fit(frame, y)
    assert estimator.native_ is network and not network.get_layer("0_hidden_0").trainable
    estimator.save(tmp_path)
    assert np.allclose(Estimator.load(tmp_path).predict_proba(frame[:5]), estimator.predict_proba(frame[:5]))


def test_unknown_sequence_embedding_is_named(mixed: tuple) -> None:
    from lore.errors import ModelError

    estimator = Keras(sequence_embedding="transformer")
    estimator.encoders_ = encoders()
    estimator.task_, estimator.n_classes_ = "binary", 2
    with pytest.raises(ModelError, match="'transformer' is not one of 'average', 'flatten'"):
        estimator.build_network()
