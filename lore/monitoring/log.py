"""Logging served predictions off the request path: a bounded queue and one writer thread.

The server hands :class:`PredictionLog` references to what it already has (the
checked rows, the predictions, the probabilities), nothing serialized: a sampling
draw and the per-second cap (:meth:`~PredictionLog.admit`), then an append to a
bounded deque (:meth:`~PredictionLog.put`), which wakes nobody. ``lore api`` queues
what one micro-batch predicted as one entry (the merged rows, the request ids and
the rows of each), so under load the request path costs a microsecond or so and
the writer handles a few large arrays instead of one small entry per request. A
background thread empties the deque every ``flush_seconds``, builds the
:mod:`~lore.monitoring.record` rows column-wise and writes them to the sink. When
the queue is full the request is dropped from the log and counted
(``dropped["queue"]``), never waited for; when the sink fails the batch is dropped,
counted (``dropped["sink"]``) and logged as a warning, and predictions go on.
Killing the process loses what is queued (at most ``flush_seconds`` of traffic, and
never more than ``queue_size`` entries).

Settings come from ``[LOG]`` of ``config/monitoring.cfg``; an environment variable
wins over the file:

=======================  =================================  ==============  ==============================
key                      variable                           default         meaning
=======================  =================================  ==============  ==============================
``sink``                 ``LORE_PREDICTION_LOG``            ``parquet``     ``parquet``, ``postgres`` or
                                                                            ``off``
``path``                 ``LORE_PREDICTION_LOG_PATH``       ``predictions`` Parquet folder (under ``data/``
                                                                            when relative; in S3 with
                                                                            ``s3: 1``)
``s3``                   ``LORE_PREDICTION_LOG_S3``         ``0``           Parquet files go to lore's S3
                                                                            bucket (``config/aws.cfg``)
``url``                  ``LORE_PREDICTION_LOG_URL``        ``[METADATA]``  database of the ``predictions``
                                                                            table
``sample``               ``LORE_PREDICTION_LOG_SAMPLE``     ``1``           share of requests logged
``max_per_second``       ``LORE_PREDICTION_LOG_RATE``       ``1000``        requests logged per second, at
                                                                            most
``max_rows_per_second``  ``LORE_PREDICTION_LOG_ROWS``       ``10000``       rows logged per second, at most
``queue``                ``LORE_PREDICTION_LOG_QUEUE``      ``10000``       entries waiting (a request or
                                                                            a micro-batch), at most
``flush_seconds``        ``LORE_PREDICTION_LOG_FLUSH``      ``1``           how often the writer writes
``keep_days``            ``LORE_PREDICTION_LOG_KEEP_DAYS``  (keep all)      Parquet day partitions older
                                                                            are deleted, once a day
                                                                            (:mod:`~lore.monitoring.retention`)
=======================  =================================  ==============  ==============================

>>> import pandas as pd, tempfile
>>> folder = tempfile.mkdtemp()
>>> log = PredictionLog(ParquetSink(folder)).start()
>>> log.log("demo.Model", 1, pd.DataFrame({"age": [30]}), [True], request_id="r1")
True
>>> log.close()
>>> read(ParquetSink(folder), "demo.Model").frame[["request_id", "age", "prediction"]].to_dict("records")
[{'request_id': 'r1', 'age': 30, 'prediction': True}]
"""

from __future__ import annotations

import collections
import dataclasses
import datetime
import logging
import os
import random
import re
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from lore.errors import ConfigError
from lore.monitoring.record import Logged, arrow, rows

logger = logging.getLogger(__name__)

SINKS = ("parquet", "postgres", "off")
#: ``[LOG]`` key -> (environment variable, default)
KEYS = {
    "sink": ("LORE_PREDICTION_LOG", "parquet"),
    "path": ("LORE_PREDICTION_LOG_PATH", "predictions"),
    "s3": ("LORE_PREDICTION_LOG_S3", "0"),
    "url": ("LORE_PREDICTION_LOG_URL", ""),
    "sample": ("LORE_PREDICTION_LOG_SAMPLE", "1"),
    "max_per_second": ("LORE_PREDICTION_LOG_RATE", "1000"),
    "max_rows_per_second": ("LORE_PREDICTION_LOG_ROWS", "10000"),
    "queue": ("LORE_PREDICTION_LOG_QUEUE", "10000"),
    "flush_seconds": ("LORE_PREDICTION_LOG_FLUSH", "1"),
    "keep_days": ("LORE_PREDICTION_LOG_KEEP_DAYS", ""),
}
#: A sink failing again within this many seconds is counted but not logged again.
WARN_EVERY = 60.0


