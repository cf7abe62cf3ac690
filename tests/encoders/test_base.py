"""The small-input path (``transform_values``) against ``transform``, on generated values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lore.encoders import Boolean, Discrete, Enum, Norm, OneHot, Pass, Quantile, Uniform, Unique
from lore.encoders.base import SMALL
from lore.testing import as_request_values, check_transform_values

TRAINING = pd.DataFrame(
    {
        "x": np.r_[np.linspace(-5, 5, 40), [np.nan] * 4],
        "n": np.r_[np.arange(40) % 7, [3] * 4],
        "city": pd.array(["oslo", "lima", "pune", "rome"] * 10 + [None] * 4, dtype="str"),
        "flag": [True, False] * 22,
    }
)
NUMBER = [Norm("x"), Norm("x", robust=True), Norm("x", clip=True), Uniform("x"), Pass("x")]
NUMBER += [Discrete("x", bins=4), Quantile("x", quantiles=3), Enum("n"), Unique("n"), OneHot("n")]
TEXT = [Unique("city"), Unique("city", minimum_occurrences=11), OneHot("city", maximum_cardinality=3)]
numbers = st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=64), st.integers(-10, 10))


@pytest.mark.parametrize("encoder", NUMBER, ids=repr)
@given(values=st.lists(numbers, min_size=1, max_size=3 * SMALL))
@settings(max_examples=60, deadline=None)
def test_numbers_take_the_small_path_to_the_same_codes(encoder, values):
    encoder.fit(TRAINING)
    rows = pd.DataFrame({encoder.column: np.array(values, dtype=float)})
    fast = encoder.transform_values(as_request_values(rows[encoder.column]))
    assert fast is not None or (len(values) > SMALL and isinstance(encoder, Unique))
    check_transform_values(encoder, rows)
    integers = pd.DataFrame({encoder.column: np.array([int(v) for v in values if v == v and abs(v) < 1e18])})
    if len(integers):
        check_transform_values(encoder, integers)


@pytest.mark.parametrize("encoder", TEXT, ids=repr)
@given(
    values=st.lists(
        st.one_of(st.none(), st.sampled_from(["oslo", "lima", "pune", "rome", "bern", ""])),
        min_size=1,
        max_size=SMALL,
    )
)
@settings(max_examples=60, deadline=None)
def test_text_takes_the_small_path_to_the_same_codes(encoder, values):
    encoder.fit(TRAINING)
    fast = encoder.transform_values(values)
    assert fast is not None
    general = encoder.transform(pd.DataFrame({"city": values}))
    assert fast.dtype == general.dtype and np.array_equal(fast, general)


@given(values=st.lists(st.booleans(), min_size=1, max_size=SMALL))
@settings(max_examples=30, deadline=None)
def test_booleans_take_the_small_path_to_the_same_codes(values):
    encoder = Boolean("flag").fit(TRAINING)
    fast = encoder.transform_values(values)
    general = encoder.transform(pd.DataFrame({"flag": values}))
    assert fast.dtype == general.dtype and np.array_equal(fast, general)
    as_numbers = np.array(values, dtype=float)
    assert np.array_equal(encoder.transform_values(as_numbers), general)


def test_what_the_small_path_does_not_know_goes_the_general_way():
    norm, unique = Norm("x").fit(TRAINING), Unique("city").fit(TRAINING)
    assert norm.transform_values(["1.5"]) is None  # text to parse: pandas decides
    assert unique.transform_values(np.array([1.0])) is None  # numbers for text: the general path raises
    assert unique.transform_values([True]) is None
    assert unique.transform_values(["oslo"] * (SMALL + 1)) is None  # many rows: factorize is cheaper
    assert np.array_equal(
        norm.transform_values(np.zeros(1000)), norm.transform(pd.DataFrame({"x": np.zeros(1000)}))
    )
    assert Boolean("flag").fit(TRAINING).transform_values([True, None]) is None


BLOCKS = [
    [Norm("a"), Norm("b", robust=True), Norm("c", clip=True)],
    [Uniform("a"), Uniform("constant"), Uniform("c")],
    [Pass("a"), Pass("b"), Pass("c")],
]
BLOCK_TRAINING = pd.DataFrame(
    {"a": np.linspace(-3, 3, 30), "b": np.r_[np.arange(27.0), [np.nan] * 3], "c": np.arange(30.0) ** 2}
).assign(constant=4.0)


@pytest.mark.parametrize("encoders", BLOCKS, ids=lambda run: type(run[0]).__name__)
@given(
    matrix=st.lists(st.lists(numbers, min_size=3, max_size=3), min_size=1, max_size=40).map(
        lambda rows: np.array(rows, dtype=float)
    )
)
@settings(max_examples=60, deadline=None)
def test_a_block_of_number_columns_gets_the_codes_of_each_column(encoders, matrix):
    fitted = [encoder.fit(BLOCK_TRAINING) for encoder in encoders]
    block = type(fitted[0]).transform_block(fitted, matrix)
    each = np.column_stack([encoder.transform_values(matrix[:, n]) for n, encoder in enumerate(fitted)])
    assert block.dtype == each.dtype and block.tobytes() == each.tobytes()


def test_a_subclass_that_encodes_otherwise_gets_no_block():
    class Doubled(Norm):
        def _encode_numbers(self, values):
            return super()._encode_numbers(values) * 2

    pair = [Doubled("a").fit(BLOCK_TRAINING), Doubled("c").fit(BLOCK_TRAINING)]
    assert Doubled.transform_block(pair, np.zeros((1, 2))) is None
    assert Discrete.transform_block([Discrete("a")], np.zeros((1, 1))) is None
