"""One small Keras model through fit, save, load and predict (TensorFlow imported once)."""

from __future__ import annotations

import json

import numpy as np

import lore.estimators
import lore.models
import lore.pipelines
from lore.encoders import Norm, OneHot, Unique

PIPELINES: dict = {}


class Bios(lore.models.Keras):
    """A Keras model whose pipeline adds a Token encoder over a free-text column."""

    def __init__(self) -> None:
        super().__init__(PIPELINES["bios"](), lore.estimators.Keras(hidden_layers=1, hidden_width=8, seed=0))


def test_keras_model_end_to_end(pipelines: tuple, project) -> None:
    PIPELINES["bios"] = pipelines[2]
    model = Bios()
    metrics = model.fit(epochs=2, batch_size=64)
    folder = project / "models" / Bios.name() / "1"
    assert (folder / "estimator" / "native.keras").is_file()
    assert len(list((folder / "checkpoints").iterdir())) == 2
    assert any((folder / "tensorboard").rglob("events.out.tfevents.*"))
    record = json.loads((folder / "model.json").read_text())
    assert len(record["history"]["val_loss"]) == 2 and record["params"]["epochs"] == 2
    assert 0 <= metrics["test"]["accuracy"] <= 1
    embeddings = [layer.name for layer in model.estimator.native_.layers if layer.name.endswith("_embedding")]
    assert len(embeddings) == 3  # city, plan, and the bio's tokens
    assert any(type(layer).__name__ == "GlobalAveragePooling1D" for layer in model.estimator.native_.layers)
    loaded = Bios.load()
    x = model.pipeline.test_data.x
    assert np.allclose(loaded.predict_proba(x), model.predict_proba(x), atol=1e-5)


def plans_frame():
    import pandas as pd

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=300), "c": rng.choice(["x", "y", "z"], 300)})
    frame["plan"] = np.where(frame["a"] > 0.5, "gold", np.where(frame["a"] < -0.5, "free", "pro"))
    return frame


class Plans(lore.pipelines.TrainTestSplit):
    """A multi-class target one-hot encoded (the network's output is its columns)."""

    def get_data(self):
        return plans_frame()

    def get_encoders(self):
        return (Norm("a"), Unique("c"))

    def get_output_encoder(self):
        return OneHot("plan")


def test_one_hot_output_for_a_multiclass_network_and_build_before_fit(project) -> None:
    frame = plans_frame()
    model = lore.models.Keras(Plans(), lore.estimators.Keras(epochs=20, hidden_width=16, learning_rate=0.01))
    network = model.build()
    assert network.output_shape == (None, 4)  # free, gold, pro and the "other" column
    metrics = model.fit()
    assert model.estimator.native_ is network
    assert metrics["test"]["accuracy"] > 0.6
    predictions = model.predict(frame.head(20))
    assert set(predictions) <= {"free", "gold", "pro"}
    assert (predictions == frame["plan"].head(20).to_numpy()).mean() > 0.6
    assert model.predict_proba(frame.head(2)).shape == (2, 4)