@dataclasses.dataclass(frozen=True)
class LogSettings:
    """Where and how much to log; see the module documentation."""

    sink: str = "parquet"
    path: str = "predictions"
    s3: bool = False
    url: str = ""
    sample: float = 1.0
    max_per_second: float = 1000.0
    max_rows_per_second: float = 10_000.0
    queue: int = 10_000
    flush_seconds: float = 1.0
    keep_days: int | None = None  # None: keep every day

    @classmethod
    def from_config(cls, environ: Mapping[str, str] | None = None) -> LogSettings:
        """``[LOG]`` of ``config/monitoring.cfg``, overridden by the environment.

        >>> LogSettings.from_config({"LORE_PREDICTION_LOG": "off"}).sink
        'off'
        >>> LogSettings.from_config({"LORE_PREDICTION_LOG_SAMPLE": "2"})
        Traceback (most recent call last):
        ...
        lore.errors.ConfigError: LORE_PREDICTION_LOG_SAMPLE='2' must be a number in (0, 1]; the share to log
        """
        import lore.config

        environ = os.environ if environ is None else environ
        section = lore.config.read("monitoring").get("LOG") or {}
        if section:
            section.check_keys(set(KEYS))
        text = {
            key: environ.get(variable) or section.get(key) or default
            for key, (variable, default) in KEYS.items()
        }
        if text["sink"] not in SINKS:
            raise ConfigError(
                f"prediction log sink {text['sink']!r} is unknown; choose one of {', '.join(SINKS)}"
            )
        keep_days = None
        if text["keep_days"]:
            if not text["keep_days"].strip().isdigit() or int(text["keep_days"]) < 1:
                raise ConfigError(
                    f"{KEYS['keep_days'][0]}={text['keep_days']!r} must be a whole number of days, 1 or "
                    "more (or unset: keep every day)"
                )
            if text["sink"] == "postgres":
                raise ConfigError(
                    "keep_days applies to the parquet sink; for postgres, delete old rows of the "
                    "predictions table (DELETE ... WHERE predicted_at < ...) from cron"
                )
            keep_days = int(text["keep_days"])
        return cls(
            sink=text["sink"],
            path=text["path"],
            s3=text["s3"].lower() in ("1", "true", "yes", "on"),
            url=text["url"],
            sample=_number(text["sample"], "sample", 1.0, "the share to log"),
            max_per_second=_number(text["max_per_second"], "max_per_second", None, "requests per second"),
            max_rows_per_second=_number(
                text["max_rows_per_second"], "max_rows_per_second", None, "rows per second"
            ),
            queue=int(_number(text["queue"], "queue", None, "requests")),
            flush_seconds=_number(text["flush_seconds"], "flush_seconds", None, "seconds"),
            keep_days=keep_days,
        )

    def sink_object(self) -> Any:
        """The sink these settings choose (``None`` when logging is off)."""
        if self.sink == "off":
            return None
        if self.sink == "postgres":
            return SQLSink(self.url or None)
        if self.s3:
            return ParquetSink(self.path, s3=True, keep_days=self.keep_days)
        import lore.env

        path = Path(self.path)
        folder = path if path.is_absolute() else lore.env.current().data_dir / path
        return ParquetSink(folder, keep_days=self.keep_days)


def _number(text: str, key: str, most: float | None, what: str) -> float:
    variable = KEYS[key][0]
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if value <= 0 or (most is not None and value > most):
        bound = f"in (0, {most:g}]" if most is not None else "above 0"
        raise ConfigError(f"{variable}={text!r} must be a number {bound}; {what}")
    return value


