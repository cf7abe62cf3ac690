"""lore.cluster: settings, a real connection, an unreachable scheduler, version mismatches."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import lore.cluster
from lore.errors import ClusterError, ConfigError


def test_no_setting_means_no_cluster(project: Path) -> None:
    assert lore.cluster.settings() is None
    assert lore.cluster.client() is None


def test_environment_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LORE_CLUSTER", "scheduler:8786")
    monkeypatch.setenv("LORE_CLUSTER_WORKERS", "3")
    found = lore.cluster.settings(folder=None)
    assert (found.address, found.workers, found.fallback) == ("tcp://scheduler:8786", 3, False)
    monkeypatch.setenv("LORE_CLUSTER", "LOCAL")
    assert lore.cluster.settings(folder=None).local


def test_config_file_setting(project: Path) -> None:
    (project / "config" / "cluster.cfg").write_text(
        "[CLUSTER]\naddress: tcp://10.0.0.5:8786\nworkers: 4\nfallback: local\ntimeout: 2.5\n"
    )
    found = lore.cluster.settings()
    assert (found.address, found.workers, found.fallback, found.timeout) == (
        "tcp://10.0.0.5:8786",
        4,
        True,
        2.5,
    )
    assert found.source.endswith("cluster.cfg")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("address: tcp://host\n", "has no port"),
        ("address: local\nworkers: many\n", "workers must be a positive int"),
        ("address: local\nfallback: maybe\n", "fallback must be 'local' or 'none'"),
        ("address: local\nnodes: 3\n", "unknown key 'nodes'"),
    ],
)
def test_bad_config_is_clear(project: Path, text: str, message: str) -> None:
    (project / "config" / "cluster.cfg").write_text("[CLUSTER]\n" + text)
    with pytest.raises(ConfigError, match=message):
        lore.cluster.settings()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_scheduler_is_a_clear_error(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    address = f"tcp://127.0.0.1:{_free_port()}"
    monkeypatch.setenv("LORE_CLUSTER", address)
    monkeypatch.setenv("LORE_CLUSTER_TIMEOUT", "1")
    with pytest.raises(ClusterError, match=f"cannot reach the Dask scheduler at {address}.*dask scheduler"):
        lore.cluster.client()  # how quickly: benchmarks/bench_scale.py (unreachable_scheduler_error)


def test_fallback_to_a_local_cluster_only_when_configured(project: Path) -> None:
    address = f"tcp://127.0.0.1:{_free_port()}"
    (project / "config" / "cluster.cfg").write_text(
        f"[CLUSTER]\naddress: {address}\nworkers: 1\ntimeout: 1\nfallback: local\n"
    )
    client = lore.cluster.connect(lore.cluster.settings())
    try:
        assert client.cluster is not None and len(client.scheduler_info()["workers"]) == 1
        assert client.submit(sum, [1, 2]).result() == 3
    finally:
        client.cluster.close()
        client.close()


def test_client_is_connected_checked_and_cached(on_cluster) -> None:
    assert lore.cluster.client() is on_cluster
    assert on_cluster.submit(lambda: 41 + 1).result() == 42
    lore.cluster.check_versions(on_cluster)  # the same installation: nothing differs


def test_mismatched_versions_are_listed() -> None:
    versions = {
        "client": {"packages": {"python": "3.11.7.final.0", "dask": "2026.8.0", "xgboost": "3.2.0"}},
        "workers": {
            "tcp://10.0.0.1:4000": {
                "packages": {"python": "3.11.9.final.0", "dask": "2026.8.0", "xgboost": "3.2.0"}
            },
            "tcp://10.0.0.2:4000": {
                "packages": {"python": "3.12.1.final.0", "dask": "2025.1.0", "xgboost": None}
            },
        },
    }
    assert lore.cluster.mismatches(versions, ("python", "dask", "xgboost")) == [
        "python: client 3.11, worker tcp://10.0.0.2:4000 3.12",
        "dask: client 2026.8.0, worker tcp://10.0.0.2:4000 2025.1.0",
        "xgboost: client 3.2.0, worker tcp://10.0.0.2:4000 missing",
    ]


def test_a_worker_reporting_other_versions_is_a_cluster_error(local_cluster, monkeypatch) -> None:
    """A real scheduler and worker whose reported pandas version differs from this process's."""
    import distributed

    client = distributed.Client(local_cluster.scheduler_address, set_as_default=False)
    try:
        real = client.get_versions

        def skewed(**kwargs):  # what a worker with another pandas reports
            found = real(**kwargs)
            for report in found["workers"].values():
                report["packages"]["pandas"] = "1.5.3"
            return found

        monkeypatch.setattr(client, "get_versions", skewed)
        with pytest.raises(ClusterError, match=r"pandas: client \S+, worker tcp://127.0.0.1:\d+ 1.5.3"):
            lore.cluster.check_versions(client)
    finally:
        client.close()


@pytest.mark.slow
def test_scheduler_and_worker_processes(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`dask scheduler` and `dask worker` as separate processes on 127.0.0.1, as on real machines."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    scheduler = subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", str(port),
         "--no-dashboard"], **quiet,
    )  # fmt: skip
    worker = subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1", "--no-nanny",
         "--no-dashboard", "--host", "127.0.0.1"],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}, **quiet,
    )  # fmt: skip
    try:
        monkeypatch.setenv("LORE_CLUSTER", address)
        monkeypatch.setenv("LORE_CLUSTER_TIMEOUT", "20")
        client = lore.cluster.client()
        client.wait_for_workers(1, timeout=30)
        import pandas as pd

        from lore.io.database import Connection

        conn = Connection("events", f"sqlite:///{project / 'data' / 'events.sqlite'}")
        conn.insert("events", pd.DataFrame({"id": range(500), "value": [i % 7 for i in range(500)]}))
        frame = conn.dataframe("SELECT * FROM events", partitions=5, index="id")
        on_workers = client.compute(frame).result().reset_index(drop=True)
        pd.testing.assert_frame_equal(on_workers, conn.dataframe("SELECT * FROM events ORDER BY id"))
        assert lore.cluster.client() is client
    finally:
        lore.cluster.close()
        for process in (worker, scheduler):
            process.terminate()
            process.wait(timeout=20)
