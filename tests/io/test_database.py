"""Connection: reads, writes, parameters, errors, caching, on SQLite and PostgreSQL."""

from __future__ import annotations

import socket
import time

import pandas as pd
import pytest

import lore.io
from lore.errors import ConnectionFailed, DataError, ExtractNotFound, ParameterError, QueryError
from lore.io.database import Connection


def test_insert_then_dataframe_round_trip(conn, table, frame):
    conn.insert(table, frame)
    result = conn.dataframe(f"SELECT * FROM {table} ORDER BY id")
    assert result["id"].tolist() == frame["id"].tolist()
    assert result["score"].isna().tolist() == frame["score"].isna().tolist()
    assert result["name"].tolist()[:2] == ["ann", "bob"] and pd.isna(result["name"][2])
    assert result["name"].tolist()[3:] == ["dée", "", "x'y"]
    if conn.backend == "postgresql":
        assert result.dtypes.astype(str).tolist() == ["int64", "float64", "str", "datetime64[us]"]
        assert result["seen"].equals(frame["seen"].astype("datetime64[us]"))


def test_insert_appends_and_select_returns_rows(conn, table, frame):
    conn.insert(table, frame)
    conn.insert(table, frame)
    assert conn.select(f"SELECT count(*) FROM {table}") == [(12,)]


def test_postgres_dtypes_match_read_sql(conn, table, frame):
    if conn.backend != "postgresql":
        pytest.skip("the ADBC fast path is PostgreSQL's")
    conn.insert(table, frame)
    casts = "id::int4 AS small, score::float4 AS f4, 1.5::numeric AS num"
    sql = f"SELECT id, score, name, seen, {casts} FROM {table}"
    ours = conn.dataframe(sql)
    theirs = pd.read_sql(sql, conn.engine)
    assert ours.dtypes.to_dict() == theirs.dtypes.to_dict()
    pd.testing.assert_frame_equal(ours, theirs)


def test_postgres_numerics_arrive_as_float8_with_the_values_of_the_text_parse(conn):
    if conn.backend != "postgresql":
        pytest.skip("the ADBC fast path is PostgreSQL's")
    from lore.io import postgres_fast

    numbers = (
        "SELECT g AS id, mod(g * 1000003, 999983)::numeric / 7 AS free, (g / 3.0)::numeric(12, 2) AS fixed, "
        "CASE WHEN mod(g, 5) = 0 THEN NULL WHEN mod(g, 7) = 0 THEN 'NaN'::numeric "
        'ELSE g * 1.000000000000000000001 END AS odd, g::float8 AS "say ""hi""" '
        "FROM generate_series(1, 500) g WHERE g > %(low)s ORDER BY g;"
    )
    ours = conn.dataframe(numbers, low=0)
    with conn._adbc_connection() as adbc:
        sql, values = conn._statement(numbers, {"low": 0}).numbered()
        cursor = adbc.cursor()
        assert "::float8" in postgres_fast.numerics_as_float8(cursor, sql)
        cursor.execute(sql, parameters=values)  # numerics as text, parsed by Arrow
        as_text = postgres_fast.arrow_to_frame(cursor.fetch_arrow_table())
        cursor.close()
    pd.testing.assert_frame_equal(ours, as_text, check_exact=True)
    assert ours.columns[-1] == 'say "hi"' and ours["odd"].isna().sum() == 100 + 71 - 14
    pd.testing.assert_frame_equal(
        ours, pd.read_sql(numbers.replace("%(low)s", "0"), conn.engine), check_exact=True
    )


def test_list_parameter_expands_for_in(conn, table, frame):
    conn.insert(table, frame)
    result = conn.dataframe(f"SELECT id FROM {table} WHERE id IN %(ids)s ORDER BY id", ids=[1, 3, 5])
    assert result["id"].tolist() == [1, 3, 5]
    assert conn.select(f"SELECT id FROM {table} WHERE id IN %(ids)s", ids=(2,)) == [(2,)]
    many = list(range(-20, 4))  # longer than ADBC_LONGEST_LIST: read through psycopg
    assert conn.dataframe(f"SELECT id FROM {table} WHERE id IN %(ids)s ORDER BY id", ids=many)[
        "id"
    ].tolist() == [
        0,
        1,
        2,
        3,
    ]


