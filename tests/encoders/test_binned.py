from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lore.encoders import Discrete, Enum, Quantile
from lore.errors import EncodingError

RAMP = pd.DataFrame({"x": np.arange(11.0)})


def test_discrete_equal_width_bins_and_missing() -> None:
    encoder = Discrete("x", bins=5).fit(RAMP)
    assert encoder.edges_.tolist() == [0, 2, 4, 6, 8, 10]
    assert encoder.cardinality() == 6
    codes = encoder.transform(pd.DataFrame({"x": [0.0, 1.99, 2.0, 10.0, -5.0, 50.0, None]}))
    assert codes.tolist() == [0, 0, 1, 4, 0, 4, 5]
    assert encoder.reverse_transform([0, 4, 5]).tolist()[:2] == [1.0, 9.0]
    assert np.isnan(encoder.reverse_transform([5])[0])


def test_discrete_constant_column_and_bad_bins() -> None:
    encoder = Discrete("x", bins=3).fit(pd.DataFrame({"x": [2.0, 2.0]}))
    assert encoder.transform(pd.DataFrame({"x": [2.0, 9.0, None]})).tolist() == [0, 0, 3]
    with pytest.raises(EncodingError, match="bins must be at least 1"):
        Discrete("x", bins=0).fit(RAMP)


def test_quantile_equal_count_bins_and_outside_codes() -> None:
    encoder = Quantile("x", quantiles=4).fit(RAMP)
    assert encoder.edges_.tolist() == [0.0, 2.5, 5.0, 7.5, 10.0]
    assert encoder.cardinality() == 7
    codes = encoder.transform(pd.DataFrame({"x": [0.0, 2.5, 9.9, 10.0, -1.0, 11.0, None]}))
    assert codes.tolist() == [0, 1, 3, 3, 4, 5, 6]
    assert encoder.reverse_transform([0, 4, 5]).tolist() == [1.25, 0.0, 10.0]


def test_quantile_drops_repeated_edges() -> None:
    encoder = Quantile("x", quantiles=10).fit(pd.DataFrame({"x": [1.0] * 90 + [2.0] * 10}))
    assert encoder.n_bins_ < 10
    constant = Quantile("x").fit(pd.DataFrame({"x": [3.0, 3.0]}))
    assert constant.n_bins_ == 1
    assert constant.transform(pd.DataFrame({"x": [3.0, 4.0]})).tolist() == [0, 2]


def test_quantile_from_chunks_matches_exact_below_sketch_capacity() -> None:
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"x": rng.gamma(2, 3, 5000)})
    whole = Quantile("x", quantiles=7).fit(frame)
    pieces = Quantile("x", quantiles=7)
    for start in range(0, 5000, 999):
        pieces.partial_fit(frame.iloc[start : start + 999])
    assert pieces.edges_ == pytest.approx(whole.edges_)  # fitted after every chunk
    assert whole.edges_ == pytest.approx(np.quantile(frame["x"], np.linspace(0, 1, 8)))


def test_quantile_beyond_capacity_is_close() -> None:
    rng = np.random.default_rng(2)
    values = rng.normal(size=200_000)
    encoder = Quantile("x", quantiles=10).fit(pd.DataFrame({"x": values}))
    exact = np.quantile(values, np.linspace(0, 1, 11))
    ranks = np.searchsorted(np.sort(values), encoder.edges_[1:-1]) / len(values)
    assert np.abs(ranks - np.linspace(0.1, 0.9, 9)).max() < 1e-3
    assert encoder.edges_[[0, -1]] == pytest.approx(exact[[0, -1]])


def test_enum_codes() -> None:
    encoder = Enum("n").fit(pd.DataFrame({"n": [0, 1, 3]}))
    assert encoder.max_ == 3 and encoder.cardinality() == 6
    assert encoder.transform(pd.DataFrame({"n": [0, 3, 4, -1, 1.5, None]})).tolist() == [0, 3, 4, 4, 4, 5]
    assert np.isnan(encoder.reverse_transform([4, 5])).all()
    with pytest.raises(EncodingError, match="use Unique"):
        Enum("n").fit(pd.DataFrame({"n": [10**9]}))
