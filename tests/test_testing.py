"""lore.testing catches encoders and transformers that break the contract."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lore.encoders import Norm, Unique
from lore.testing import check_encoder, check_transformer
from lore.transformers import Transformer

FRAME = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "c": ["a", "b", "a", None]})


class ShortNorm(Norm):
    def _encode(self, series):
        return super()._encode(series)[:-1]


class FitsNothing(Unique):
    def fit(self, frame):
        return self


class OrderSensitive(Norm):
    """Learns the first row only: a chunked fit differs from a whole fit."""

    def _summarize(self, series):
        return {**super()._summarize(series), "first": float(series.iloc[0]) if len(series) else 0.0}

    def _combine(self, a, b):
        return {**super()._combine(a, b), "first": b["first"]}

    def _learn(self, stats):
        super()._learn(stats)
        self.center_ = stats["first"]


class Shouting(Transformer):
    def apply(self, series):
        return series.astype("str").str.upper().reset_index(drop=True).iloc[::-1]


def test_good_encoders_and_transformers_pass() -> None:
    check_encoder(Norm("x"), FRAME)
    check_encoder(Unique("c"), FRAME)


@pytest.mark.parametrize(
    ("encoder", "message"),
    [
        (ShortNorm("x"), "3 rows encoded from 4"),
        (FitsNothing("c"), "attributes ending in _"),
        (OrderSensitive("x"), "fitted in chunks vs at once"),
    ],
)
def test_broken_encoders_are_caught(encoder, message) -> None:
    with pytest.raises(AssertionError, match=message):
        check_encoder(encoder, FRAME)


def test_a_transformer_that_loses_the_index_is_caught() -> None:
    with pytest.raises(AssertionError, match="not aligned"):
        check_transformer(Shouting("c"), FRAME.set_index(np.arange(10, 14)))