def test_malicious_parameter_stays_data(conn, table, frame):
    conn.insert(table, frame)
    evil = "x'); DROP TABLE users; --"
    result = conn.dataframe(f"SELECT id FROM {table} WHERE name = %(name)s", name=evil)
    assert result.empty
    assert conn.select("SELECT %(v)s AS v", v=evil) == [(evil,)]
    conn.execute(f"UPDATE {table} SET name = %(name)s WHERE id = %(id)s", name=evil, id=0)
    assert conn.select(f"SELECT name FROM {table} WHERE id = 0") == [(evil,)]
    assert conn.select(f"SELECT count(*) FROM {table}") == [(6,)]  # the table is still there


def test_colons_and_percent_signs_in_sql_are_text(conn):
    sql = "SELECT '10:30' AS t, 'a%%b' AS p, %(x)s AS x"
    assert conn.select(sql, x=1) == [("10:30", "a%b", 1)]


def test_missing_and_extra_parameters_are_named(conn):
    with pytest.raises(ParameterError, match="needs parameter.*low"):
        conn.dataframe("SELECT %(low)s AS a")
    with pytest.raises(ParameterError, match="does not use parameter.*high"):
        conn.dataframe("SELECT %(low)s AS a", low=1, high=2)
    with pytest.raises(ParameterError, match="'low' is a dict"):
        conn.dataframe("SELECT %(low)s AS a", low={"a": 1})
    with pytest.raises(ParameterError, match="empty list"):
        conn.dataframe("SELECT 1 WHERE 1 IN %(ids)s", ids=[])


def test_sql_error_names_the_database_message(conn):
    with pytest.raises(QueryError, match="no_such_table_xyz"):
        conn.dataframe("SELECT *\nFROM no_such_table_xyz")


def test_extract_by_name_and_its_errors(extract_project, conn):
    conn.insert("people", pd.DataFrame({"id": [1, 2], "name": ["a", "b"]}))
    try:
        assert conn.dataframe("by_id", id=2)["name"].tolist() == ["b"]
        with pytest.raises(ExtractNotFound, match="nope.*broken, by_id, people"):
            conn.dataframe("nope")
        with pytest.raises(ParameterError, match="extract 'by_id' needs parameter"):
            conn.dataframe("by_id")
        with pytest.raises(QueryError, match="extract 'broken'.*broken.sql") as caught:
            conn.dataframe("broken")
        assert "no_such_table_here" in str(caught.value)
        if conn.backend == "postgresql":
            assert "line 3" in str(caught.value)
    finally:
        conn.execute("DROP TABLE people")


def test_every_statement_carries_a_metadata_comment(extract_project, conn):
    if conn.backend != "postgresql":
        pytest.skip("pg_stat_activity shows the text PostgreSQL received")
    (extract_project / "demo_app" / "extracts" / "me.sql").write_text(
        "SELECT query FROM pg_stat_activity WHERE pid = pg_backend_pid()"
    )
    text = conn.dataframe("me")["query"][0]
    assert '/* lore {"project": "demo_app", "extract": "me", "caller": "' in text
    assert "test_database.py:" in text
    assert conn.select("me")[0][0].startswith("/* lore ")


def test_unreachable_database_masks_the_password():
    conn = Connection("warehouse", "postgresql://reader:s3cret@127.0.0.1:1/analytics")  # lazy: no error
    for call in (lambda: conn.dataframe("SELECT 1"), lambda: conn.select("SELECT 1")):
        with pytest.raises(ConnectionFailed) as caught:
            call()
        message = str(caught.value)
        assert "s3cret" not in message and "reader:****@127.0.0.1:1" in message
        assert "[WAREHOUSE]" in message and "config/database.cfg" in message


def test_bad_url_is_a_connection_error():
    with pytest.raises(ConnectionFailed, match="not a database URL"):
        Connection("main", "not a url").select("SELECT 1")


