"""Request bodies to DataFrames: every shape, every type, every way to get it wrong."""

from __future__ import annotations

import json

import pytest

from lore.errors import BadRequest
from lore.server.validation import parse

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
