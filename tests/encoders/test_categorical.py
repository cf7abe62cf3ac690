from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from lore.encoders import OTHER, Boolean, Equals, OneHot, Unique
from lore.errors import EncodingError, MissingColumn, NotFittedError

CITIES = pd.DataFrame({"city": ["oslo", "lima", "oslo", None, "rome", "oslo", "lima"]})


def test_unique_codes_missing_other_and_frequency_order() -> None:
    encoder = Unique("city").fit(CITIES)
    assert encoder.values_.tolist() == ["oslo", "lima", "rome"]
    assert encoder.counts_.tolist() == [3, 2, 1]
    assert encoder.cardinality() == 5
    new = pd.DataFrame({"city": ["rome", "paris", None, "oslo"]})
    assert encoder.transform(new).tolist() == [4, 1, 0, 2]
    assert encoder.transform(new).dtype == np.uint8


def test_unique_minimum_occurrences_sends_rare_values_to_other() -> None:
    encoder = Unique("city", minimum_occurrences=2).fit(CITIES)
    assert encoder.values_.tolist() == ["oslo", "lima"]
    assert encoder.transform(CITIES).tolist() == [2, 3, 2, 0, 1, 2, 3]
    assert encoder.reverse_transform([2, 3, 1, 0]).tolist() == ["oslo", "lima", OTHER, None]


def test_unique_maximum_cardinality_keeps_the_most_frequent() -> None:
    encoder = Unique("city", maximum_cardinality=3).fit(CITIES)
    assert encoder.cardinality() == 3
    assert encoder.values_.tolist() == ["oslo"]
    with pytest.raises(EncodingError, match="at least 3"):
        Unique("city", maximum_cardinality=2).fit(CITIES)


def test_unique_ties_are_ordered_by_value_whatever_the_row_order() -> None:
    frame = pd.DataFrame({"c": ["b", "a", "c"]})
    assert Unique("c").fit(frame).values_.tolist() == ["a", "b", "c"]
    assert Unique("c").fit(frame.iloc[::-1]).values_.tolist() == ["a", "b", "c"]


def test_unique_refuses_numbers_after_fitting_on_text() -> None:
    encoder = Unique("city").fit(CITIES)
    with pytest.raises(EncodingError, match="fitted on text"):
        encoder.transform(pd.DataFrame({"city": [1, 2]}))


def test_unique_of_integers() -> None:
    encoder = Unique("n").fit(pd.DataFrame({"n": [7, 7, 3]}))
    assert encoder.transform(pd.DataFrame({"n": [3, 7, 9]})).tolist() == [3, 2, 1]


def test_unique_all_missing_or_empty_fits_to_missing_and_other_only() -> None:
    encoder = Unique("city").fit(pd.DataFrame({"city": pd.Series([None, None], dtype="str")}))
    assert encoder.cardinality() == 2
    assert encoder.transform(pd.DataFrame({"city": ["oslo", None]})).tolist() == [1, 0]
    assert Unique("city").fit(CITIES.iloc[:0]).cardinality() == 2


def test_unfitted_and_missing_column_errors_name_the_problem() -> None:
    with pytest.raises(NotFittedError, match="unique_city"):
        Unique("city").transform(CITIES)
    with pytest.raises(MissingColumn, match=r"'town'.*columns present: city"):
        Unique("town").fit(CITIES)


def test_onehot_columns_other_and_missing() -> None:
    encoder = OneHot("city").fit(CITIES)
    assert encoder.feature_names() == [f"one_hot_city_{v}" for v in ("oslo", "lima", "rome", "other")]
    matrix = encoder.transform(pd.DataFrame({"city": ["lima", "paris", None]}))
    assert matrix.tolist() == [[0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 0, 0]]
    assert encoder.reverse_transform(matrix).tolist() == ["lima", OTHER, None]
    assert OneHot("city", maximum_cardinality=2).fit(CITIES).feature_names() == [
        "one_hot_city_oslo",
        "one_hot_city_other",
    ]


