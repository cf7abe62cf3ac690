"""Request bodies to DataFrames: every shape, every type, every way to get it wrong."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lore.errors import BadRequest
from lore.server.validation import check_column, checked_columns, columns_of, decode, number_records, parse

SCHEMA = {"age": "number", "name": "string", "visits": "integer", "member": "boolean", "seen": "datetime"}
ROW = {"age": 31.5, "name": "Ann", "visits": 3, "member": True, "seen": "2024-01-31T12:00:00Z"}


def body(value) -> bytes:
    return json.dumps(value).encode()


def test_a_record_records_and_columns_give_the_same_frame():
    one = parse(body(ROW), SCHEMA, max_rows=10)
    records = parse(body([ROW, ROW]), SCHEMA, max_rows=10)
    columns = parse(body({key: [value, value] for key, value in ROW.items()}), SCHEMA, max_rows=10)
    assert list(one.columns) == list(SCHEMA) and len(one) == 1
    assert records.equals(columns)
    assert str(records["seen"].dtype).startswith("datetime64")
    assert records["visits"].tolist() == [3, 3] and records["age"].dtype == float


def test_null_is_a_missing_value_in_every_type():
    frame = parse(body([ROW, dict.fromkeys(ROW)]), SCHEMA, max_rows=10)
    assert frame.iloc[1].isna().all()
    assert frame["visits"].tolist()[0] == 3


def test_whole_floats_are_integers_and_extra_columns_are_dropped():
    frame = parse(body({**ROW, "visits": 4.0, "user_id": 1}), SCHEMA, max_rows=10)
    assert frame["visits"].tolist() == [4] and "user_id" not in frame


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"age": "old"}, ["'age'", "a number", "'old'"]),
        ({"age": True}, ["'age'", "True"]),
        ({"name": 5}, ["'name'", "a string"]),
        ({"visits": 1.5}, ["'visits'", "an integer", "1.5"]),
        ({"visits": 2**64 - 1}, ["'visits'", "64 bits"]),
        ({"member": "yes"}, ["'member'", "true or false"]),
        ({"seen": "last week"}, ["'seen'", "ISO 8601", "'last week'"]),
        ({"seen": 1700000000}, ["'seen'", "ISO 8601"]),
        ({"age": [1]}, ["'age'"]),
    ],
)
def test_a_wrong_type_names_the_column_and_the_value(change, words):
    with pytest.raises(BadRequest) as error:
        parse(body([ROW, {**ROW, **change}]), SCHEMA, max_rows=10)
    assert error.value.status == 422
    for word in words:
        assert word in str(error.value)
    assert "row 1" in str(error.value) or "64 bits" in str(error.value)


@pytest.mark.parametrize(
    ("content", "status", "words"),
    [
        (b"", 400, ["empty"]),
        (b"{", 400, ["not valid JSON"]),
        (b'{"age": NaN}', 422, ["NaN"]),
        (b"[-Infinity]", 422, ["Infinity"]),
        (b"[]", 422, ["empty"]),
        (b"7", 422, ["int"]),
        (b'["a"]', 422, ["record 0", "str"]),
        (b'{"age": [1, 2], "name": [1]}', 422, ["same length"]),
        (b'{"age": [1], "name": "x"}', 422, ["mixes"]),
        (body({"age": 1}), 422, ["missing", "'name'", "'seen'"]),
        (body([ROW, {"age": 1}]), 422, ["missing", "record 1"]),
        (body([ROW] * 11), 413, ["11 rows", "LORE_API_MAX_ROWS"]),
    ],
)
def test_bad_bodies_are_bad_requests(content, status, words):
    with pytest.raises(BadRequest) as error:
        parse(content, SCHEMA, max_rows=10)
    assert error.value.status == status
    for word in words:
        assert word in str(error.value)


def test_a_schema_of_one_column():
    assert parse(body([{"x": 1}, {"x": 2}]), {"x": "integer"}, max_rows=5)["x"].tolist() == [1, 2]


# -- hostile bodies -------------------------------------------------------------------------


def nested(depth: int) -> str:
    return "[" * depth + "1" + "]" * depth


def test_a_value_nested_a_thousand_deep_is_a_short_422():
    record = '{"age": ' + nested(1000) + ', "name": "a", "visits": 1, "member": true, "seen": null}'
    content = f"[{record}]".encode()
    with pytest.raises(BadRequest) as error:
        parse(content, SCHEMA, max_rows=10)
    assert error.value.status == 422 and "'age'" in str(error.value)
    assert "a JSON array of 1 item(s)" in str(error.value) and len(str(error.value)) < 200


def test_a_huge_wrong_value_is_quoted_by_a_short_prefix_only():
    huge = "x" * 9_000_000
    with pytest.raises(BadRequest) as error:
        parse(body([{**ROW, "age": huge}]), SCHEMA, max_rows=10, max_values=100)
    message = str(error.value)
    assert "'age'" in message and "9000000 characters" in message and len(message) < 200
    with pytest.raises(BadRequest) as error:
        parse(body([{**ROW, "seen": "y" * 100_000}]), SCHEMA, max_rows=10)
    assert "ISO 8601" in str(error.value) and len(str(error.value)) < 200


def test_unused_fields_are_ignored_whatever_they_hold():
    extra = {"tags": ["a", "b", "c"], "meta": {"deep": nested(900)}, "notes": [[1], [2]]}
    assert len(parse(body({**ROW, **extra}), SCHEMA, max_rows=10)) == 1
    columns = {key: [value, value] for key, value in ROW.items()}
    assert len(parse(body({**columns, "tags": ["only one"], "flag": True}), SCHEMA, max_rows=10)) == 2


@pytest.mark.parametrize(
    "content",
    [b'{"age": 1,}', b'[{"name": "not nan, inf or NaN", "age": 1},]', b'{"name": "Infinity",,}'],
)
def test_a_trailing_comma_is_called_what_it_is(content):
    with pytest.raises(BadRequest) as error:
        parse(content, SCHEMA, max_rows=10)
    assert error.value.status == 400 and "NaN" not in str(error.value)
    assert "comma" in str(error.value) or "expected" in str(error.value)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"[" + b"{}," * 10_000 + b"{}]", ["10001 rows", "LORE_API_MAX_ROWS"]),
        (b'{"age": [' + b"1," * 20_000 + b"1]}", ["20001 rows"]),
        (b'{"age": [1], "junk": [' + b"1," * 20_000 + b"1]}", ["20001 rows"]),
        (b'[{"junk": [' + b"[]," * 40_000 + b"[]]}]", ["JSON values", "LORE_API_MAX_VALUES"]),
        (b'{"a": "' + b"x" * 100 + b'",' + b'"b":{},' * 15_000 + b'"c": 1}', ["JSON values"]),
    ],
    ids=["records", "columns", "unused column", "values in a record", "values in an object"],
)
def test_too_many_rows_or_values_are_refused_before_decoding(monkeypatch, content, words):
    from lore.server import validation

    def never(body):
        raise AssertionError("the body was decoded")

    monkeypatch.setattr(validation, "decode", never)
    with pytest.raises(BadRequest) as error:
        parse(content, SCHEMA, max_rows=10_000, max_values=30_000)
    assert error.value.status == 413
    for word in words:
        assert word in str(error.value)


def test_unbalanced_brackets_are_malformed_json():
    with pytest.raises(BadRequest) as error:
        parse(b'{"age": [' + b"1," * 20 + b"1]}" + b"]" * 50_000, SCHEMA, max_rows=10, max_values=100)
    assert error.value.status == 400 and "brackets" in str(error.value)


def test_commas_brackets_and_escaped_quotes_inside_strings_do_not_count():
    text = 'a,b[c{d}e],\\"q\\\\", ' * 2_000  # commas, brackets, an escaped quote, an escaped backslash
    rows = [{**ROW, "name": text} for _ in range(3)]
    frame = parse(body(rows), SCHEMA, max_rows=3, max_values=100)
    assert frame["name"].tolist() == [text] * 3


@pytest.mark.parametrize(
    "value",
    [
        [1, 2, 3],
        [{"a": "x,y"}, {"b": ["[", "]", "\\", '"']}, []],
        {"a": [1, 2], "b": [[1, 2, 3, 4]], "c": {"d": [1, 2, 3, 4, 5]}},
        {"a": 1, "b": "],[,"},
        "just a string, with commas",
        [],
        {},
    ],
)
def test_the_structure_scan_counts_rows_like_the_decoder(value):
    from lore.server.validation import _rows, structure

    rows = _rows(structure(json.dumps(value).encode()))
    if isinstance(value, list):
        assert rows == max(len(value), 1)
    elif isinstance(value, dict):
        lists = [len(v) for v in value.values() if isinstance(v, list)]
        assert rows == max(lists, default=1)


NUMBERS = {"x": "number", "y": "number"}


def general_path(content: bytes, schema: dict[str, str]) -> dict:
    """What the column checks give, without the one-pass path for records of numbers."""
    columns = columns_of(decode(content), list(schema), 100)
    return {column: check_column(values, column, schema[column]) for column, values in columns.items()}


@pytest.mark.parametrize(
    "records",
    [
        [{"x": 1, "y": 2.5}, {"x": -3, "y": 4.0}],
        [{"x": 1, "y": 2}, {"x": 2**63 - 1, "y": 2**64 - 1}],
        [{"y": 1e300, "x": -0.0, "z": "unused"}],
        [{"x": 1.5, "y": 2.5}] * 50,
        [{"x": 1, "y": None}, {"x": None, "y": None}],
        {"x": 2, "y": 0.1},
        [{"x": 123456789012345678901234567890, "y": 9007199254740993}],
        [{"x": 1, "y": 2, "z": {"deep": [[[1, None, True, "s"]]]}}],
    ],
)
def test_records_of_numbers_take_one_pass_with_the_answers_of_the_column_checks(records):
    content = body(records)
    fast = checked_columns(content, NUMBERS, max_rows=100)
    assert number_records(content, list(NUMBERS), 100) is not None
    expected = general_path(content, NUMBERS)
    assert list(fast) == list(expected)
    for column, values in expected.items():
        assert fast[column].dtype == values.dtype and fast[column].flags.c_contiguous
        assert fast[column].tobytes() == values.tobytes()


@pytest.mark.parametrize(
    "records",
    [
        [{"x": True, "y": 1.0}],
        [{"x": "1", "y": 1.0}],
        [{"x": [1], "y": [2]}],
        [{"x": [1, 2], "y": 3}],
        [{"x": {"a": 1}, "y": 3}],
        [{"x": 1}],
        [{"x": 1, "y": 2}, [1, 2]],
        {"x": [1, 2], "y": [3, 4]},
        [{"x": 1, "y": 2, "z": "caf\u00e9"}],
    ],
)
def test_records_the_one_pass_cannot_vouch_for_get_the_column_checks(records):
    content = body(records)
    assert number_records(content, list(NUMBERS), 100) is None
    try:
        expected = general_path(content, NUMBERS)
    except BadRequest as error:
        with pytest.raises(BadRequest, match=re.escape(str(error))):
            checked_columns(content, NUMBERS, max_rows=100)
    else:
        got = checked_columns(content, NUMBERS, max_rows=100)
        assert {key: value.tobytes() for key, value in got.items()} == {
            key: value.tobytes() for key, value in expected.items()
        }


def same_answer(content: bytes, schema: dict[str, str]) -> None:
    """``checked_columns`` answers ``content`` exactly as the general path does: values or error."""
    try:
        expected = general_path(content, schema)
    except BadRequest as error:
        with pytest.raises(BadRequest) as raised:
            checked_columns(content, schema, max_rows=100)
        assert (str(raised.value), raised.value.status) == (str(error), error.status)
        return
    got = checked_columns(content, schema, max_rows=100)
    assert list(got) == list(expected)
    for column, values in expected.items():
        assert got[column].dtype == values.dtype and got[column].tobytes() == values.tobytes()


@pytest.mark.parametrize(
    "content",
    [
        b'[{"x": 1, "y": 2, "z": "\xff"}]',  # not UTF-8, in a field the model does not use
        b'[{"x": 1, "y": 2, "\xff": 1}]',
        b'[{"x": 1, "y": 2, "z": "\\ud800"}]',  # a lone surrogate, escaped
        b'[{"x": 1, "y": 2, "z": "a\\"b"}]',
        b'[{"x": 1, "y": 2, "z": ' + b"[" * 5000 + b"]" * 5000 + b"}]",
        b'\xef\xbb\xbf[{"x": 1, "y": 2}]',
        b'[{"x": 1, "y": 2}] trailing',
        b'[{"x": NaN, "y": 2}]',
        b'[{"x": 1e400, "y": 2}]',
        b'[{"x": 1, "x": 3, "y": 2}]',
        b'[{"x": 01, "y": 2}]',
        b"[]",
        b"{}",
        b"",
        b'[{"x": 1, "y": 2},]',
        b' \n[{"x":1,"y":2}]\n ',
    ],
)
def test_raw_bodies_get_the_answers_of_the_general_path(content):
    same_answer(content, NUMBERS)


extra = st.one_of(
    st.none(), st.floats(), st.text(max_size=5), st.booleans(), st.lists(st.integers(), max_size=3)
)
number = st.one_of(
    st.none(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
)


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(
        st.fixed_dictionaries(
            {"x": number, "y": number},
            optional={"z": extra},
        ),
        min_size=1,
        max_size=20,
    ),
    one=st.booleans(),
)
def test_records_of_numbers_match_the_general_path(rows, one):
    same_answer(json.dumps(rows[0] if one else rows).encode(), NUMBERS)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            {"rows": [{"x": 1, "y": 2}]},
            "record 0 has none of the columns this model needs (x, y); it has rows. Send the records "
            'themselves, [{"x": ...}, ...], not wrapped in {"rows": [...]}',
        ),
        ({"a": 1, "b": 2}, "record 0 has none of the columns this model needs (x, y); it has a, b"),
        ([{"x": 1, "y": 2}, {"z": 1}], "record 1 has none of the columns this model needs (x, y); it has z"),
        ({"x": 1}, "missing column(s) 'y' in record 0; send every one of: x, y"),
    ],
)
def test_a_record_without_the_model_columns_says_what_it_holds(content, expected):
    with pytest.raises(BadRequest) as raised:
        checked_columns(body(content), NUMBERS, max_rows=10)
    assert str(raised.value) == expected