def test_chunked_read_streams_frames(conn, table, frame):
    conn.insert(table, frame)
    chunks = list(conn.dataframe(f"SELECT id FROM {table} ORDER BY id", chunksize=4))
    assert [len(chunk) for chunk in chunks] == [4, 2]
    assert pd.concat(chunks)["id"].tolist() == list(range(6))
    with pytest.raises(ParameterError, match="chunksize"):
        conn.dataframe("SELECT 1", chunksize=0)
    with pytest.raises(ParameterError, match="cannot be combined"):
        conn.dataframe("SELECT 1", chunksize=2, cache=True)


def test_cache_serves_the_same_frame_without_the_database(conn, table, frame):
    conn.insert(table, frame)
    sql = f"SELECT * FROM {table} WHERE id >= %(low)s ORDER BY id"
    first = conn.dataframe(sql, low=1, cache=True)
    conn.execute(f"DELETE FROM {table}")
    pd.testing.assert_frame_equal(conn.dataframe(sql, low=1, cache=True), first)
    assert conn.dataframe(sql, low=2, cache=True).empty  # other parameters, other key
    assert conn.dataframe(sql, low=1).empty  # no cache: the database


def test_replace_swaps_the_table_atomically(conn, table, frame):
    conn.insert(table, frame)
    conn.replace(table, frame.head(2))
    assert conn.select(f"SELECT count(*) FROM {table}") == [(2,)]
    # fails half way through the write: SQLite cannot bind a dict, PostgreSQL refuses NUL in text
    bad_value = {"not": "storable"} if conn.backend == "sqlite" else "a\x00b"
    bad = pd.DataFrame({"id": [1, 2], "blob": ["fine", bad_value]})
    with pytest.raises(QueryError, match=f"REPLACE.*{table}|{table}"):
        conn.replace(table, bad)
    assert conn.select(f"SELECT count(*) FROM {table}") == [(2,)]  # the old table is intact
    leftovers = [name for name in _tables(conn) if name.startswith(f"{table}__lore_")]
    assert leftovers == []


def test_replace_takes_chunks(conn, table, frame):
    conn.insert(table, frame)
    conn.replace(table, (frame.iloc[start : start + 2] for start in range(0, len(frame), 2)))
    assert conn.select(f"SELECT count(*) FROM {table}") == [(len(frame),)]
    with pytest.raises(DataError, match="got no frames"):
        conn.replace(table, iter([]))
    assert conn.select(f"SELECT count(*) FROM {table}") == [(len(frame),)]  # unchanged


def _tables(conn):
    import sqlalchemy

    return sqlalchemy.inspect(conn.engine).get_table_names()


def test_temporary_table_is_dropped_after_use(conn, frame):
    with conn.temporary_table(frame) as name:
        assert conn.select(f"SELECT count(*) FROM {name}") == [(6,)]
    assert name not in _tables(conn)


def test_bad_table_names_are_refused(conn, frame):
    with pytest.raises(ParameterError, match="not a plain identifier"):
        conn.insert("users; DROP TABLE users", frame)


def test_connections_come_from_database_cfg(project, monkeypatch, postgres_url):
    monkeypatch.setenv("WAREHOUSE_URL", postgres_url)
    (project / "config" / "database.cfg").write_text("[WAREHOUSE]\nurl: $WAREHOUSE_URL\n")
    lore.io._open.clear()
    assert lore.io.warehouse.url == postgres_url
    assert lore.io.warehouse is lore.io.connection("WAREHOUSE")
    assert lore.io.warehouse.select("SELECT 1") == [(1,)]
    assert lore.io.main.url == f"sqlite:///{project / 'data' / 'main.sqlite'}"
    assert set(lore.io.connections()) == {"main", "warehouse"}
    with pytest.raises(AttributeError, match="no connection 'nowhere'"):
        lore.io.nowhere  # noqa: B018


def test_unknown_key_in_a_section_is_an_error(project):
    from lore.errors import UnknownConfigKey

    (project / "config" / "database.cfg").write_text("[MAIN]\nurl: sqlite://\npasword: x\n")
    lore.io._open.clear()
    with pytest.raises(UnknownConfigKey, match="pasword"):
        lore.io.connection("main")


def test_section_without_url_is_an_error(project):
    from lore.errors import ConfigError

    (project / "config" / "database.cfg").write_text("[OTHER]\nurl:\n")
    with pytest.raises(ConfigError, match=r"\[OTHER\].*no url"):
        lore.io.connection("other")


