"""The Dask cluster a project runs on when its data no longer fits one machine.

The ``cluster`` setting is read from, in order:

1. ``LORE_CLUSTER``: a scheduler address (``tcp://scheduler:8786``) or ``local`` for
   a :class:`distributed.LocalCluster` of worker processes on this machine
   (``LORE_CLUSTER_WORKERS`` of them, default: one per core); ``LORE_CLUSTER_FALLBACK=1``
   starts a local cluster when the scheduler cannot be reached, and
   ``LORE_CLUSTER_TIMEOUT`` is how many seconds to try (default 10);
2. the ``[CLUSTER]`` section of ``config/cluster.cfg``::

       [CLUSTER]
       address: tcp://scheduler:8786
       workers: 4
       fallback: local
       timeout: 10

With neither, :func:`client` is ``None`` and everything runs in this process, as
before. With one, lore reads partitioned extracts, fits ``LowMemory`` pipelines,
trains XGBoost and runs hyper-parameter searches on the cluster; nothing in a
pipeline or model changes. Dask is imported only when a cluster is configured
(``pip install "lore-ml[dask]"``).

An unreachable scheduler is a :class:`~lore.errors.ClusterError` naming the address
(no silent fallback unless asked for), and so are workers whose packages differ from
this process's (a model pickled here must unpickle there).

>>> import os
>>> os.environ.pop("LORE_CLUSTER", None) and None
>>> settings(folder=None) is None
True
>>> client() is None
True
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lore.errors import ClusterError, ConfigError, MissingDependency

logger = logging.getLogger(__name__)

#: Keys the ``[CLUSTER]`` section of ``config/cluster.cfg`` may hold.
KEYS = frozenset({"address", "workers", "threads", "fallback", "timeout"})
#: Packages whose versions must agree between this process and the workers.
CHECKED_PACKAGES = (
    "python", "dask", "distributed", "cloudpickle", "msgpack", "numpy", "pandas", "pyarrow",
    "scikit-learn", "xgboost", "lore",
)  # fmt: skip
LOCAL = "local"

_lock = threading.Lock()
_cached: dict[str, Any] = {}


@dataclass(frozen=True)
class Settings:
    """Where the cluster is and what to do when it cannot be reached."""

    address: str
    workers: int | None = None
    threads: int = 1
    fallback: bool = False
    timeout: float = 10.0
    source: str = "LORE_CLUSTER"

    @property
    def local(self) -> bool:
        return self.address == LOCAL


def _number(text: str, key: str, source: str, kind: type = int) -> Any:
    try:
        value = kind(text)
    except ValueError:
        value = None
    if value is None or value <= 0:
        raise ConfigError(f"{source}: {key} must be a positive {kind.__name__}, not {text!r}")
    return value


def _address(text: str, source: str) -> str:
    address = text.strip()
    if address.lower() == LOCAL:
        return LOCAL
    if "://" not in address:
        address = f"tcp://{address}"
    if ":" not in address.split("://", 1)[1]:
        raise ConfigError(
            f"{source}: cluster address {text!r} has no port; write it as tcp://host:8786 or 'local'"
        )
    return address


def settings(folder: Path | str | None = "project") -> Settings | None:
    """The configured cluster, or ``None`` when none is (everything runs in this process).

    ``folder`` is the config folder (default: the project's; ``None``: the environment only).
    """
    variable = os.environ.get("LORE_CLUSTER", "").strip()
    fallback_variable = os.environ.get("LORE_CLUSTER_FALLBACK", "").strip().lower() in {"1", "true", "yes"}
    if variable:
        workers = os.environ.get("LORE_CLUSTER_WORKERS")
        timeout = os.environ.get("LORE_CLUSTER_TIMEOUT")
        return Settings(
            _address(variable, "LORE_CLUSTER"),
            _number(workers, "LORE_CLUSTER_WORKERS", "environment") if workers else None,
            fallback=fallback_variable,
            timeout=_number(timeout, "LORE_CLUSTER_TIMEOUT", "environment", float) if timeout else 10.0,
        )
    if folder is None:
        return None
    import lore.config

    config_folder = None if folder == "project" else Path(folder)
    section = lore.config.read("cluster", config_folder).get("CLUSTER")
    if section is None or not section.get("address"):
        return None
    section.check_keys(KEYS)
    source = str(section.values["address"].source)
    fallback = section.get("fallback", "").strip().lower()
    if fallback not in {"", LOCAL, "none"}:
        raise ConfigError(f"{source}: [CLUSTER] fallback must be 'local' or 'none', not {fallback!r}")
    return Settings(
        _address(section["address"], source),
        _number(section["workers"], "workers", source) if section.get("workers") else None,
        _number(section["threads"], "threads", source) if section.get("threads") else 1,
        fallback == LOCAL or fallback_variable,
        _number(section["timeout"], "timeout", source, float) if section.get("timeout") else 10.0,
        source,
    )


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:  # pragma: no cover - dask is an optional extra
        raise MissingDependency("distributed", "dask", "running on a Dask cluster") from None
    return distributed


def start_local(workers: int | None = None, threads: int = 1) -> Any:
    """A :class:`distributed.LocalCluster` of ``workers`` processes on this machine."""
    distributed = _distributed()
    workers = workers or os.cpu_count() or 1
    return distributed.LocalCluster(
        n_workers=workers, threads_per_worker=threads, processes=True, dashboard_address=None
    )


def mismatches(versions: dict[str, Any], packages: tuple[str, ...] = CHECKED_PACKAGES) -> list[str]:
    """Lines ``package: client X, scheduler Y, worker addr Z`` for every package that differs.

    ``versions`` is what :meth:`distributed.Client.get_versions` returns.
    """

    def of(report: Any, package: str) -> str:
        found = (report or {}).get("packages", {}).get(package)
        if package == "python" and found:
            found = ".".join(str(found).split(".")[:2])  # patch releases are compatible
        return str(found) if found is not None else "missing"

    lines = []
    for package in packages:
        client_version = of(versions.get("client"), package)
        workers = {address: of(report, package) for address, report in versions.get("workers", {}).items()}
        others = [
            f"worker {address} {version}" for address, version in workers.items() if version != client_version
        ]
        if others:
            lines.append(f"{package}: client {client_version}, " + ", ".join(others))
    return lines


def check_versions(client: Any) -> None:
    """Raise :class:`ClusterError` listing packages whose versions differ on the workers."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # dask warns; lore raises with the list below
        try:
            versions = client.get_versions(
                check=True, packages=["lore", "xgboost", "pyarrow", "scikit-learn"]
            )
        except ValueError as error:
            raise ClusterError(
                f"the cluster's package versions differ from this process's: {error}"
            ) from None
    found = mismatches(versions)
    if found:
        listing = "\n  ".join(found)
        raise ClusterError(
            f"the workers of {client.scheduler.address} run other package versions than this process:\n"
            f"  {listing}\nInstall the same versions on the workers (the same image or lockfile), "
            "or pickled models and encoders may not load there"
        )


def connect(config: Settings) -> Any:
    """A connected :class:`distributed.Client` for ``config`` (uncached; see :func:`client`)."""
    distributed = _distributed()
    if config.local:
        cluster = start_local(config.workers, config.threads)
        return distributed.Client(cluster, set_as_default=False)
    try:
        connected = distributed.Client(config.address, timeout=config.timeout, set_as_default=False)
    except (OSError, TimeoutError) as error:
        if config.fallback:
            logger.warning(
                "cluster %s unreachable (%s); falling back to a local cluster", config.address, error
            )
            return connect(Settings(LOCAL, config.workers, config.threads))
        raise ClusterError(
            f"cannot reach the Dask scheduler at {config.address} (from {config.source}) within "
            f"{config.timeout:g} s: {error}. Check that `dask scheduler` runs there, that the host and "
            "port are right and reachable from this machine (firewall, VPN), or unset LORE_CLUSTER to run "
            "in this process; set fallback: local in config/cluster.cfg (or LORE_CLUSTER_FALLBACK=1) to "
            "start a local cluster instead"
        ) from None
    try:
        check_versions(connected)
    except ClusterError:
        connected.close()
        raise
    return connected


def client() -> Any:
    """The project's connected :class:`distributed.Client`, created once; ``None`` without a cluster.

    Inside a task on a worker it is ``None`` too: a task runs where it was sent.
    """
    config = settings()
    if config is None or in_worker():
        return None
    with _lock:
        cached = _cached.get("client")
        if cached is not None and _cached.get("settings") == config and cached.status == "running":
            return cached
        close()
        _cached["client"] = connect(config)
        _cached["settings"] = config
        return _cached["client"]


@contextlib.contextmanager
def in_project(root: str | None, environment: str) -> Iterator[None]:
    """Run a task on a worker in the submitter's project and environment (restored afterwards)."""
    import lore.env

    values = {"LORE_ENV": environment} if root is None else {"LORE_ENV": environment, "LORE_ROOT": root}
    with lore.env.variables(**values):
        yield


def here() -> tuple[str | None, str]:
    """``(project root, environment name)`` of this process, for :func:`in_project` on a worker."""
    import lore.env

    env = lore.env.current()
    return (str(env.root) if env.root is not None else None, env.name)


def in_worker() -> bool:
    """Whether this code runs inside a task on a Dask worker."""
    import sys

    if "distributed" not in sys.modules:
        return False
    from distributed import get_worker

    try:
        get_worker()
    except ValueError:
        return False
    return True


def close() -> None:
    """Close the cached client (and the local cluster it started)."""
    cached = _cached.pop("client", None)
    _cached.pop("settings", None)
    if cached is not None:
        cluster = cached.cluster
        cached.close()
        if cluster is not None:
            cluster.close()


__all__ = [
    "Settings",
    "check_versions",
    "client",
    "close",
    "connect",
    "here",
    "in_project",
    "in_worker",
    "mismatches",
    "settings",
    "start_local",
]
