"""Workflow stages as tasks on the Dask cluster, their results persisted (and on S3).

This module is the workflow's one seam to :mod:`lore.cluster`. When
:func:`lore.cluster.client` is set, :meth:`Workflow.run <lore.workflow.Workflow.run>`
sends each stage that must run to the cluster as one task
(``client.submit(stage.execute_persist, ...)`` in the submitter's project and
environment); the worker persists the stage's result under the workflow's folder
and, with ``remote`` set, uploads it to S3, from where the submitting machine fetches
it. The next stage's task receives the previous result directly. Without a cluster
the stage runs here, as before. Workers need the same S3 settings (``LORE_S3_BUCKET``,
credentials) as the submitting machine; without ``remote``, the workflow's folder must
be on a disk they share (as on a ``LocalCluster``).

>>> from lore.workflow.distributed import execute
>>> callable(execute)
True
"""

from __future__ import annotations

from typing import Any

from lore.errors import ClusterError


def _on_worker(workflow: Any, name: str, upstream: tuple[Any, ...], fingerprint: str, where: Any) -> Any:
    """Task: run stage ``name`` of ``workflow``, persist its result, upload it when remote."""
    import lore.cluster

    with lore.cluster.in_project(*where):
        stage = workflow.instances[name]
        result = stage.execute_persist(workflow.folder(name), *upstream, fingerprint=fingerprint)
        workflow._push(name)
    return result


def execute(workflow: Any, name: str, upstream: tuple[Any, ...], fingerprint: str) -> Any:
    """Run stage ``name`` (on the cluster when there is one) and persist it; its result."""
    import lore.cluster

    client = lore.cluster.client()
    if client is None:
        stage = workflow.instances[name]
        result = stage.execute_persist(workflow.folder(name), *upstream, fingerprint=fingerprint)
        workflow._push(name)
        return result
    future = client.submit(
        _on_worker, workflow, name, upstream, fingerprint, lore.cluster.here(), pure=False, retries=1
    )
    try:
        result = future.result()
    except OSError as error:
        raise ClusterError(
            f"stage {name!r} of {type(workflow).__name__} failed on the cluster: {error}"
        ) from None
    workflow._fetch(name)  # the persisted result, here too (from S3 when remote)
    return result