def test_embedded_main_works_without_config(project):
    lore.io._open.clear()
    main = lore.io.main
    main.replace("numbers", pd.DataFrame({"n": [1, 2, 3]}))
    assert main.select("SELECT sum(n) FROM numbers") == [(6,)]
    assert (project / "data" / "main.sqlite").is_file()
    lore.io._open.clear()


def test_insert_into_an_existing_table_keeps_its_column_types(conn, table):
    conn.execute(f"CREATE TABLE {table} (id integer, label text, at timestamp)")
    frame = pd.DataFrame(
        {
            "id": [1, 2],
            "label": pd.Categorical(["a", "b"]),
            "at": pd.to_datetime(["2024-01-01", "2024-01-02"]),
        }
    )
    conn.insert(table, frame)
    result = conn.dataframe(f"SELECT * FROM {table} ORDER BY id")
    assert result["id"].tolist() == [1, 2] and result["label"].tolist() == ["a", "b"]
    assert str(pd.Timestamp(result["at"][1])) == "2024-01-02 00:00:00"


def test_string_parameters_compare_with_dates_and_numbers(conn):
    import datetime

    assert conn.select("SELECT 1 WHERE current_date >= %(d)s", d="2024-01-01") == [(1,)]
    assert conn.dataframe("SELECT 1 AS a WHERE current_date >= %(d)s", d="2024-01-01")["a"].tolist() == [1]
    assert conn.dataframe("SELECT 2 AS a WHERE %(d)s <= current_date", d=datetime.date(2024, 1, 1))[
        "a"
    ].tolist() == [2]
    assert conn.dataframe("SELECT %(x)s AS a", x=None)["a"].isna().all()


def test_postgres_reads_reconnect_and_retry_once_after_the_session_is_killed(conn, caplog):
    if conn.backend != "postgresql":
        pytest.skip("the ADBC connection is PostgreSQL's")
    pid = conn.dataframe("SELECT pg_backend_pid() AS pid")["pid"][0]
    conn.select("SELECT pg_terminate_backend(%(pid)s)", pid=int(pid))
    with caplog.at_level("WARNING", logger="lore.io.database"):
        assert conn.dataframe("SELECT 1 AS a")["a"].tolist() == [1]  # ADBC session: retried
    assert "dropped" in caplog.text and "retrying" in caplog.text
    pooled = conn.select("SELECT pg_backend_pid()")[0][0]
    killer = Connection("killer", conn.url)
    killer.select("SELECT pg_terminate_backend(%(pid)s)", pid=int(pooled))
    killer.close()
    caplog.clear()
    with caplog.at_level("WARNING", logger="lore.io.database"):
        assert conn.select("SELECT 2") == [(2,)]  # the pooled SQLAlchemy session: retried too
    assert "retrying" in caplog.text


def test_writes_are_not_retried_after_a_dropped_connection(conn, table):
    if conn.backend != "postgresql":
        pytest.skip("killing a session is PostgreSQL's")
    conn.execute(f"CREATE TABLE {table} (a int)")
    pooled = conn.select("SELECT pg_backend_pid()")[0][0]
    killer = Connection("killer", conn.url)
    killer.select("SELECT pg_terminate_backend(%(pid)s)", pid=int(pooled))
    killer.close()
    with pytest.raises(ConnectionFailed):
        conn.execute(f"INSERT INTO {table} VALUES (1)")
    assert conn.select(f"SELECT count(*) FROM {table}") == [(0,)]


def test_transaction_commits_at_the_end_of_the_block(conn, table, frame):
    conn.execute(f"CREATE TABLE {table} (id int, name text)")
    with conn as transaction:
        assert transaction is conn and conn.in_transaction
        conn.execute(f"INSERT INTO {table} VALUES (1, 'a')")
        conn.insert(table, pd.DataFrame({"id": [2, 3], "name": ["b", "c"]}))
        assert conn.select(f"SELECT count(*) FROM {table}") == [(3,)]  # its own rows are visible
        assert conn.dataframe(f"SELECT id FROM {table} ORDER BY id")["id"].tolist() == [1, 2, 3]
        other = Connection("other", conn.url)
        assert other.select(f"SELECT count(*) FROM {table}") == [(0,)]  # others see nothing yet
        other.close()
    assert not conn.in_transaction
    assert conn.select(f"SELECT count(*) FROM {table}") == [(3,)]


