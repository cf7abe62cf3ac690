from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lore.encoders import OTHER, MiddleOut, NestedNorm, NestedUnique, Token
from lore.errors import EncodingError

TEXTS = pd.DataFrame({"text": ["The red hat", "red, RED shoes!", None, ""]})


def test_token_codes_and_padding() -> None:
    encoder = Token("text", sequence_length=3).fit(TEXTS)
    assert encoder.values_.tolist() == ["red", "hat", "shoes", "the"]
    assert encoder.kind == "sequence" and encoder.cardinality() == 6
    assert encoder.feature_names() == ["token_text_0", "token_text_1", "token_text_2"]
    codes = encoder.transform(pd.DataFrame({"text": ["red cat hat and more", None]}))
    assert codes.tolist() == [[2, 1, 3], [0, 0, 0]]
    assert encoder.reverse_transform(codes).tolist() == [f"red {OTHER} hat", ""]


def test_token_refuses_numbers() -> None:
    with pytest.raises(EncodingError, match="needs text"):
        Token("n").fit(pd.DataFrame({"n": [1, 2]}))


def test_nested_unique_width_from_the_longest_list() -> None:
    frame = pd.DataFrame({"tags": [["a", "b"], ["b"], [], None, ["b", "c", "a"]]})
    encoder = NestedUnique("tags").fit(frame)
    assert encoder.sequence_length_ == 3
    assert encoder.values_.tolist() == ["b", "a", "c"]
    assert encoder.transform(frame).tolist() == [[3, 2, 0], [2, 0, 0], [0, 0, 0], [0, 0, 0], [2, 4, 3]]
    assert encoder.reverse_transform([[3, 1, 0]])[0] == ["a", OTHER]
    truncated = NestedUnique("tags", sequence_length=1).fit(frame)
    assert truncated.transform(frame)[:, 0].tolist() == [3, 2, 0, 0, 2]


def test_nested_unique_refuses_plain_values() -> None:
    with pytest.raises(EncodingError, match="column of lists"):
        NestedUnique("x").fit(pd.DataFrame({"x": ["a", "b"]}))


def test_middle_out_matches_the_original_example() -> None:
    frame = pd.DataFrame({"position": range(7), "length": 7})
    encoder = MiddleOut("position", "length", depth=2).fit(frame)
    assert encoder.transform(frame).tolist() == [0, 1, 2, 2, 2, 3, 4]
    assert encoder.cardinality() == 5


@pytest.mark.parametrize(
    ("length", "expected"),
    [(1, [2]), (3, [0, 2, 4]), (4, [0, 1, 3, 4])],
)
def test_middle_out_short_sequences_split_at_the_middle(length, expected) -> None:
    frame = pd.DataFrame({"position": range(length), "length": length})
    assert MiddleOut("position", "length", depth=2).fit(frame).transform(frame).tolist() == expected


def test_middle_out_refuses_impossible_positions() -> None:
    frame = pd.DataFrame({"position": [0, 5], "length": [3, 3]})
    with pytest.raises(EncodingError, match="outside"):
        MiddleOut("position", "length").fit(frame).transform(frame)


@pytest.mark.parametrize(
    ("rows", "expected"),
    [(7, [0, 1, 2, 2, 2, 3, 4]), (1, [2]), (3, [0, 2, 4]), (4, [0, 1, 3, 4]), (0, [])],
)
def test_middle_out_without_length_takes_the_rows_as_the_sequence(rows, expected) -> None:
    """The original's MiddleOut(column, depth=): positions from the row order, values ignored."""
    frame = pd.DataFrame({"item": [f"sku{index % 3}" for index in range(rows)]}, dtype=object)
    encoder = MiddleOut("item", depth=2).fit(frame)
    assert encoder.transform(frame).tolist() == expected
    assert encoder.input_columns() == ["item"] and encoder.cardinality() == 5
    assert encoder.reverse_transform([0, 1, 2, 3, 4]).tolist()[:2] == [0.0, 1.0]


def test_nested_norm_learns_over_every_item_and_pads_with_zero() -> None:
    frame = pd.DataFrame({"prices": [[1.0, 2.0, None], [3.0], None, [], [4.0, 5.0, 6.0, 7.0]]})
    encoder = NestedNorm("prices").fit(frame)
    items = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0])
    assert encoder.center_ == items.mean() and encoder.scale_ == pytest.approx(items.std())  # as the original
    assert encoder.sequence_length_ == 4 and encoder.feature_names()[-1] == "nested_norm_prices_3"
    matrix = encoder.transform(frame)
    assert matrix.dtype == np.float32 and matrix.shape == (5, 4)
    assert matrix[0].tolist() == pytest.approx([(1 - 4) / 2, (2 - 4) / 2, 0.0, 0.0])
    assert matrix[2].tolist() == matrix[3].tolist() == [0.0] * 4  # missing row, empty list
    assert encoder.reverse_transform(matrix)[1].tolist() == pytest.approx([3.0, 4.0, 4.0, 4.0])


def test_nested_norm_truncates_to_sequence_length() -> None:
    frame = pd.DataFrame({"prices": [[1.0, 2.0, 3.0], [3.0, 1.0]]})
    encoder = NestedNorm("prices", sequence_length=2).fit(frame)
    assert encoder.transform(frame).shape == (2, 2)
    assert encoder.center_ == 2.0  # learned from every item, truncated or not


def test_nested_norm_refuses_plain_numbers_and_text_items() -> None:
    with pytest.raises(EncodingError, match="needs a column of lists.*use Norm for single numbers"):
        NestedNorm("x").fit(pd.DataFrame({"x": [1.0, 2.0]}))
    with pytest.raises(EncodingError, match="needs numbers"):
        NestedNorm("x").fit(pd.DataFrame({"x": [["a"], ["b"]]}))
