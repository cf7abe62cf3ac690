"""Retention of the Parquet prediction log: day partitions older than ``keep_days`` go.

``keep_days`` (``[LOG]`` of ``config/monitoring.cfg``, or ``LORE_PREDICTION_LOG_KEEP_DAYS``;
unset: keep everything) keeps at least the last ``keep_days`` days: a partition
``day=D`` is deleted when ``D`` is more than ``keep_days`` days before today (UTC), so
every row younger than ``keep_days`` days stays, and today's and yesterday's
partitions (the only ones the writer can still be adding to, around midnight) are
never deleted. The writer of :class:`~lore.monitoring.log.PredictionLog` prunes once a
day, in a thread of its own; ``lore monitor --prune`` prunes on demand.

A local partition is first renamed to a hidden name (which readers skip), then
removed, so a reader sees a day whole or not at all. In S3 the log is listed folder
by folder (models, fittings, days: the kept days' objects are never listed), the old
days' objects are deleted 1,000 per request, and so are the same days of the local
copy (``data/predictions-cache``) that ``lore monitor`` downloads.

>>> import datetime, pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> for day in ("2026-11-01", "2026-11-25", "2026-11-27"):
...     (folder / "model=demo.Model" / "fitting=1" / f"day={day}").mkdir(parents=True)
>>> prune(folder, 7, today=datetime.date(2026, 11, 27))
['model=demo.Model/fitting=1/day=2026-11-01']
>>> sorted(path.name for path in folder.glob("*/*/*"))
['day=2026-11-25', 'day=2026-11-27']
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import uuid
from pathlib import Path

#: The day of a partition, in a local path or an S3 key.
DAY = re.compile(r"(?:^|/)(model=[^/]+/fitting=[^/]+/day=(\d{4}-\d{2}-\d{2}))/")


def cutoff(keep_days: int, today: datetime.date | None = None) -> str:
    """The first day kept: partitions of earlier days are deleted.

    >>> cutoff(7, datetime.date(2026, 11, 27))
    '2026-11-20'
    """
    if keep_days < 1:
        raise ValueError(f"keep_days={keep_days} must be 1 or more")
    today = today or datetime.datetime.now(datetime.timezone.utc).date()
    return str(today - datetime.timedelta(days=keep_days))


def prune(
    path: str | os.PathLike[str], keep_days: int, *, s3: bool = False, today: datetime.date | None = None
) -> list[str]:
    """Delete the day partitions of every model older than ``keep_days``; the ones deleted.

    Parameters
    ----------
    path
        The log's folder (``ParquetSink.path``): local, or in lore's S3 bucket with ``s3``.
    keep_days
        Days kept (1 or more); see the module documentation.
    today
        Today's date (UTC by default).

    Returns
    -------
    list of str
        ``model=<name>/fitting=<n>/day=<YYYY-MM-DD>`` of each partition deleted, sorted.
    """
    first = cutoff(keep_days, today)
    if not s3:
        return _prune_local(Path(path), first)
    import lore.env
    import lore.s3

    remote = lore.s3.remote()
    old: dict[str, str] = {}  # partition -> its remote folder
    for model in remote.folders(str(path)):  # folder by folder: the kept days' objects are never listed
        for fitting in remote.folders(model):
            for day in remote.folders(fitting):
                found = DAY.search(f"{day}/")
                if found and found.group(2) < first:
                    old[found.group(1)] = day
    remote.delete([key for day in old.values() for key in remote.list(day)])
    _prune_local(lore.env.current().data_dir / "predictions-cache", first)
    return sorted(old)


def _prune_local(folder: Path, first: str) -> list[str]:
    for left in folder.glob("model=*/fitting=*/.pruned-*"):  # a prune killed halfway
        shutil.rmtree(left, ignore_errors=True)
    removed = []
    for partition in sorted(folder.glob("model=*/fitting=*/day=*")):
        found = DAY.search(f"{partition.relative_to(folder).as_posix()}/")
        if not found or found.group(2) >= first:
            continue
        hidden = partition.with_name(f".pruned-{partition.name}-{uuid.uuid4().hex[:8]}")
        try:
            partition.rename(hidden)  # atomic: readers skip names starting with "."
        except FileNotFoundError:  # another process pruned it first
            continue
        shutil.rmtree(hidden, ignore_errors=True)
        removed.append(found.group(1))
    return removed
