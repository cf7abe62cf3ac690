"""Training on the Dask cluster: XGBoost with ``xgboost.dask``, scikit-learn through joblib.

This module is the estimators' one seam to :mod:`lore.cluster` (import-linter lets only
the ``distributed`` module of each layer import it): each function here decides, from
:func:`lore.cluster.client`, whether the work goes to the cluster or stays in this
process. When a cluster is configured, :class:`~lore.estimators.XGBoost` trains with
``xgboost.dask.train`` on a ``DaskDMatrix``: the encoded rows are sent to the workers
in blocks of :data:`BLOCK_ROWS` (``client.scatter``, straight to a worker, one block
in this process's memory at a time), every worker builds its histogram over its own
blocks, and they agree on each split through XGBoost's collective (Rabit). The booster
comes back to this process and is saved like any other, so a fitting is committed only
once training has finished; a worker that dies mid-training fails the fit with a
:class:`~lore.errors.ClusterError` and nothing is saved.

:class:`~lore.estimators.SKLearn` estimators that take ``n_jobs`` fit inside
``joblib.parallel_backend("dask")``, so their parallel parts (trees of a forest,
folds of a search) run on the workers.

>>> from lore.estimators.distributed import blocks
>>> blocks(10, 4)
[(0, 4), (4, 8), (8, 10)]
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from lore.errors import ClusterError

#: Rows per block sent to the workers.
BLOCK_ROWS = 250_000


def blocks(rows: int, size: int = BLOCK_ROWS) -> list[tuple[int, int]]:
    """``(start, stop)`` row ranges of at most ``size`` rows covering ``rows``."""
    return [(start, min(start + size, rows)) for start in range(0, rows, size)]


def scatter(client: Any, array: Any, size: int = BLOCK_ROWS) -> Any:
    """A Dask array of ``array``'s rows, held by the workers (sent one block at a time)."""
    import dask.array as da
    import numpy as np

    parts = []
    for start, stop in blocks(len(array), size):
        block = np.ascontiguousarray(array[start:stop])
        future = client.scatter(block, direct=True)
        parts.append(da.from_delayed(future, shape=block.shape, dtype=block.dtype))
    return da.concatenate(parts, axis=0)


def train_xgboost(
    settings: dict[str, Any],
    rounds: int,
    early: int | None,
    train: tuple[Any, Any],
    validation: tuple[Any, Any] | None,
    callbacks: list[Any],
) -> tuple[Any, dict[str, Any]] | None:
    """``(booster, evaluation history)`` of ``xgboost.dask.train`` on the cluster.

    Parameters
    ----------
    settings, rounds, early, callbacks
        XGBoost's parameters, boosting rounds, early stopping rounds and callbacks.
    train, validation
        ``(x, y)`` arrays (``validation`` may be ``None``).

    Returns
    -------
    tuple or None
        ``None`` when no cluster is configured (:func:`lore.cluster.client`): the caller
        trains in this process.

    Raises
    ------
    ClusterError
        A worker died or the cluster failed mid-training; nothing was saved.
    """
    import lore.cluster

    client = lore.cluster.client()
    if client is None:
        return None
    import xgboost.dask as dxgb
    from distributed import KilledWorker

    def matrix(x: Any, y: Any) -> Any:
        return dxgb.DaskDMatrix(client, scatter(client, x), scatter(client, y))

    try:
        with client.as_current():  # xgboost.dask asks for the current client
            evals = [(matrix(*validation), "validation")] if validation is not None else []
            output = dxgb.train(
                client,
                settings,
                matrix(*train),
                num_boost_round=rounds,
                evals=evals,
                early_stopping_rounds=early if evals else None,
                verbose_eval=False,
                callbacks=callbacks,
            )
    except (OSError, KilledWorker) as error:
        raise ClusterError(
            f"XGBoost training on the cluster at {client.scheduler.address} failed: {error}. "
            "Nothing was saved; check the workers' logs (memory, a killed worker) and fit again"
        ) from None
    return output["booster"], output["history"]


@contextlib.contextmanager
def joblib_on_cluster(estimator: Any) -> Iterator[None]:
    """Run ``estimator``'s joblib parallelism on the cluster when there is one and it takes ``n_jobs``."""
    import lore.cluster

    client = lore.cluster.client() if "n_jobs" in estimator.get_params() else None
    if client is None:
        yield
        return
    import joblib

    with client.as_current(), joblib.parallel_backend("dask"):
        yield
