"""Statement: parameters found, checked and rendered as placeholders only."""

from __future__ import annotations

import numpy as np
import pytest

from lore.errors import ParameterError
from lore.io.statement import Statement


def test_numbered_placeholders_and_values():
    params = {"a": np.int64(1), "b": ("x", "y")}
    statement = Statement("SELECT %(a)s, %(b)s, %(a)s WHERE x LIKE 'a%%'", params)
    assert statement.numbered() == ("SELECT $1, ($2, $3), $4 WHERE x LIKE 'a%'", [1, "x", "y", 1])
    assert statement.names == ["a", "b"]


def test_clause_escapes_colons_and_binds():
    clause, values = Statement("SELECT '1:2', x::int, %(a)s", {"a": "v"}).clause()
    assert list(clause._bindparams) == ["a"] and values == {"a": "v"}


def test_values_never_enter_the_text():
    evil = "'); DROP TABLE users; --"
    text, values = Statement("SELECT %(v)s", {"v": evil}).numbered()
    assert evil not in text and values == [evil]


def test_unbindable_value_is_refused():
    with pytest.raises(ParameterError, match="'v' is a set"):
        Statement("SELECT %(v)s", {"v": {1}})


def test_comment_cannot_be_closed_early():
    statement = Statement("SELECT 1", {}, extract="x*/ DROP")
    assert "*/ DROP" not in statement.comment("p", "f.py:1")


def test_split_keeps_semicolons_in_quotes_comments_and_dollar_bodies():
    sql = (
        "INSERT INTO t VALUES ('a;b', \"c;d\", %(x)s); -- one; comment\n"
        "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;\n"
        "/* only; a comment */ SELECT %(y)s;  -- trailing\n"
    )
    pieces = Statement(sql, {"x": 1, "y": [2, 3]}).split()
    assert [piece.sql.split()[0] for piece in pieces] == ["INSERT", "--", "/*"]
    assert [piece.params for piece in pieces] == [{"x": 1}, {}, {"y": [2, 3]}]
    assert "$body$ SELECT 1; $body$" in pieces[1].sql
    single = Statement("SELECT 1;", {})
    assert single.split() == [single]


def test_reads_is_one_query_that_only_reads():
    assert Statement("WITH a AS (SELECT 1) SELECT * FROM a", {}).reads
    assert not Statement("UPDATE t SET a = 1", {}).reads
    assert not Statement("SELECT 1; SELECT 2", {}).reads