def test_transaction_rolls_back_when_the_block_raises(conn, table):
    conn.execute(f"CREATE TABLE {table} (id int)")
    with pytest.raises(RuntimeError, match="boom"), conn:
        conn.execute(f"INSERT INTO {table} VALUES (1)")
        conn.insert(table, pd.DataFrame({"id": [2]}))
        raise RuntimeError("boom")
    assert conn.select(f"SELECT count(*) FROM {table}") == [(0,)]
    with pytest.raises(QueryError), conn:  # a failing statement rolls back the ones before it
        conn.execute(f"INSERT INTO {table} VALUES (1)")
        conn.execute("INSERT INTO no_such_table_xyz VALUES (1)")
    assert conn.select(f"SELECT count(*) FROM {table}") == [(0,)]


def test_nested_transactions_are_savepoints(conn, table):
    conn.execute(f"CREATE TABLE {table} (id int)")
    with conn:
        conn.execute(f"INSERT INTO {table} VALUES (1)")
        with pytest.raises(ValueError), conn:
            conn.execute(f"INSERT INTO {table} VALUES (2)")
            raise ValueError
        conn.execute(f"INSERT INTO {table} VALUES (3)")
    assert conn.select(f"SELECT id FROM {table} ORDER BY id") == [(1,), (3,)]


def test_ddl_in_a_transaction_is_rolled_back(conn, table):
    with pytest.raises(RuntimeError), conn:
        conn.execute(f"CREATE TABLE {table} (id int)")
        raise RuntimeError
    with pytest.raises(QueryError):
        conn.select(f"SELECT count(*) FROM {table}")


def test_several_statements_in_one_call(conn, table):
    touched = conn.execute(
        f"CREATE TABLE {table} (id int, note text); "
        f"INSERT INTO {table} VALUES (1, 'a;b'), (2, %(note)s); -- a comment; with a semicolon\n"
        f"UPDATE {table} SET note = 'x' WHERE id = %(id)s;",
        note="it's; fine",
        id=1,
    )
    assert touched == 1
    assert conn.select(f"SELECT count(*) FROM {table}; SELECT note FROM {table} ORDER BY id") == [
        ("x",),
        ("it's; fine",),
    ]
    frame = conn.dataframe(
        f"UPDATE {table} SET id = id + %(step)s; SELECT id FROM {table} ORDER BY id", step=10
    )
    assert frame["id"].tolist() == [11, 12]
    assert conn.select(f"DELETE FROM {table}") == []


def test_several_statements_are_all_or_none(conn, table):
    conn.execute(f"CREATE TABLE {table} (id int)")
    with pytest.raises(QueryError):
        conn.execute(f"INSERT INTO {table} VALUES (1); INSERT INTO no_such_table_xyz VALUES (2)")
    assert conn.select(f"SELECT count(*) FROM {table}") == [(0,)]


def test_insert_in_batches(conn, table, frame):
    conn.insert(table, frame, batch_size=4)
    conn.insert(table, frame.head(0), batch_size=4)
    assert conn.select(f"SELECT count(*) FROM {table}") == [(6,)]
    assert conn.dataframe(f"SELECT id FROM {table} ORDER BY id")["id"].tolist() == list(range(6))
    with pytest.raises(ParameterError, match="batch_size"):
        conn.insert(table, frame, batch_size=0)


def test_chunks_are_exact_and_consistent_with_a_full_read(conn, table):
    import numpy as np

    frame = pd.DataFrame({"id": np.arange(25_000), "text": [f"row {i}" for i in range(25_000)]})
    conn.insert(table, frame)
    sql = f"SELECT * FROM {table} WHERE id >= %(low)s ORDER BY id"
    chunks = list(conn.dataframe(sql, low=0, chunksize=10_000))
    assert [len(chunk) for chunk in chunks] == [10_000, 10_000, 5_000]
    pd.testing.assert_frame_equal(pd.concat(chunks, ignore_index=True), conn.dataframe(sql, low=0))
    empty = list(conn.dataframe(sql, low=10**9, chunksize=10))
    assert len(empty) == 1 and empty[0].empty and list(empty[0].columns) == ["id", "text"]