def test_onehot_names_fall_back_to_indices_when_values_clash() -> None:
    encoder = OneHot("c").fit(pd.DataFrame({"c": ["a b", "a-b"]}))
    assert encoder.feature_names() == ["one_hot_c_0", "one_hot_c_1", "one_hot_c_other"]


def test_onehot_compressed_folds_rare_and_unseen_values_into_all_zero_rows() -> None:
    frame = pd.DataFrame({"city": ["oslo", "oslo", "oslo", "lima", "lima", "rome"]})
    encoder = OneHot("city", minimum_occurrences=2, compressed=True).fit(frame)
    assert encoder.feature_names() == ["one_hot_city_oslo", "one_hot_city_lima"]
    assert encoder.cardinality() == 3  # oslo, lima, and the all-zero rows
    matrix = encoder.transform(pd.DataFrame({"city": ["lima", "rome", "paris", None, "oslo"]}))
    assert matrix.tolist() == [[0, 1], [0, 0], [0, 0], [0, 0], [1, 0]]
    assert encoder.reverse_transform(matrix).tolist() == ["lima", None, None, None, "oslo"]


def test_onehot_drop_first_drops_the_most_frequent_value_column() -> None:
    frame = pd.DataFrame({"city": ["oslo", "oslo", "oslo", "lima", "lima", "rome"]})
    encoder = OneHot("city", drop_first=True).fit(frame)
    assert encoder.feature_names() == ["one_hot_city_lima", "one_hot_city_rome", "one_hot_city_other"]
    matrix = encoder.transform(pd.DataFrame({"city": ["oslo", "lima", "paris"]}))
    assert matrix.tolist() == [[0, 0, 0], [1, 0, 0], [0, 0, 1]]
    assert encoder.reverse_transform(matrix).tolist() == ["oslo", "lima", OTHER]
    both = OneHot("city", minimum_occurrences=2, compressed=True, drop_first=True).fit(frame)
    assert both.feature_names() == ["one_hot_city_lima"] and both.cardinality() == 3
    assert both.transform(pd.DataFrame({"city": ["oslo", "lima", "rome"]})).tolist() == [[0], [1], [0]]


def test_onehot_options_are_checked_at_fit() -> None:
    with pytest.raises(EncodingError, match="compressed must be True or False, got 'yes'"):
        OneHot("city", compressed="yes").fit(CITIES)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([True, False], [1, 0]),
        ([1.0, 0.0], [1, 0]),
        (["Yes", " no "], [1, 0]),
        (["t", "F"], [1, 0]),
    ],
)
def test_boolean_reads_booleans_numbers_and_words(values, expected) -> None:
    encoder = Boolean("b").fit(pd.DataFrame({"b": [True, False]}))
    assert encoder.transform(pd.DataFrame({"b": values})).tolist() == expected
    assert encoder.cardinality() == 2


def test_boolean_missing_values() -> None:
    fitted = Boolean("b").fit(pd.DataFrame({"b": [True, None, False]}))
    assert fitted.cardinality() == 3
    assert fitted.transform(pd.DataFrame({"b": [None, True]})).tolist() == [2, 1]
    assert fitted.reverse_transform([0, 1, 2, 0.7]).tolist() == [False, True, None, True]
    strict = Boolean("b").fit(pd.DataFrame({"b": [True, False]}))
    with pytest.raises(EncodingError, match="training data had none"):
        strict.transform(pd.DataFrame({"b": [None]}))


def test_boolean_refuses_words_that_are_not_booleans() -> None:
    with pytest.raises(EncodingError, match="'maybe'"):
        Boolean("b").fit(pd.DataFrame({"b": ["yes", "maybe"]}))


def test_equals_compares_two_sources() -> None:
    frame = pd.DataFrame({"a": ["x", "y", None], "b": ["x", "z", None]})
    encoder = Equals("a", "b").fit(frame)
    assert encoder.name == "equals_a_b"
    assert encoder.transform(frame).tolist() == [1, 0, 0]
    assert encoder.input_columns() == ["a", "b"]
    with pytest.raises(MissingColumn, match="'c'"):
        Equals("a", "c").fit(frame)


