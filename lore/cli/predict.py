"""``lore predict MODEL``: batch scoring in chunks, from a file or an extract into a file or table.

Input is a CSV or Parquet file (``-`` is CSV on stdin) or an extract of a
:mod:`lore.io` connection with ``--param name=value``; output is a CSV or Parquet file
(``-`` is CSV on stdout) or a table of a connection. Each chunk is checked like a
request to ``lore api`` (:func:`lore.server.validation.check_frame`: a missing column
or a value of the wrong type is the API's message, with the rows it is in), encoded by
the fitting's pipeline and predicted; only one chunk is in memory at a time.

Output rows hold the ``--keep`` columns, ``prediction`` and, for a classifier,
``probability`` (of the predicted class). A table that exists is refused unless
``--replace`` (the new table replaces it whole once complete, through a staging
table) or ``--append``; a file is written beside its target and renamed when
complete. Writes to PostgreSQL use :mod:`lore.io`'s binary ``COPY``.

Like ``lore api``, it logs what it predicts to the prediction log of
``config/monitoring.cfg`` (:mod:`lore.monitoring.log`; ``--no-log`` to skip): one
request per chunk, request id ``<run>-<chunk>``, so ``lore monitor`` sees batch
scores too.

>>> parse_params(("day=2024-01-31", "limit=10"))
{'day': '2024-01-31', 'limit': 10}
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from lore.cli import fittings
from lore.errors import DataError, ModelError
from lore.monitoring.log import PredictionLog, new_request_id

#: Rows per chunk by default: ~100k rows keep memory in the tens of MB for most models.
CHUNK = 100_000
FORMATS = (".csv", ".parquet", ".pq")


def parse_params(pairs: tuple[str, ...]) -> dict[str, Any]:
    """``("k=v", ...)`` -> ``{"k": literal(v)}``."""
    from lore.cli.project import literal

    params = {}
    for pair in pairs:
        key, equals, value = pair.partition("=")
        if not equals or not key:
            raise click.BadParameter(f"--param takes name=value, not {pair!r}", param_hint="--param")
        params[key] = literal(value)
    return params


def load_model(name: str, fitting: int | str | None) -> Any:
    """The model class named ``name`` (``<module>.<Class>``), loaded from that fitting."""
    from lore.cli.project import import_object

    model_class = import_object(name, "model", ModelError)
    return model_class.load(fitting)


def schema_of(model: Any) -> dict[str, str]:
    """The raw input columns and types the model reads, as ``lore api`` checks them."""
    schema = getattr(model, "input_schema", None)
    return dict(schema() if callable(schema) else model.pipeline.input_schema())


def _suffix(path: str, what: str) -> str:
    suffix = Path(path).suffix.lower()
    if path != "-" and suffix not in FORMATS:
        raise click.BadParameter(f"{path}: use a .csv or .parquet file, or - for CSV", param_hint=what)
    return ".parquet" if suffix in (".parquet", ".pq") else ".csv"


def read_chunks(
    source: str | None, extract: str | None, connection: str, params: dict[str, Any], schema: dict[str, str],
    chunk: int,
) -> tuple[Iterator[Any], int | None]:  # fmt: skip
    """Chunks of input rows and the total number of rows when known."""
    import pandas as pd

    if extract is not None or source is None:
        import lore.io

        return lore.io.connection(connection).dataframe(extract, chunksize=chunk, **params), None
    if source != "-" and not Path(source).is_file():
        raise DataError(f"{source} does not exist: give --input an existing .csv or .parquet file, or -")
    if _suffix(source, "--input") == ".parquet":
        import pyarrow.parquet as pq

        file = pq.ParquetFile(source)
        batches = file.iter_batches(batch_size=chunk)
        return (batch.to_pandas() for batch in batches), file.metadata.num_rows
    # text columns stay text (a zip code "02134" must not become 2134)
    text = {column: "string" for column, kind in schema.items() if kind in ("string", "datetime")}
    stream = sys.stdin if source == "-" else source
    return iter(pd.read_csv(stream, chunksize=chunk, dtype=text)), None


def score(
    model: Any,
    frame: Any,
    schema: dict[str, str],
    keep: tuple[str, ...],
    first_row: int,
    source: str,
    log: Any = None,
) -> Any:
    """The output rows of one input chunk: kept columns, ``prediction``, ``probability``.

    ``log(inputs, predictions, probabilities)`` is called with the checked rows and the
    results (the prediction log's hook).
    """
    import numpy as np
    import pandas as pd

    from lore.server import validation

    where = f" (in {source}, rows {first_row}-{first_row + len(frame) - 1})"
    missing = [column for column in keep if column not in frame.columns]
    if missing:
        raise DataError(
            f"--keep {', '.join(missing)}: no such column in {source}; it has {', '.join(frame.columns)}"
        )
    checked = validation.check_frame(frame, schema, where)
    output = {column: frame[column].to_numpy() for column in keep}
    if model.pipeline.is_classifier:
        probabilities = np.asarray(model.predict_proba(checked))
        best = probabilities.argmax(axis=1)
        output["prediction"] = np.asarray(model.pipeline.decode(best))
        output["probability"] = probabilities[np.arange(len(best)), best]
    else:
        probabilities = None
        output["prediction"] = np.asarray(model.predict(checked))
    if log is not None:
        log(checked, output["prediction"], probabilities)
    return pd.DataFrame(output, copy=False)


def scored(
    model: Any,
    chunks: Iterator[Any],
    schema: dict[str, str],
    keep: tuple[str, ...],
    source: str,
    progress: Any,
    log: Any = None,
) -> Iterator[Any]:
    """Score each chunk in turn, showing the rows done so far in ``progress``; each goes to ``log`` too."""
    first = 0
    run = new_request_id()[:12]
    for number, frame in enumerate(chunks):
        if not len(frame):
            continue
        hook = None
        if log is not None:

            def hook(inputs: Any, predictions: Any, probabilities: Any, number: int = number) -> None:
                name, fitting = type(model).name(), model.fitting
                log.log(name, fitting, inputs, predictions, probabilities, f"{run}-{number}", block=True)

        result = score(model, frame.reset_index(drop=True), schema, keep, first, source, hook)
        first += len(frame)
        progress.update(first)
        yield result


def write_file(frames: Iterator[Any], target: str) -> None:
    """Write chunks to a CSV or Parquet file atomically (``-``: CSV on stdout)."""
    if target == "-":
        for number, frame in enumerate(frames):
            frame.to_csv(sys.stdout, index=False, header=number == 0)
        return
    from lore.util import atomic_path

    with atomic_path(target) as temporary:
        if _suffix(target, "--output") == ".parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            writer = None
            try:
                for frame in frames:
                    table = pa.Table.from_pandas(frame, preserve_index=False)
                    writer = writer or pq.ParquetWriter(temporary, table.schema)
                    writer.write_table(table)
            finally:
                if writer is not None:
                    writer.close()
        else:
            with open(temporary, "w", newline="", encoding="utf-8") as stream:
                for number, frame in enumerate(frames):
                    frame.to_csv(stream, index=False, header=number == 0)


def table_exists(connection: Any, table: str) -> bool:
    import sqlalchemy

    schema, _, name = table.rpartition(".")
    return sqlalchemy.inspect(connection.engine).has_table(name, schema=schema or None)


def write_table(frames: Iterator[Any], connection: Any, table: str, append: bool) -> None:
    """Append chunks to ``table``, or build it whole and swap it in (new or ``--replace``)."""
    if append:
        for frame in frames:
            connection.insert(table, frame)
    else:
        connection.replace(table, frames)


@click.command()
@click.argument("model")
@click.option("--fitting", help="The fitting number (default: the latest).")
@click.option("--alias", help="The alias of the fitting (production, candidate...).")
@click.option(
    "--input", "source", metavar="FILE", help="A .csv or .parquet file to score; - is CSV on stdin."
)
@click.option("--extract", help="An extract (or SQL) of --connection to score, instead of --input.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="A parameter of --extract.")
@click.option("--output", metavar="FILE", help="A .csv or .parquet file to write; - is CSV on stdout.")
@click.option("--table", help="A table of --connection to write, instead of --output.")
@click.option("--replace", is_flag=True, help="Replace --table if it exists (swapped in when complete).")
@click.option("--append", is_flag=True, help="Append to --table if it exists.")
@click.option(
    "--connection", default="main", show_default=True, help="The lore.io connection of --extract/--table."
)
@click.option(
    "--keep", multiple=True, metavar="COLUMN", help="An input column to copy into the output (an id)."
)
@click.option(
    "--chunk-size", default=CHUNK, show_default=True, type=click.IntRange(1), help="Rows per chunk."
)
@click.option("--log/--no-log", default=True, help="Log the predictions (config/monitoring.cfg [LOG]).")
def predict(
    model: str, fitting: str | None, alias: str | None, source: str | None, extract: str | None,
    params: tuple[str, ...], output: str | None, table: str | None, replace: bool, append: bool,
    connection: str, keep: tuple[str, ...], chunk_size: int, log: bool,
) -> None:  # fmt: skip
    """Score rows with a fitting of MODEL, in chunks, with the checks of lore api.

    Example: lore predict Churn --alias production --extract customers --table churn_scores --replace
    """
    if (source is None) == (extract is None):
        raise click.UsageError("give one of --input FILE or --extract NAME")
    if (output is None) == (table is None):
        raise click.UsageError("give one of --output FILE or --table NAME")
    if fitting is not None and alias is not None:
        raise click.UsageError("give --fitting or --alias, not both")
    if replace and append:
        raise click.UsageError("give --replace or --append, not both")
    if (replace or append) and table is None:
        raise click.UsageError("--replace and --append are for --table")
    if params and extract is None:
        raise click.UsageError("--param is for --extract")
    store = fittings.store()
    name = fittings.model_name(store.models(), model)
    loaded = load_model(name, fittings.fitting_ref(fitting) if fitting is not None else alias)
    target = None
    if table is not None:
        import lore.io

        target = lore.io.connection(connection)
        if not (replace or append) and table_exists(target, table):
            raise DataError(f"table {table} exists: add --replace to replace it or --append to add rows")
    elif output != "-":
        _suffix(output, "--output")
    schema = schema_of(loaded)
    chunks, total = read_chunks(source, extract, connection, parse_params(params), schema, chunk_size)
    from lore.estimators.progress import Progress

    label = source if source is not None else f"extract {extract}"
    progress = Progress(f"scoring {label}: rows", total=total)
    prediction_log = PredictionLog.from_config(queue_size=4) if log else None
    try:
        frames = scored(
            loaded, chunks, schema, keep, label, progress, prediction_log and prediction_log.start()
        )
        if target is not None:
            write_table(frames, target, table, append)
        else:
            write_file(frames, output)
    finally:
        progress.finish()
        if prediction_log is not None:
            prediction_log.close(timeout=600)  # what is queued is written
    if output != "-":
        where = f"table {table}" if table is not None else output
        click.echo(
            f"Scored {progress.step:,} rows with {name} fitting {loaded.fitting} into {where}", err=True
        )