class PredictionLog:
    """A bounded queue of served predictions and the thread that writes them to a sink.

    Parameters
    ----------
    sink
        A :class:`ParquetSink`, :class:`SQLSink` or anything with ``write(model,
        fitting, table)``.
    sample
        Share of requests logged (at random).
    max_per_second
        Requests logged per second at most; the rest are sampled out.
    max_rows_per_second
        Rows logged per second at most (a request that starts a second is logged whole).
    queue_size
        Entries waiting at most (a request, or the requests of one micro-batch);
        beyond, an entry is dropped and each of its requests counted.
    flush_seconds
        How often the writer writes what is queued.
    on_batch
        Called in the writer thread with ``(model, fitting, arrow table)`` for every
        batch (the server's live drift gauges).
    """

    def __init__(
        self,
        sink: Any,
        *,
        sample: float = 1.0,
        max_per_second: float = 1000.0,
        max_rows_per_second: float = 10_000.0,
        queue_size: int = 10_000,
        flush_seconds: float = 1.0,
        on_batch: Callable[[str, int | None, Any], None] | None = None,
    ) -> None:
        self.sink = sink
        self.sample = sample
        self.max_per_second = max_per_second
        self.max_rows_per_second = max_rows_per_second
        self.flush_seconds = flush_seconds
        self.on_batch = on_batch
        self.queue_size = queue_size
        #: what waits for the writer: appended by the server, taken by the writer (both
        #: thread-safe without a lock), so a request never wakes the writer
        self.pending: collections.deque[Logged] = collections.deque()
        self.written = 0  # rows
        self.dropped: collections.Counter[str] = collections.Counter()  # requests, by reason
        self.sink_errors = 0
        self._second = 0
        self._this_second = 0
        self._rows_this_second = 0
        self._last_warning = -WARN_EVERY
        self._stop = threading.Event()
        self._wake = threading.Event()  # set by close(), and by a batch job waiting for room
        self._room = threading.Condition()  # notified by the writer each time it took what waited
        self._thread: threading.Thread | None = None

    @classmethod
    def from_config(cls, **options: Any) -> PredictionLog | None:
        """The log ``config/monitoring.cfg`` asks for, not started (``None`` when off).

        ``options`` override the configured ones (``queue_size=4`` for a batch job).
        """
        settings = LogSettings.from_config()
        sink = settings.sink_object()
        if sink is None:
            return None
        configured = {
            "sample": settings.sample,
            "max_per_second": settings.max_per_second,
            "max_rows_per_second": settings.max_rows_per_second,
            "queue_size": settings.queue,
            "flush_seconds": settings.flush_seconds,
        }
        return cls(sink, **{**configured, **options})

    def start(self) -> PredictionLog:
        """Start the writer thread; returns ``self``."""
        self._thread = threading.Thread(target=self._run, name="lore-prediction-log", daemon=True)
        self._thread.start()
        return self

    def log(
        self,
        model: str,
        fitting: int | None,
        inputs: Any,
        predictions: Any,
        probabilities: Any = None,
        request_id: str | None = None,
        block: bool = False,
    ) -> bool:
        """Queue one request's rows and results; ``True`` if queued. Never raises.

        A served request never waits: a full queue drops it (counted). A batch job
        (``lore predict``) passes ``block=True``: it waits for room instead, so every
        chunk is logged with bounded memory, and the per-second cap does not apply.
        :meth:`admit` then :meth:`put`.
        """
        if not self.admit(block, rows=len(predictions)):
            return False
        return self.put(model, fitting, inputs, predictions, probabilities, request_id, block=block)

    def admit(self, block: bool = False, rows: int = 1) -> bool:
        """Whether one more request of ``rows`` rows is logged: the sampling draw, then the caps.

        A request is over the caps when this second already logged ``max_per_second``
        requests or ``max_rows_per_second`` rows (counted in ``dropped["rate"]``); so the
        first request of a second is logged whatever its size. A batch job
        (``block=True``) is only sampled.
        """
        if self.sample < 1.0 and random.random() >= self.sample:
            return False
        if not block:
            second = int(time.time())
            if second != self._second:
                self._second, self._this_second, self._rows_this_second = second, 0, 0
            if self._this_second >= self.max_per_second or self._rows_this_second >= self.max_rows_per_second:
                self.dropped["rate"] += 1
                return False
            self._this_second += 1
            self._rows_this_second += rows
        return True

    def put(
        self,
        model: str,
        fitting: int | None,
        inputs: Any,
        predictions: Any,
        probabilities: Any = None,
        request_id: str | Sequence[str] | None = None,
        sizes: Sequence[int] | None = None,
        block: bool = False,
    ) -> bool:
        """Queue admitted rows and results (references, nothing copied); ``True`` if queued.

        One request, or several predicted together (a micro-batch of ``lore api``):
        then ``request_id`` holds their ids and ``sizes`` their numbers of rows, in
        the order of the rows, and they are queued (or dropped, each counted) as one.
        A full queue drops them; with ``block=True`` it waits for room instead.
        """
        if len(self.pending) >= self.queue_size:
            if not block:
                self.dropped["queue"] += 1 if sizes is None else len(sizes)
                return False
            with self._room:
                while len(self.pending) >= self.queue_size:
                    self._wake.set()
                    self._room.wait(0.1)
        if sizes is None:
            request_id = request_id or new_request_id()
        self.pending.append(
            Logged(model, fitting, request_id, time.time(), inputs, predictions, probabilities, sizes)
        )
        return True

    def close(self, timeout: float = 10.0) -> None:
        """Write what is queued and stop the writer."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        while True:
            if not self._stop.is_set():
                self._wake.wait(self.flush_seconds)
            self._wake.clear()
            stopping = self._stop.is_set()
            # what waits now, and no more: a batch is at most queue_size requests
            batch = [self.pending.popleft() for _ in range(len(self.pending))]
            with self._room:
                self._room.notify_all()
            if batch:
                self.write(batch)
            if stopping and not self.pending:
                break

    def write(self, batch: list[Logged]) -> None:
        """Write ``batch`` (grouped by model, fitting and day); a failing sink is counted, not raised."""
        groups: dict[tuple[str, int | None, str], list[Logged]] = {}
        for item in batch:
            day = time.strftime("%Y-%m-%d", time.gmtime(item.predicted_at))
            groups.setdefault((item.model, item.fitting, day), []).append(item)
        for (model, fitting, _), items in groups.items():
            try:
                data = arrow(items)
            except Exception as error:  # a row the record cannot hold must not stop the writer
                self._failed(f"cannot record predictions of {model}: {error}", items)
                continue
            try:
                self.sink.write(model, fitting, data)
            except Exception as error:  # sink down: a warning and a counter, never a failed prediction
                requests = sum(item.requests for item in items)
                self._failed(
                    f"prediction log {self.sink!r} failed, {requests} requests not logged: {error}", items
                )
            else:
                self.written += data.num_rows
            if self.on_batch is not None:
                try:
                    self.on_batch(model, fitting, data)
                except Exception:
                    logger.exception("updating the live drift of %s failed", model)

    def _failed(self, message: str, items: list[Logged]) -> None:
        self.sink_errors += 1
        self.dropped["sink"] += sum(item.requests for item in items)
        if time.monotonic() - self._last_warning >= WARN_EVERY:
            self._last_warning = time.monotonic()
            logger.warning("%s", message)


def new_request_id() -> str:
    """A fresh request id: 32 random hex digits (as a UUID4's, at a third of its cost)."""
    return os.urandom(16).hex()


class ParquetSink:
    """Parquet files ``<path>/model=<name>/fitting=<n>/day=<YYYY-MM-DD>/<time>-<id>.parquet``.

    Local files are written atomically; with ``s3=True`` ``path`` is a folder of lore's
    S3 bucket (``config/aws.cfg``), and each file is one ``put``. With ``keep_days``, the
    first write of each day also deletes the day partitions older than that
    (:func:`lore.monitoring.retention.prune`).
    """

    def __init__(self, path: str | os.PathLike[str], s3: bool = False, keep_days: int | None = None) -> None:
        self.path = str(path) if s3 else Path(path)
        self.s3 = s3
        self.keep_days = keep_days
        self.pruned = ""  # the day of the last prune
        self.pruning: threading.Thread | None = None

    def __repr__(self) -> str:
        return f"ParquetSink({str(self.path)!r}{', s3=True' if self.s3 else ''})"

    def partition(self, model: str, fitting: int | None, day: str) -> str:
        return f"model={model}/fitting={fitting if fitting is not None else 0}/day={day}"

    def write(self, model: str, fitting: int | None, data: Any) -> str:
        """Write one batch of one model, fitting and day; return the file's path."""
        import io

        import pyarrow.parquet as pq

        # text (categories, labels) is dictionary-encoded; numbers and the unique request ids
        # are written plain: encoding them cost 5 times the rest of the write, for no smaller files
        text = [path for path, kind in _leaves(data.schema) if kind == "string" and path != "request_id"]
        first = data.column("predicted_at")[0].as_py()
        folder = self.partition(model, fitting, first.strftime("%Y-%m-%d"))
        name = f"{folder}/{first.strftime('%H%M%S%f')}-{uuid.uuid4().hex[:8]}.parquet"
        if self.s3:
            import lore.s3

            buffer = io.BytesIO()
            pq.write_table(data, buffer, use_dictionary=text)
            lore.s3.remote().put_bytes(f"{self.path}/{name}", buffer.getvalue())
            self.prune_daily()
            return f"{self.path}/{name}"
        from lore.util import atomic_path

        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(target) as temporary:
            pq.write_table(data, temporary, use_dictionary=text)
        self.prune_daily()
        return str(target)

    def prune(self) -> list[str]:
        """Delete the day partitions older than ``keep_days`` (none without it); the ones deleted."""
        from lore.monitoring.retention import prune

        return prune(self.path, self.keep_days, s3=self.s3) if self.keep_days else []

    def prune_daily(self) -> None:
        """:meth:`prune` in a thread of its own on the first call of each day (UTC).

        The writer goes on meanwhile (a large S3 log takes a while to list); a failure
        is a warning, never raised. ``self.pruning`` is the thread.
        """
        today = time.strftime("%Y-%m-%d", time.gmtime())
        if not self.keep_days or self.pruned == today:
            return
        self.pruned = today
        self.pruning = threading.Thread(
            target=self._prune_logged, name="lore-prediction-log-prune", daemon=True
        )
        self.pruning.start()

    def _prune_logged(self) -> None:
        try:
            removed = self.prune()
        except Exception as error:  # retention must never stop the log
            logger.warning("pruning the prediction log %r failed: %s", self, error)
        else:
            if removed:
                logger.info(
                    "pruned %d day partitions of %r older than %d days", len(removed), self, self.keep_days
                )

    def local_folder(self, model: str, days: list[str] | None) -> Path:
        """The local folder of ``model``'s files (downloaded first from S3, for the ``days`` given)."""
        if not self.s3:
            return Path(self.path) / f"model={model}"
        import lore.env
        import lore.s3

        remote = lore.s3.remote()
        cache = lore.env.current().data_dir / "predictions-cache" / f"model={model}"
        wanted = [
            key
            for key in remote.list(f"{self.path}/model={model}")
            if days is None or any(f"/day={day}/" in key for day in days)
        ]
        missing = [(key, cache / key.split(f"model={model}/", 1)[1]) for key in wanted]
        remote.download_files([(key, path) for key, path in missing if not path.exists()])
        return cache


def _leaves(schema: Any) -> list[tuple[str, str]]:
    """``(column path, type)`` of every leaf column of an Arrow schema (``inputs.city``)."""
    import pyarrow as pa

    found = []
    fields = [(field.name, field) for field in schema]
    while fields:
        path, field = fields.pop(0)
        if pa.types.is_struct(field.type):
            fields += [(f"{path}.{child.name}", child) for child in field.type]
        else:
            found.append((path, str(field.type)))
    return found


class SQLSink:
    """The ``predictions`` table (:func:`lore.monitoring.record.table`) of a SQL database.

    ``url`` defaults to the metadata database (``[METADATA]`` of config/database.cfg);
    the table is created when missing.
    """

    def __init__(self, url: str | None = None) -> None:
        self.url = url
        self._table: Any = None

    def __repr__(self) -> str:
        from lore.util import mask_url

        return f"SQLSink({mask_url(self.url) if self.url else '[METADATA]'!r})"

    def connection(self) -> Any:
        import lore.io

        return lore.io.connection("metadata", url=self.url) if self.url else lore.io.connection("metadata")

    def table(self) -> Any:
        if self._table is None:
            import sqlalchemy as sa

            from lore.monitoring.record import table

            engine = self.connection().engine
            metadata = sa.MetaData()
            found = table(metadata)
            metadata.create_all(engine, checkfirst=True)
            self._table = (engine, found)
        return self._table

    def write(self, model: str, fitting: int | None, data: Any) -> None:
        engine, found = self.table()
        with engine.begin() as connection:
            connection.execute(found.insert(), rows(model, fitting, data))


class Logs(NamedTuple):
    """Logged predictions: the rows, and a classifier's probabilities as one matrix."""

    #: ``request_id``, ``row``, ``fitting``, ``predicted_at``, ``prediction`` and one
    #: column per input (an input named like one of these is ``inputs.<name>``).
    frame: Any
    #: ``(rows, classes)`` float64, or ``None`` when no row has probabilities (a regression).
    probabilities: Any


def read(
    sink: Any,
    model: str,
    since: datetime.datetime | None = None,
    fitting: int | None = None,
    request_ids: bool = True,
) -> Logs:
    """``model``'s logged predictions since ``since`` (of ``fitting``, or every one).

    Mixing fittings with different classes leaves ``probabilities`` ``None``; ask for
    one fitting (:func:`fittings` says which were logged). Without ``request_ids``
    the ``request_id`` and ``row`` columns are not read (faster on millions of rows).
    Text inputs and predictions come as pandas categoricals.
    """
    if isinstance(sink, SQLSink):
        return _read_sql(sink, model, since, fitting)
    return _read_parquet(sink, model, since, fitting, request_ids)


def fittings(sink: Any, model: str, since: datetime.datetime | None = None) -> dict[int, int]:
    """Fitting -> rows logged since ``since``, for ``model``."""
    if isinstance(sink, SQLSink):
        import sqlalchemy as sa

        engine, found = sink.table()
        query = sa.select(found.c.fitting, sa.func.count()).where(found.c.model == model)
        if since is not None:
            query = query.where(found.c.predicted_at >= since)
        with engine.connect() as connection:
            counted = connection.execute(query.group_by(found.c.fitting)).all()
        return {int(fitting or 0): int(count) for fitting, count in counted}
    dataset, parts = _dataset(sink, model, since, None)
    if dataset is None:
        return {}
    import pyarrow.dataset as ds

    # counted per fitting partition: from the files' metadata, reading at most predicted_at
    numbers = {int(found) for found in re.findall(r"[/\\]fitting=(\d+)[/\\]", "\n".join(dataset.files))}
    counts = {}
    for number in sorted(numbers):
        term = ds.field("fitting") == number
        counts[number] = sum(
            dataset.count_rows(filter=term if part is None else part & term) for part in parts
        )
    return {number: rows for number, rows in counts.items() if rows}


def _days(since: datetime.datetime | None) -> list[str] | None:
    if since is None:
        return None
    today = datetime.datetime.now(datetime.timezone.utc).date()
    first = since.astimezone(datetime.timezone.utc).date() if since.tzinfo else since.date()
    return [str(first + datetime.timedelta(days=n)) for n in range((today - first).days + 1)]


def _dataset(sink: ParquetSink, model: str, since: datetime.datetime | None, fitting: int | None) -> Any:
    """The dataset of ``model``'s files, and filters whose union is the rows wanted, in day order.

    With ``since``, the first day's rows are compared with the moment, and the later
    days are whole partitions: a filter on partition keys alone only picks files, it
    evaluates nothing per row.
    """
    import pyarrow.dataset as ds

    folder = sink.local_folder(model, _days(since))
    if not folder.is_dir():
        return None, None
    import pyarrow as pa

    dataset = ds.dataset(folder, format="parquet", partitioning="hive")
    # text is read as dictionaries (categories): no string per row, in Arrow or pandas
    schema = dataset.schema
    inputs = schema.field("inputs").type if "inputs" in schema.names else pa.struct([])
    text = [f"inputs.{field.name}" for field in inputs if pa.types.is_string(field.type)]
    if "prediction" in schema.names and pa.types.is_string(schema.field("prediction").type):
        text.append("prediction")
    if text:
        options = ds.ParquetReadOptions(dictionary_columns=text)
        dataset = ds.dataset(folder, format=ds.ParquetFileFormat(read_options=options), partitioning="hive")
    parts: list[Any] = [None]
    if since is not None:
        day = since.astimezone(datetime.timezone.utc).date() if since.tzinfo else since.date()
        moment = pa.scalar(since.astimezone(datetime.timezone.utc), pa.timestamp("us", tz="UTC"))
        parts = [
            (ds.field("day") == str(day)) & (ds.field("predicted_at") >= moment),
            ds.field("day") > str(day),
        ]
    if fitting is not None:
        term = ds.field("fitting") == fitting
        parts = [term if part is None else part & term for part in parts]
    return dataset, parts


def _read_parquet(
    sink: ParquetSink, model: str, since: datetime.datetime | None, fitting: int | None, request_ids: bool
) -> Logs:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    dataset, parts = _dataset(sink, model, since, fitting)
    if dataset is None:
        return Logs(pa.table({"request_id": pa.array([], pa.string())}).to_pandas(), None)
    skipped = ("day",) if request_ids else ("day", "request_id", "row")  # no string per row for day=
    columns = [name for name in dataset.schema.names if name not in skipped]
    data = pa.concat_tables([dataset.to_table(columns=columns, filter=part) for part in parts])
    probabilities = None
    if "probabilities" in data.column_names:
        column = data.column("probabilities").combine_chunks()
        data = data.drop_columns(["probabilities"])
        values = column.flatten().to_numpy(zero_copy_only=False)
        if len(column) and not column.null_count and len(values) % len(column) == 0:
            width = len(values) // len(column)
            sizes = pc.list_value_length(column).to_numpy()
            if (sizes == width).all():  # one fitting's classes
                probabilities = np.asarray(values, dtype=np.float64).reshape(len(column), width)
    if "inputs" in data.column_names:  # one column per field, chunk by chunk: no copy of the rows
        inputs = data.column("inputs")
        data = data.drop_columns(["inputs"])
        for field, values in zip(inputs.type, inputs.flatten()):
            data = data.append_column(
                field.name if field.name not in data.column_names else f"inputs.{field.name}", values
            )
    for index, field in enumerate(data.schema):  # text as categories: no Python string per row
        if field.name != "request_id" and pa.types.is_string(field.type):
            data = data.set_column(index, field.name, pc.dictionary_encode(data.column(index)))
    return Logs(data.to_pandas(split_blocks=True), probabilities)  # a block per column: no consolidating copy


def _read_sql(sink: SQLSink, model: str, since: datetime.datetime | None, fitting: int | None) -> Logs:
    import numpy as np
    import pandas as pd
    import sqlalchemy as sa

    engine, found = sink.table()
    query = sa.select(found).where(found.c.model == model)
    if since is not None:
        query = query.where(found.c.predicted_at >= since)
    if fitting is not None:
        query = query.where(found.c.fitting == fitting)
    with engine.connect() as connection:
        frame = pd.DataFrame(connection.execute(query.order_by(found.c.id)).mappings().all())
    if frame.empty:
        return Logs(frame, None)
    inputs = pd.DataFrame.from_records(frame.pop("inputs").tolist())
    listed = frame.pop("probabilities")
    frame = frame.drop(columns=["id", "model"])
    renamed = {name: f"inputs.{name}" for name in inputs.columns if name in frame.columns}
    frame["predicted_at"] = pd.to_datetime(frame["predicted_at"], utc=True)
    probabilities = None
    if listed.notna().all() and listed.map(len).nunique() == 1:
        probabilities = np.array(listed.tolist(), dtype=np.float64)
    return Logs(pd.concat([frame, inputs.rename(columns=renamed)], axis=1), probabilities)
