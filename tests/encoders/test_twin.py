"""Twin encoders: one vocabulary for two columns, in a pipeline and a Keras network."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import lore.pipelines
from lore.encoders import Twin, Unique
from lore.errors import EncodingError, MissingColumn


def trips(rows: int = 200) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    cities = np.array(["oslo", "lima", "pune", "kyiv"])
    frame = pd.DataFrame(
        {"origin": cities[rng.integers(0, 4, rows)], "destination": cities[rng.integers(0, 3, rows)]}
    )
    frame["far"] = (frame["origin"] == "lima") | (frame["destination"] == "pune")
    return frame


def test_one_vocabulary_for_both_columns() -> None:
    frame = pd.DataFrame({"origin": ["oslo", "oslo", "lima"], "destination": ["pune", "oslo", "pune"]})
    twin = Twin(Unique("origin"), twin="destination").fit(frame)
    codes = twin.transform(frame)
    assert codes[1, 0] == codes[1, 1] == codes[0, 0]  # oslo is oslo on either side
    assert codes[0, 1] == codes[2, 1] != codes[2, 0]  # pune was learned from the destination column
    assert twin.cardinality() == 2 + 3
    assert twin.reverse_transform(codes).tolist() == frame.to_numpy().tolist()
    assert twin.feature_names() == ["unique_origin", "unique_origin_twin"]
    with pytest.raises(MissingColumn, match="destination"):
        twin.transform(frame.drop(columns="destination"))


def test_twin_of_a_two_column_encoder_needs_true() -> None:
    from lore.encoders import Equals

    with pytest.raises(EncodingError, match="twin=True"):
        Twin(Equals("a", "b"), twin="c").fit(pd.DataFrame({"a": [1], "b": [1], "c": [1]}))


class Trips(lore.pipelines.TrainTestSplit):
    def get_data(self) -> pd.DataFrame:
        return trips()

    def get_encoders(self) -> tuple:
        return (Twin(Unique("origin"), twin="destination"), Unique("destination", name="destination_alone"))

    def get_output_encoder(self):
        from lore.encoders import Boolean

        return Boolean("far")


def test_in_a_pipeline_and_one_shared_embedding() -> None:
    from lore.estimators.keras import describe_inputs

    pipeline = Trips()
    assert list(pipeline.training_data.x.columns)[:2] == ["unique_origin", "unique_origin_twin"]
    specs = describe_inputs(pipeline.encoders)
    assert (
        specs[0]["columns"] == ["unique_origin", "unique_origin_twin"] and specs[0]["kind"] == "categorical"
    )
