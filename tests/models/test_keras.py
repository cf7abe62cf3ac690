"""One small Keras model through fit, save, load and predict (TensorFlow imported once)."""

from __future__ import annotations

import json

import numpy as np

import lore.estimators
import lore.models

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
