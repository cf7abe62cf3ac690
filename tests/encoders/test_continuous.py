from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lore.encoders import Continuous, Norm, Pass, Uniform
from lore.errors import EncodingError


def test_norm_standardizes_with_population_std() -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0]})
    encoder = Norm("x").fit(frame)
    assert encoder.center_ == 2.5
    assert encoder.scale_ == pytest.approx(np.std([1, 2, 3, 4]))
    encoded = encoder.transform(frame)
    assert encoded.dtype == np.float32
    assert encoder.reverse_transform(encoded) == pytest.approx([1, 2, 3, 4], abs=1e-5)
    assert encoder.cardinality() is None and encoder.kind == "continuous"


def test_norm_missing_is_the_center_and_clip_is_optional() -> None:
    frame = pd.DataFrame({"x": [0.0, 10.0]})
    assert Norm("x").fit(frame).transform(pd.DataFrame({"x": [None, 20.0]})).tolist() == [0.0, 3.0]
    assert Norm("x", clip=True).fit(frame).transform(pd.DataFrame({"x": [None, 20.0]})).tolist() == [0.0, 1.0]


def test_norm_robust_ignores_outliers() -> None:
    frame = pd.DataFrame({"x": [*range(100), 1e9]})
    plain, robust = Norm("x").fit(frame), Norm("x", robust=True).fit(frame)
    assert plain.scale_ > 1e6
    assert robust.center_ == 50.0
    assert robust.scale_ == pytest.approx(50 / 1.349)


def test_norm_constant_column_encodes_as_zero() -> None:
    encoder = Norm("x").fit(pd.DataFrame({"x": [5.0, 5.0]}))
    assert encoder.scale_ == 1.0
    assert encoder.transform(pd.DataFrame({"x": [5.0]})).tolist() == [0.0]


@pytest.mark.parametrize("encoder", [Norm("x"), Uniform("x"), Norm("x", robust=True)])
def test_all_missing_or_empty_column_cannot_be_fitted(encoder) -> None:
    with pytest.raises(EncodingError, match="no values to fit"):
        encoder.fit(pd.DataFrame({"x": [np.nan, np.nan]}))
    with pytest.raises(EncodingError, match="no values to fit"):
        encoder.fit(pd.DataFrame({"x": pd.Series([], dtype=float)}))


def test_numbers_as_text_are_read_and_other_text_refused() -> None:
    assert Norm("x").fit(pd.DataFrame({"x": ["1", "3"]})).center_ == 2.0
    with pytest.raises(EncodingError, match="needs numbers"):
        Norm("x").fit(pd.DataFrame({"x": ["a", "b"]}))
    with pytest.raises(EncodingError, match="dates"):
        Norm("x").fit(pd.DataFrame({"x": pd.to_datetime(["2024-01-01"])}))


def test_uniform_scales_into_unit_interval() -> None:
    encoder = Uniform("x").fit(pd.DataFrame({"x": [10.0, 20.0]}))
    assert encoder.transform(pd.DataFrame({"x": [15.0, 30.0, 0.0, None]})).tolist() == [0.5, 1.0, 0.0, 0.0]
    assert encoder.reverse_transform([0.5]).tolist() == [15.0]
    constant = pd.DataFrame({"x": [3.0]})
    assert Uniform("x").fit(constant).transform(constant).tolist() == [0.0]


def test_pass_and_continuous_keep_values_and_nan() -> None:
    frame = pd.DataFrame({"x": [1, 2, None]})
    for encoder in (Pass("x"), Continuous("x")):
        assert np.array_equal(encoder.fit(frame).transform(frame), [1.0, 2.0, np.nan], equal_nan=True)


def test_streaming_moments_match_one_pass() -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(5, 3, 1000)})
    whole = Norm("x").fit(frame)
    pieces = Norm("x")
    for start in range(0, 1000, 137):
        pieces.partial_fit(frame.iloc[start : start + 137])
    assert pieces.center_ == pytest.approx(whole.center_)
    assert pieces.scale_ == pytest.approx(whole.scale_)
