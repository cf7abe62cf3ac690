"""The ADBC connections of the PostgreSQL fast path: closed at exit, cleanly, by their own process."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from lore.io import postgres_fast

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def adbc_installed() -> None:
    if not postgres_fast.available():
        pytest.skip('the ADBC driver is not installed (pip install "lore-ml[sql]")')


def test_connections_left_open_close_quietly_at_exit(postgres_url, adbc_installed, tmp_path):
    # lore.io held until the modules' globals are cleared (as under pytest): ADBC's __del__
    # then ran without its module's globals and printed "TypeError: 'NoneType' object is not callable"
    code = f"""
        import sys
        import lore.io
        conn = lore.io.connection("main", {postgres_url!r})
        assert conn.dataframe("SELECT 1 AS one")["one"].tolist() == [1]
        chunks = conn.dataframe("SELECT generate_series(1, 1000) AS n", chunksize=10)
        next(iter(chunks))  # a chunked read abandoned midway holds its own connection
        sys.keep = lore.io
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LORE_ROOT": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-X", "dev", "-c", textwrap.dedent(code)],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120,
    )  # fmt: skip
    assert (result.returncode, result.stderr) == (0, "")


def test_close_all_closes_this_process_connections_not_a_parent_s(postgres_url, adbc_installed):
    from lore.io.database import Connection

    sessions = Connection("sessions", postgres_url)  # through psycopg: close_all leaves it open

    def alive(pid: int) -> bool:
        return sessions.select("SELECT count(*) FROM pg_stat_activity WHERE pid = %(pid)s", pid=pid) == [(1,)]

    adbc = postgres_fast.connect(postgres_url)
    pid = int(postgres_fast.read(adbc, "SELECT pg_backend_pid() AS pid", [])["pid"][0])
    child = os.fork()
    if child == 0:  # a forked child's close_all must not end the parent's session
        postgres_fast.close_all()
        os._exit(0)
    assert os.waitpid(child, 0)[1] == 0
    assert postgres_fast.read(adbc, "SELECT 1 AS one", [])["one"].tolist() == [1]
    postgres_fast.close_all()
    deadline = time.monotonic() + 10
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(pid)
    sessions.close()