def test_pickle_keeps_the_vocabulary() -> None:
    encoder = Unique("city").fit(CITIES)
    copy = pickle.loads(pickle.dumps(encoder))
    assert copy.transform(CITIES).tolist() == encoder.transform(CITIES).tolist()


@pytest.mark.parametrize(
    "column",
    [
        pd.Series(["oslo", "lima", None, "paris", "oslo"] * 8, name="c"),
        pd.Series([3, 1, 2, 99, 1] * 8, name="c"),
        pd.Series([3.0, np.nan, 2.0, 7.5, 1.0] * 8, name="c"),
        pd.Series(pd.Categorical(["a", "b", None, "z", "a"] * 8), name="c"),
    ],
)
@pytest.mark.parametrize("kind", [Unique, OneHot])
def test_a_few_rows_encode_exactly_as_in_a_large_batch(column, kind) -> None:
    """Small inputs take a dict lookup instead of factorize: the codes must not differ."""
    frame = column.to_frame()
    encoder = kind("c").fit(frame.iloc[:25])
    batch = encoder.transform(frame)
    one_by_one = np.concatenate([encoder.transform(frame.iloc[[i]]) for i in range(len(frame))])
    np.testing.assert_array_equal(one_by_one, batch)
    assert "_lookup_cache" not in pickle.loads(pickle.dumps(encoder)).__dict__


def test_unique_stratify_counts_distinct_strata() -> None:
    frame = pd.DataFrame(
        {"item": ["tea", "tea", "tea", "jam", "jam", "egg"], "user": ["a", "a", "a", "a", "b", "c"]}
    )
    plain = Unique("item", minimum_occurrences=2).fit(frame)
    assert plain.values_.tolist() == ["tea", "jam"]  # tea: 3 rows
    stratified = Unique("item", minimum_occurrences=2, stratify="user").fit(frame)
    assert stratified.values_.tolist() == ["jam"]  # tea: one user only
    assert stratified.input_columns() == ["item", "user"]
    halves = (
        Unique("item", minimum_occurrences=2, stratify="user").partial_fit(frame[:2]).partial_fit(frame[2:])
    )
    assert halves.values_.tolist() == ["jam"]


def kept_by_hand(values: list, minimum: int, most: int | None) -> tuple[list, list[int]]:
    """What Unique keeps, from its definition: frequent values, most frequent first, ties in value order."""
    from collections import Counter

    counts = Counter(value for value in values if value is not None and value == value)
    kept = sorted((value for value in counts if counts[value] >= minimum), key=lambda v: (-counts[v], v))
    kept = kept if most is None else kept[: most - 2]
    return kept, [counts[value] for value in kept]


@pytest.mark.parametrize("dtype", [object, "string", "category", "float64"])
@pytest.mark.parametrize(("minimum", "most"), [(1, None), (3, None), (1, 6), (4, 5)])
def test_unique_learns_its_definition(dtype, minimum: int, most: int | None) -> None:
    """values_ and counts_ (an int64 array) on every kind of column, whole or fitted in pieces."""
    rng = np.random.default_rng(7)
    raw = rng.integers(0, 12, 300).astype(float)
    raw[rng.random(300) < 0.1] = np.nan
    values = raw.tolist() if dtype == "float64" else [None if v != v else f"v{int(v):02d}" for v in raw]
    column = pd.Series(values, dtype=dtype)
    if dtype == "category":
        column = column.cat.add_categories(["unused"])  # value_counts lists it with count 0
    frame = pd.DataFrame({"x": column})
    kept, counts = kept_by_hand(values, minimum, most)
    for encoder in (
        Unique("x", minimum_occurrences=minimum, maximum_cardinality=most).fit(frame),
        Unique("x", minimum_occurrences=minimum, maximum_cardinality=most)
        .partial_fit(frame[:100])
        .partial_fit(frame[100:]),
    ):
        assert encoder.values_.tolist() == kept
        assert encoder.counts_.dtype == np.int64 and encoder.counts_.tolist() == counts
