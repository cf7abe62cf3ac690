"""lore.io speed on PostgreSQL, side by side with pandas, in one run.

Builds a ``--rows`` (default 1,000,000) row, 10-column table in the PostgreSQL at
``$LORE_TEST_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432/test``):
integers, floats, text and timestamps, some columns with NULLs. Then measures:

- ``Connection.dataframe`` against ``pandas.read_sql`` on the same query and the
  same SQLAlchemy engine (psycopg2), and whether the dtypes match;
- the same read against the strongest peers and the floor, interleaved (min, median,
  load average): connectorx (from ``$LORE_BENCH_VENVS/connectorx``, see
  ``benchmarks/harness.py``; skipped with a reason when absent), ``pandas.read_sql``
  on an ADBC connection, and ``psql \\copy`` to ``/dev/null``; and the numeric column
  asked as float8 against the text parse lore did before;
- the CPU seconds of that read, client and server process together, against the
  same for ``psql \\copy`` (what the wall-clock ratio tends to on a busy machine);
- a cached re-read (``cache=True``, :class:`~lore.io.DiskCache`) against the
  uncached ``Connection.dataframe``;
- ``Connection.insert`` of that frame against ``DataFrame.to_sql`` on an ADBC
  connection (pandas ingests through ADBC too: the strongest peer), ``to_sql`` on the
  SQLAlchemy engine (pandas defaults) and the floor, ``psql \\copy ... FROM`` a text
  file of the same rows, interleaved (min, median, load average);
- a list parameter (``id IN %(ids)s``, 1,000 bound values) against its neighbour, a
  range of scalar parameters reading the same 1,000 rows, and a transaction
  (``with conn:``) of 20 statements against the same statements each on their own;
- the peak RSS of a chunked read (``chunksize=--chunk``) against a full read, each in a
  fresh subprocess, above the RSS after imports (``VmHWM`` of ``/proc/self/status``,
  reset first through ``/proc/self/clear_refs``: ``getrusage``'s ``ru_maxrss`` would
  carry over this process's peak).

Timings are the median of ``--runs``, alternating lore and the alternative. Prints
one JSON line per figure.

    python benchmarks/bench_io.py [--rows 1000000] [--runs 3] [--chunk 50000]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid

URL = os.environ.get("LORE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
TABLE = f"bench_io_{uuid.uuid4().hex[:8]}"


def emit(metric: str, value: float, unit: str, vs: str | None = None, other: float | None = None) -> None:
    entry: dict[str, object] = {"benchmark": "io", "metric": metric, "value": round(value, 4), "unit": unit}
    if vs is not None and other is not None:
        entry.update(vs=vs, vs_value=round(other, 4), ratio=round(other / value, 2) if value else None)
    print(json.dumps(entry), flush=True)


def seconds(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def compare(runs: int, ours, theirs) -> tuple[float, float]:
    """Median seconds of ``ours`` and ``theirs``, alternating."""
    mine, other = [], []
    for _ in range(runs):
        mine.append(seconds(ours))
        other.append(seconds(theirs))
    return statistics.median(mine), statistics.median(other)


def build(conn, rows: int) -> None:
    conn.execute(
        f"""CREATE TABLE {TABLE} AS
        SELECT g AS id,
               (g % 1000)::int4 AS small,
               CASE WHEN g % 7 = 0 THEN NULL ELSE g * 3 END AS maybe_int,
               random() AS x,
               CASE WHEN g % 5 = 0 THEN NULL ELSE random() * 100 END AS maybe_float,
               'name_' || (g % 5000) AS name,
               CASE WHEN g % 3 = 0 THEN NULL ELSE md5(g::text) END AS maybe_text,
               timestamp '2020-01-01' + g * interval '1 second' AS created,
               CASE WHEN g % 11 = 0 THEN NULL
                    ELSE timestamp '2021-01-01' + g * interval '1 minute' END AS updated,
               (g % 100) / 10.0 AS score
        FROM generate_series(1, %(rows)s) AS g""",
        rows=rows,
    )


MEMORY = textwrap.dedent(
    """
    import sys
    import pandas, sqlalchemy, pyarrow, adbc_driver_postgresql.dbapi
    from lore.io.database import Connection

    def status(field):
        with open("/proc/self/status") as stream:
            return next(int(line.split()[1]) for line in stream if line.startswith(field))

    conn = Connection("bench", sys.argv[1])
    conn.select("SELECT 1")
    with open("/proc/self/clear_refs", "w") as stream:
        stream.write("5")  # reset the peak RSS (VmHWM) to the current RSS
    before = status("VmRSS:")
    chunk = int(sys.argv[3])
    rows = 0
    if chunk:
        for frame in conn.dataframe(f"SELECT * FROM {sys.argv[2]}", chunksize=chunk):
            rows += len(frame)
            del frame
    else:
        rows = len(conn.dataframe(f"SELECT * FROM {sys.argv[2]}"))
    print(rows, (status("VmHWM:") - before) / 1024)
    """
)


def peak_mib(chunk: int) -> float:
    out = subprocess.run(
        [sys.executable, "-c", MEMORY, URL, TABLE, str(chunk)], check=True, capture_output=True, text=True
    ).stdout.split()
    return float(out[1])


CONNECTORX = textwrap.dedent(
    """
    import sys, time
    import connectorx
    start = time.perf_counter()
    frame = connectorx.read_sql(sys.argv[1], sys.argv[2], return_type="pandas")
    print(time.perf_counter() - start, len(frame))
    """
)


def bench_peers(conn, sql: str, rounds_: int) -> None:
    """``dataframe`` against the strongest readers and the client floor, interleaved.

    connectorx (from its throwaway venv, timed inside its process, import excluded),
    ``pandas.read_sql`` on an ADBC connection, and ``psql \\copy (...) TO /dev/null``
    (the text COPY stream, parsed by nobody: the floor of a client read).
    """
    import adbc_driver_postgresql.dbapi
    import harness
    import pandas as pd

    from lore.io import postgres_fast

    adbc = adbc_driver_postgresql.dbapi.connect(postgres_fast.adbc_uri(URL), autocommit=True)
    cases = {
        "lore": lambda: conn.dataframe(sql),
        "pandas.read_sql on ADBC": lambda: pd.read_sql(sql, adbc),
        "psql \\copy to /dev/null": lambda: subprocess.run(
            ["psql", postgres_fast.adbc_uri(URL), "-qc", f"\\copy ({sql}) TO '/dev/null'"], check=True
        ),
    }
    bin_dir = harness.peer("connectorx", "python")
    if bin_dir is not None:
        cx_seconds: list[float] = []

        def connectorx() -> None:
            out = subprocess.run(
                [str(bin_dir / "python"), "-c", CONNECTORX, postgres_fast.adbc_uri(URL), sql],
                check=True,
                capture_output=True,
                text=True,
            ).stdout.split()
            cx_seconds.append(float(out[0]))

        cases["connectorx"] = connectorx
    times = harness.interleave(cases, rounds_)
    if bin_dir is not None:  # its own timing: the read, not the interpreter's start
        times["connectorx"] = cx_seconds
    harness.compare("io", "dataframe of the whole table", times, "lore")
    adbc.close()

    def as_text() -> None:  # what lore did before: numerics as text, parsed by Arrow
        with conn._adbc_connection() as session:
            cursor = session.cursor()
            cursor.execute(sql)
            postgres_fast.arrow_to_frame(cursor.fetch_arrow_table())
            cursor.close()

    times = harness.interleave(
        {"numerics as float8": lambda: conn.dataframe(sql), "as text": as_text}, rounds_
    )
    harness.compare("io", "dataframe, numerics asked as float8", times, "numerics as float8")


STAT = "SELECT split_part(pg_read_file('/proc/self/stat'), ')', 2)"  # the backend's own CPU ticks


def ticks(stat: str) -> float:
    """CPU seconds (user + system) in the text of a ``/proc/<pid>/stat`` after its ``)``."""
    fields = stat.split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bench_cpu(conn, sql: str, rounds_: int) -> None:
    """CPU seconds of a read, client and server together: lore against ``psql \\copy``.

    On a loaded machine wall times follow the CPU each side needs, so this is the
    figure the wall-clock ratio tends to. The server's share is read by the backend
    itself (``pg_read_file('/proc/self/stat')``: a superuser on the same machine);
    skipped with a reason otherwise.
    """
    import resource

    import harness

    from lore.io import postgres_fast

    folder = tempfile.mkdtemp(prefix="bench_io_")
    before, after = os.path.join(folder, "before"), os.path.join(folder, "after")
    script = os.path.join(folder, "copy.sql")
    with open(script, "w") as stream:
        stream.write(f"\\o {before}\n{STAT};\n\\o\n\\copy ({sql}) TO '/dev/null'\n\\o {after}\n{STAT};\n")

    def backend() -> float:
        with conn._adbc_connection() as session:
            cursor = session.cursor()
            cursor.execute(STAT)
            stat = cursor.fetchone()[0]
            cursor.close()
        return ticks(stat)

    try:
        backend()
    except Exception as error:  # not a superuser, or the server is elsewhere
        print(json.dumps({"skipped": "CPU seconds", "reason": str(error).splitlines()[0]}), flush=True)
        return

    def lore() -> float:
        server, client = backend(), time.process_time()
        conn.dataframe(sql)
        return time.process_time() - client + backend() - server

    def psql() -> float:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(["psql", postgres_fast.adbc_uri(URL), "-Atqf", script], check=True)
        done = resource.getrusage(resource.RUSAGE_CHILDREN)
        with open(before) as first, open(after) as last:
            server = ticks(last.read()) - ticks(first.read())
        return server + done.ru_utime + done.ru_stime - children.ru_utime - children.ru_stime

    cpu: dict[str, list[float]] = {"lore": [], "psql \\copy to /dev/null": []}
    for _ in range(rounds_):
        cpu["lore"].append(lore())
        cpu["psql \\copy to /dev/null"].append(psql())
    harness.compare("io", "CPU seconds of the whole-table read, client + server", cpu, "lore", unit="CPU s")
    shutil.rmtree(folder)


def bench_inserts(conn, frame, rounds_: int) -> None:
    """``insert`` against ``to_sql`` on ADBC and on SQLAlchemy, and the ``psql \\copy`` floor, interleaved.

    pandas on an ADBC connection ingests through ADBC too (the strongest insert peer);
    ``psql \\copy ... FROM`` a text file of the same rows, into an empty table of the
    types lore created (made before the clock starts), is the floor of a client write.
    """
    import adbc_driver_postgresql.dbapi
    import harness

    from lore.io import postgres_fast

    adbc = adbc_driver_postgresql.dbapi.connect(postgres_fast.adbc_uri(URL), autocommit=True)
    conn.insert(f"{TABLE}_seed", frame)
    folder = tempfile.mkdtemp(prefix="bench_io_")
    rows = os.path.join(folder, "rows.txt")
    psql = ["psql", postgres_fast.adbc_uri(URL), "-qc"]
    subprocess.run([*psql, f"\\copy {TABLE}_seed TO '{rows}'"], check=True)
    for round_ in range(rounds_):
        conn.execute(f"CREATE TABLE {TABLE}_floor_{round_} (LIKE {TABLE}_seed)")
    targets = {side: iter(range(rounds_)) for side in ("lore", "adbc", "sqlalchemy", "floor")}
    times = harness.interleave(
        {
            "lore": lambda: conn.insert(f"{TABLE}_lore_{next(targets['lore'])}", frame),
            "DataFrame.to_sql on ADBC": lambda: frame.to_sql(
                f"{TABLE}_adbc_{next(targets['adbc'])}", adbc, index=False
            ),
            "DataFrame.to_sql on SQLAlchemy": lambda: frame.to_sql(
                f"{TABLE}_pandas_{next(targets['sqlalchemy'])}", conn.engine, index=False
            ),
            "psql \\copy from a file": lambda: subprocess.run(
                [*psql, f"\\copy {TABLE}_floor_{next(targets['floor'])} FROM '{rows}'"], check=True
            ),
        },
        rounds_,
    )
    harness.compare("io", f"insert of {len(frame):,} rows", times, "lore")
    adbc.close()
    shutil.rmtree(folder)


def bench_new_features(conn, rows: int, rounds: int) -> None:
    """List parameters and transactions at the speed of their neighbours (min, median, load)."""
    import harness

    step = max(rows // 1000, 1)
    ids = list(range(1, rows + 1, step))[:1000]
    first, last = 1, len(ids)
    listed = f"SELECT id, x FROM {TABLE} WHERE id IN %(ids)s"
    ranged = f"SELECT id, x FROM {TABLE} WHERE id BETWEEN %(low)s AND %(high)s"
    for method in ("dataframe", "select"):
        read = getattr(conn, method)
        times = harness.interleave(
            {
                "a 1,000-value IN list": lambda read=read: read(listed, ids=ids),
                "a scalar range": lambda read=read: read(ranged, low=first, high=last),
            },
            rounds,
        )
        harness.compare(
            "io",
            f"{method} of 1,000 rows",
            harness.milliseconds(times),
            ours="a 1,000-value IN list",
            unit="ms",
        )

    def update(value: int) -> None:
        conn.execute(f"UPDATE {TABLE} SET small = %(v)s WHERE id = %(id)s", v=value, id=value + 1)

    def transaction() -> None:
        with conn:
            for value in range(20):
                update(value)

    def separately() -> None:
        for value in range(20):
            update(value)

    times = harness.interleave({"one transaction": transaction, "each on its own": separately}, rounds)
    harness.compare("io", "20 updates", harness.milliseconds(times), ours="one transaction", unit="ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chunk", type=int, default=50_000)
    parser.add_argument("--reads-only", action="store_true", help="stop after the reads against the peers")
    args = parser.parse_args()

    import pandas as pd

    from lore.io.database import Connection
    from lore.io.disk_cache import DiskCache

    folder = tempfile.mkdtemp(prefix="bench_io_")
    conn = Connection("bench", URL, cache=DiskCache(folder, max_bytes=8 << 30))
    build(conn, args.rows)
    sql = f"SELECT * FROM {TABLE}"
    try:
        conn.dataframe("SELECT 1 AS warm")  # connect both paths before timing
        pd.read_sql("SELECT 1", conn.engine)

        ours, theirs = compare(args.runs, lambda: conn.dataframe(sql), lambda: pd.read_sql(sql, conn.engine))
        emit("dataframe_seconds", ours, "s", "pandas.read_sql", theirs)
        same = conn.dataframe(sql).dtypes.to_dict() == pd.read_sql(sql, conn.engine).dtypes.to_dict()
        emit("dataframe_same_dtypes", float(same), "bool")
        bench_peers(conn, sql, args.runs)
        bench_cpu(conn, sql, args.runs)
        if args.reads_only:
            return

        conn.dataframe(sql, cache=True)  # fill
        cached, uncached = compare(
            args.runs, lambda: conn.dataframe(sql, cache=True), lambda: conn.dataframe(sql)
        )
        emit("cached_reread_seconds", cached, "s", "uncached Connection.dataframe", uncached)

        bench_inserts(conn, conn.dataframe(sql), args.runs)

        bench_new_features(conn, args.rows, max(args.runs, 5))

        chunked, full = peak_mib(args.chunk), peak_mib(0)
        emit(f"chunked_read_peak_rss_chunk_{args.chunk}", chunked, "MiB", "full read peak RSS", full)
    finally:
        import sqlalchemy

        names = sqlalchemy.inspect(conn.engine).get_table_names()
        for name in names:
            if name.startswith(TABLE):
                conn.execute(f"DROP TABLE {name}")
        conn.cache.clear()
        conn.close()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
