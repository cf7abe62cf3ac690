"""The ``predictions`` record: one row per predicted row, the same in every sink.

=================  ===========================  =================================================
field              Parquet (Arrow type)         PostgreSQL / SQL (``predictions`` table)
=================  ===========================  =================================================
``request_id``     string                       ``VARCHAR(64)``, indexed; the API returns it in
                                                the ``X-Request-ID`` header and ``request_id``
``row``            int32                        ``INTEGER``: position of the row in its request
``model``          (partition ``model=``)       ``VARCHAR(255)``: ``Model.name()``
``fitting``        (partition ``fitting=``)     ``INTEGER``: the fitting that predicted
``predicted_at``   timestamp[us, UTC]           ``TIMESTAMP WITH TIME ZONE``, indexed with model
``inputs``         struct (one field a column)  ``JSON``: ``{"column": value, ...}``
``prediction``     the decoded type             ``JSON``: the decoded value
``probabilities``  list<float64> or null        ``JSON``: class probabilities in ``classes`` order
=================  ===========================  =================================================

``(request_id, row)`` identifies a prediction; an extract of outcomes joins on it.
Parquet files are partitioned ``model=<name>/fitting=<n>/day=<YYYY-MM-DD>/``; the
partition keys are the ``model`` and ``fitting`` fields. :func:`table` is the one
place that defines the SQL table (the metadata database's migrations use it too).

>>> import numpy as np, pandas as pd
>>> batch = arrow([Logged("demo.Model", 3, "r1", 0.0, pd.DataFrame({"age": [30, 40]}),
...                       np.array([True, False]), np.array([[0.1, 0.9], [0.8, 0.2]]))])
>>> batch.column_names
['request_id', 'row', 'predicted_at', 'inputs', 'prediction', 'probabilities']
>>> batch.column("row").to_pylist(), batch.column("inputs").to_pylist()[1]
([0, 1], {'age': 40})
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any, NamedTuple

#: The SQL table's name.
TABLE = "predictions"


class Logged(NamedTuple):
    """One logged request (or several predicted together), as the server hands it over.

    References only, nothing copied. Several requests (a micro-batch of ``lore
    api``) have their ids in ``request_id`` and their numbers of rows in ``sizes``.
    """

    model: str
    fitting: int | None
    request_id: str | Sequence[str]
    predicted_at: float  # seconds since the epoch
    inputs: Any  # the raw rows: a DataFrame, or column -> values (what lore api checked)
    predictions: Any  # 1-D array
    probabilities: Any = None  # (rows, classes) array or None
    sizes: Sequence[int] | None = None  # rows of each request, when request_id holds several

    @property
    def requests(self) -> int:
        """How many requests this holds."""
        return 1 if self.sizes is None else len(self.sizes)


def table(metadata: Any) -> Any:
    """The SQLAlchemy ``predictions`` table, in ``metadata`` (a ``sqlalchemy.MetaData``)."""
    import sqlalchemy as sa

    return sa.Table(
        TABLE,
        metadata,
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True
        ),
        sa.Column("request_id", sa.String(64), nullable=False, index=True),
        sa.Column("row", sa.Integer, nullable=False),
        sa.Column("model", sa.String(255), nullable=False),
        sa.Column("fitting", sa.Integer),
        sa.Column("predicted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("inputs", sa.JSON),
        sa.Column("prediction", sa.JSON),
        sa.Column("probabilities", sa.JSON),
        sa.Index("ix_predictions_model_predicted_at", "model", "predicted_at"),
    )


def arrow(batch: Sequence[Logged]) -> Any:
    """The rows of ``batch`` (one model and fitting) as an Arrow table, without model/fitting.

    The loop is over requests, never rows: their frames are concatenated once and
    every field is built column-wise.
    """
    import numpy as np
    import pyarrow as pa

    lengths = np.fromiter((len(item.predictions) for item in batch), dtype=np.int64, count=len(batch))
    ids: list[str] = []
    sizes: list[int] = []  # rows of each request
    for item in batch:
        if item.sizes is None:
            ids.append(str(item.request_id))
            sizes.append(len(item.predictions))
        else:
            ids.extend(item.request_id)
            sizes.extend(item.sizes)
    counts = np.asarray(sizes, dtype=np.int64)
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    seconds = np.repeat(np.fromiter((item.predicted_at for item in batch), np.float64, len(batch)), lengths)
    predictions = np.concatenate([np.asarray(item.predictions) for item in batch])
    columns = {
        "request_id": pa.array(np.repeat(np.array(ids, dtype=object), counts), pa.string()),
        "row": pa.array((np.arange(lengths.sum()) - starts).astype(np.int32)),
        "predicted_at": pa.array((seconds * 1e6).astype("datetime64[us]"), pa.timestamp("us", tz="UTC")),
        "inputs": _inputs(batch),
        "prediction": pa.array(predictions, from_pandas=True),
        "probabilities": _probabilities(batch, lengths),
    }
    return pa.table(columns)


def _inputs(batch: Sequence[Logged]) -> Any:
    """One struct array of every request's input columns, concatenated column by column."""
    import numpy as np
    import pyarrow as pa

    names = [str(name) for name in batch[0].inputs]  # a DataFrame's columns or a dict's keys
    inputs = [item.inputs for item in batch]
    columns = []
    for name in names:
        # the column of every entry, gathered and joined in C (no Python step per entry)
        parts = list(map(operator.itemgetter(name), inputs))
        values = np.concatenate(parts) if len(parts) > 1 else np.asarray(parts[0])
        columns.append(pa.array(values, from_pandas=True))  # None and NaN are nulls
    return pa.StructArray.from_arrays(columns, names) if names else pa.nulls(0, pa.struct([]))


def _probabilities(batch: Sequence[Logged], lengths: Any) -> Any:
    import numpy as np
    import pyarrow as pa

    if any(item.probabilities is None for item in batch):
        return pa.nulls(int(lengths.sum()), pa.list_(pa.float64()))
    matrix = np.vstack([np.asarray(item.probabilities, dtype=np.float64) for item in batch])
    offsets = np.arange(0, matrix.size + 1, matrix.shape[1], dtype=np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), pa.array(matrix.ravel()))


def rows(model: str, fitting: int | None, data: Any) -> list[dict[str, Any]]:
    """An Arrow table from :func:`arrow` as parameter rows for the SQL table (dates as ISO text)."""
    import pyarrow as pa

    inputs = data.column("inputs").combine_chunks()
    fields = [inputs.field(index) for index in range(inputs.type.num_fields)]
    fields = [field.cast(pa.string()) if pa.types.is_temporal(field.type) else field for field in fields]
    names = [inputs.type.field(index).name for index in range(inputs.type.num_fields)]
    data = data.set_column(
        data.column_names.index("inputs"), "inputs", pa.StructArray.from_arrays(fields, names)
    )
    return [{"model": model, "fitting": fitting, **row} for row in data.to_pylist()]
