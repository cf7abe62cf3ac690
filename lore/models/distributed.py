"""Hyper-parameter search on the Dask cluster: one Optuna study, trials on every worker.

This module is the models' one seam to :mod:`lore.cluster`: :func:`run` decides whether
a search runs on the cluster. When :func:`lore.cluster.client` is set, :func:`run` creates the
study in a shared Optuna storage (by default the project's own database, the
``main`` connection of ``config/database.cfg``: a SQLite file or PostgreSQL) and
submits one task per worker; each runs its share of the trials against the same
study (``optuna.create_study(load_if_exists=True)``, Optuna's way of loading it), so
TPE learns from every worker's finished trials. Every trial is a fitting saved in
the model store of the project the task names: on one machine (``LocalCluster``) or
a shared file system that is the project's ``models/`` folder; elsewhere configure a
remote store. The pipeline is prepared here first, so the workers receive fitted
encoders (a ``LowMemory`` pipeline's encoded splits are read from its folder when the
worker sees it; an in-memory pipeline is re-read once per worker). A worker that dies
loses only its running trial (left ``RUNNING`` in the study; the task is retried once
elsewhere); the search reports the best completed one.

>>> shares(10, 3)
[4, 3, 3]
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from lore.errors import ClusterError


def shares(trials: int, workers: int) -> list[int]:
    """How many of ``trials`` each of ``workers`` runs (nobody gets none while trials remain)."""
    workers = max(1, min(workers, trials))
    return [trials // workers + (1 if index < trials % workers else 0) for index in range(workers)]


def default_storage() -> str:
    """The project's database as an Optuna storage URL."""
    import lore.io

    return lore.io.connection("main").url


def _trials(
    run_here: Callable[..., Any],
    model: Any,
    space: dict[str, Any],
    options: dict[str, Any],
    where: tuple[str | None, str],
) -> int:
    """Worker task: run ``options["trials"]`` trials of the shared study; how many completed."""
    import lore.cluster

    pipeline = model.pipeline
    folder = getattr(pipeline, "_signature", {}).get("folder")
    if folder and hasattr(pipeline, "_load") and Path(folder).is_dir():
        pipeline._load(Path(folder))  # a LowMemory prepared by the caller, on a disk this worker shares
    with lore.cluster.in_project(*where):
        return run_here(model, space, **options).trials


def run(
    run_here: Callable[..., Any],
    model: Any,
    space: dict[str, Any],
    *,
    trials: int,
    timeout: float | None,
    storage: str | None,
    study_name: str,
    seed: int | None,
) -> str | None:
    """Run ``trials`` trials of ``study_name`` spread over the cluster's workers.

    Parameters
    ----------
    run_here
        :func:`lore.models.search.run_here`, which each worker runs on its share.
    model, space
        What to search, and over which parameters.
    trials, timeout, storage, study_name, seed
        As for :func:`lore.models.search.run`.

    Returns
    -------
    str or None
        The storage URL holding the shared study, or ``None`` when no cluster is
        configured (the caller runs the trials in this process).

    Raises
    ------
    ClusterError
        The cluster failed, or ``storage`` cannot be shared by the workers.
    """
    import optuna

    import lore.cluster

    client = lore.cluster.client()
    if client is None:
        return None
    storage = resolve_storage(storage)
    optuna.create_study(study_name=study_name, storage=storage, direction="minimize", load_if_exists=True)
    model.pipeline.training_data  # noqa: B018 - prepared once here; workers get fitted encoders
    where = lore.cluster.here()
    workers = len(client.scheduler_info()["workers"]) or 1
    futures = [
        client.submit(
            _trials,
            run_here,
            model,
            space,
            {
                "trials": share,
                "timeout": timeout,
                "storage": storage,
                "study_name": study_name,
                "seed": None if seed is None else seed + index,
            },
            where,
            pure=False,
            retries=1,
        )
        for index, share in enumerate(shares(trials, workers))
    ]
    try:
        client.gather(futures)
    except OSError as error:
        raise ClusterError(f"the search {study_name} failed on the cluster: {error}") from None
    return storage


def resolve_storage(storage: str | None) -> str:
    """``storage``, or the project's database; an in-memory database cannot be shared."""
    url = storage or default_storage()
    if url.startswith("sqlite") and url.rstrip("/").endswith((":memory:", "sqlite:")):
        raise ClusterError(
            f"a search on the cluster needs a storage all workers reach, not {url!r}; "
            "pass storage='postgresql://...' or a SQLite file URL on a shared disk"
        )
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    return url
