from __future__ import annotations

import numpy as np

import lore.serializers


def test_keras_model_round_trips_as_dot_keras(tmp_path, keras_model, xy):
    x, _ = xy
    assert lore.serializers.save(keras_model, tmp_path, "network")[0] == "network.keras"
    back = lore.serializers.load(tmp_path, "network")
    np.testing.assert_allclose(back.predict(x, verbose=0), keras_model.predict(x, verbose=0))
