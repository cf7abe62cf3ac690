"""A real Dask cluster for the cluster tests: 2 worker processes, started once per session."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest

import lore.cluster


@pytest.fixture(scope="session")
def local_cluster() -> Iterator[Any]:
    """A ``LocalCluster`` of 2 worker processes with 1 thread each."""
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
    )
    yield cluster
    lore.cluster.close()
    cluster.close()


@pytest.fixture
def on_cluster(local_cluster: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """``LORE_CLUSTER`` set to the session cluster; the connected ``lore.cluster.client()``."""
    monkeypatch.setenv("LORE_CLUSTER", local_cluster.scheduler_address)
    client = lore.cluster.client()
    client.wait_for_workers(2, timeout=30)
    return client


@pytest.fixture
def by_value() -> Any:
    """Ship a test module's classes to the workers by value (they cannot import test modules)."""
    import cloudpickle

    def register(name: str) -> None:
        module = sys.modules[name]
        if name not in cloudpickle.list_registry_pickle_by_value():
            cloudpickle.register_pickle_by_value(module)

    return register
