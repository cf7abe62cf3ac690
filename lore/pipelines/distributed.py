"""``LowMemory`` pipelines on a Dask cluster: encoders fitted by map/reduce, encoding in parallel.

This module is the pipelines' one seam to :mod:`lore.cluster`. When a cluster is
configured and a :class:`~lore.pipelines.LowMemory` pipeline's ``get_data()`` returns a
Dask DataFrame (``lore.io.main.dataframe(sql, partitions=N, index="id")``), its
preparation runs on the cluster instead of in this process. Partition ``i`` plays the
part of chunk ``i`` of the single-machine path:

1. **map**: each worker subsamples and splits its partition with the same seeds,
   and summarizes the training rows for every encoder (``Encoder.summarize``: counts,
   moments, quantile sketches);
2. **reduce**: this process folds the summaries with ``Encoder.combine`` in partition
   order (the same operations, in the same order, as ``partial_fit`` chunk by chunk)
   and learns with ``fit_summary``: the fitted encoders are the single-machine ones,
   exactly (quantile sketches merge the same way too, so they agree with each other;
   a sketch itself is within about ``1 / 32768`` in rank of the exact quantile);
3. **encode**: each worker encodes its partition with the fitted pipeline; this process
   writes the arrays into the ``.npy`` files in partition order, as ``LowMemory`` does.

Without a cluster, a Dask DataFrame is read one partition at a time, in this process.

>>> from lore.pipelines.distributed import is_dask
>>> is_dask([1, 2])
False
"""

from __future__ import annotations

import hashlib
from typing import Any

from lore.errors import ClusterError, EmptySplit
from lore.pipelines.holdout import SPLITS, schema_type
from lore.serializers.arrays import open_npy
from lore.util import atomic_folder


def is_dask(data: Any) -> bool:
    """Whether ``data`` is a Dask DataFrame."""
    return type(data).__module__.startswith("dask") and hasattr(data, "to_delayed")


def partitions(frame: Any) -> Any:
    """The partitions of a Dask DataFrame, computed one at a time in order."""
    for part in frame.to_delayed():
        yield part.compute()


def _split(splitter: Any, index: int, chunk: Any) -> tuple[Any, Any]:
    chunk = splitter.subsampled(index, chunk).reset_index(drop=True)
    return chunk, splitter.assign(index, len(chunk))


def summarize(splitter: Any, encoders: list[Any], index: int, chunk: Any) -> dict[str, Any]:
    """Map step (on a worker): split counts, schema, training hash and each encoder's summary."""
    import pandas as pd

    chunk, codes = _split(splitter, index, chunk)
    training = chunk[codes == 0]
    columns = [c for encoder in encoders[:-1] for c in encoder.input_columns()]
    return {
        "counts": [int((codes == code).sum()) for code in range(len(SPLITS))],
        "schema": {c: schema_type(chunk[c].dtype) for c in dict.fromkeys(columns) if c in chunk},
        "sha256": hashlib.sha256(
            pd.util.hash_pandas_object(training, index=False).to_numpy().tobytes()
        ).hexdigest(),
        "stats": [encoder.summarize(training) for encoder in encoders],
    }


def encode(pipeline: Any, index: int, chunk: Any) -> dict[str, tuple[Any, Any]]:
    """Encode step (on a worker): ``split -> (x float32, y)`` for partition ``index``."""
    import numpy as np

    chunk, codes = _split(pipeline, index, chunk)
    return {
        name: (
            pipeline.encode_x(rows).to_numpy(dtype="float32"),
            np.ascontiguousarray(pipeline.encode_y(rows)),
        )
        for code, name in enumerate(SPLITS)
        if len(rows := chunk[codes == code])
    }


def _compute(client: Any, tasks: list[Any]) -> Any:
    """Futures of ``tasks``, each retried on another worker if its worker dies."""
    return client.compute(tasks, retries=2)


def configured() -> bool:
    """Whether a cluster is configured (:func:`lore.cluster.settings`), without connecting to it."""
    import lore.cluster

    return lore.cluster.settings() is not None


def prepare(pipeline: Any, frame: Any, splitter: Any, extracts: list[Any]) -> None:
    """Fit and encode ``pipeline`` (a ``LowMemory``) over the partitions of ``frame`` on the cluster.

    Parameters
    ----------
    pipeline
        The ``LowMemory`` pipeline; its encoders, schema, signature and folder are set.
    frame
        A Dask DataFrame (``get_data()``'s result).
    splitter
        A plain ``LowMemory`` with the pipeline's split settings: it ships to the workers
        without the user's code.
    extracts
        The queries recorded while ``get_data()`` ran, for the data signature.

    Raises
    ------
    ClusterError
        The cluster failed while fitting.
    """
    import dask
    import numpy as np

    import lore.cluster

    client = lore.cluster.client()
    encoders = [*pipeline.declared_encoders(), pipeline.get_output_encoder()]
    parts = frame.to_delayed()
    summary = dask.delayed(summarize, pure=True)
    try:
        summaries = client.gather(
            _compute(client, [summary(splitter, encoders, i, part) for i, part in enumerate(parts)])
        )
    except OSError as error:
        raise ClusterError(f"{type(pipeline).__name__}: the cluster failed while fitting: {error}") from None
    stats: list[Any] = [None] * len(encoders)
    for result in summaries:  # partition order: the same folds as partial_fit, chunk by chunk
        pairs = zip(encoders, stats, result["stats"], strict=True)
        stats = [encoder.combine(a, b) for encoder, a, b in pairs]
    counts = dict(zip(SPLITS, (sum(r["counts"][i] for r in summaries) for i in range(3)), strict=True))
    if not counts["training"]:
        raise EmptySplit(f"{type(pipeline).__name__}: no training rows ({sum(counts.values())} rows in all)")
    fitted = [encoder.fit_summary(s) for encoder, s in zip(encoders, stats, strict=True)]
    pipeline._encoders, pipeline._output_encoder = tuple(fitted[:-1]), fitted[-1]
    pipeline._schema = summaries[0]["schema"]
    target = pipeline._folder()
    with atomic_folder(target) as work:
        width = len(pipeline.feature_names())
        y_empty = pipeline.encode_y(frame._meta.iloc[:0].reset_index(drop=True))
        streams = {}
        for name, rows in counts.items():
            streams[f"{name}_x"] = open_npy(work / f"{name}_x.npy", np.dtype("float32"), (rows, width))
            streams[f"{name}_y"] = open_npy(work / f"{name}_y.npy", y_empty.dtype, (rows, *y_empty.shape[1:]))
        try:
            coder = dask.delayed(encode, pure=True)
            futures = _compute(client, [coder(pipeline, i, part) for i, part in enumerate(parts)])
            for future in futures:  # written in partition order; each released once written
                for name, (x, y) in future.result().items():
                    streams[f"{name}_x"].write(x.tobytes())
                    streams[f"{name}_y"].write(y.tobytes())
                future.release()
        finally:
            for stream in streams.values():
                stream.close()
    digest = hashlib.sha256("".join(r["sha256"] for r in summaries).encode())
    pipeline._signature = {
        "extracts": extracts,
        "rows": {"data": sum(counts.values()), **counts},
        "training_sha256": digest.hexdigest(),
        "random_state": pipeline.random_state,
        "folder": str(target),
        "partitions": len(parts),
    }
    pipeline._load(target)