def test_a_forked_child_opens_its_own_postgres_session(conn):
    import os

    if conn.backend != "postgresql":
        pytest.skip("the ADBC connection is PostgreSQL's")
    parent = conn.dataframe("SELECT pg_backend_pid() AS pid")["pid"][0]
    parent_pool = conn.select("SELECT pg_backend_pid()")[0][0]
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        ok = conn.dataframe("SELECT pg_backend_pid() AS pid")["pid"][0] != parent
        ok = ok and conn.select("SELECT pg_backend_pid()")[0][0] != parent_pool
        os._exit(0 if ok else 1)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert conn.dataframe("SELECT pg_backend_pid() AS pid")["pid"][0] == parent  # the parent's are intact
    assert conn.select("SELECT pg_backend_pid()") == [(parent_pool,)]


def test_postgres_scheme_is_postgresql(postgres_url):
    heroku = postgres_url.replace("postgresql://", "postgres://", 1)
    conn = Connection("heroku", heroku)
    assert conn.url == postgres_url and conn.backend == "postgresql"
    assert conn.select("SELECT 1") == [(1,)]


WITHOUT_ADBC = """
import logging, sys
import pandas as pd
from lore.io.database import Connection

logging.basicConfig(format="WARNING %(message)s", stream=sys.stderr)
url, table = sys.argv[3:5]
conn = Connection("main", url)
frame = pd.DataFrame({"name": ["a", "b", "c"], "score": [1, 2, 3]})
conn.insert(table, frame)
conn.replace(table, frame.head(2))
query = f"SELECT name, score FROM {table} WHERE score > %(low)s ORDER BY score"
print(conn.dataframe(query, low=1).to_dict("list"))
print(sum(len(part) for part in conn.dataframe(f"SELECT * FROM {table}", chunksize=1)))
conn.execute(f"DROP TABLE {table}")
"""


def test_without_the_adbc_driver_postgresql_goes_through_psycopg_with_one_warning(without, postgres_url):
    import uuid

    table = f"lore_no_adbc_{uuid.uuid4().hex[:8]}"
    code = f"import sys\nsys.argv[3:] = {[postgres_url, table]!r}\n{WITHOUT_ADBC}"
    done = without(["adbc_driver_postgresql", "adbc_driver_manager"], code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["{'name': ['b'], 'score': [2]}", "2"]
    warnings = [line for line in done.stderr.splitlines() if line.startswith("WARNING")]
    assert len(warnings) == 1 and "adbc_driver" in warnings[0] and "lore-ml[sql]" in warnings[0], done.stderr


def test_cache_keys_are_typed(conn):
    from lore.io.statement import Statement

    def key(value):
        return conn.cache_key(Statement("SELECT %(v)s AS v", {"v": value}))

    values = [b"abc", "b'abc'", 1, "1", 1.0, True, None, "None", [1, 2], "[1, 2]", (1, 2)]
    keys = [key(value) for value in values]
    assert len(set(keys)) == len(keys) - 1  # only the list and the tuple (bound alike) share one
    assert key([1, 2]) == key((1, 2))
    assert conn.dataframe("SELECT %(v)s AS v", v="b'abc'", cache=True)["v"].tolist() == ["b'abc'"]
    assert conn.dataframe("SELECT %(v)s AS v", v=b"abc", cache=True)["v"].tolist() == [b"abc"]


def test_a_dead_redis_cache_is_a_warning_and_a_database_read(tmp_path, caplog):
    from lore.io.redis_cache import RedisCache

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"sqlite:///{tmp_path / 'test.sqlite'}"
    cache = RedisCache(f"redis://:hunter2@127.0.0.1:{port}/0")  # nothing listens there
    connection = Connection("main", url, cache=cache)
    started = time.monotonic()
    for _ in range(3):
        assert connection.dataframe("SELECT 42 AS answer", cache=True)["answer"].tolist() == [42]
    assert time.monotonic() - started < 5
    assert "query cache of main failed" in caplog.text and "reading from the database" in caplog.text
    assert "hunter2" not in caplog.text
    connection.close()
