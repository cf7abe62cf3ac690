"""``lore monitor MODULE.CLASS [--since 7d] [--labels EXTRACT]``: is the served model still right?

Reads the model's logged predictions (``config/monitoring.cfg`` [LOG]) since
``--since`` for its latest logged fitting (or ``--fitting``), compares them with
the fitting's reference (``reference.json``), and prints the drift of every input
and of the predictions, the accuracy expected from the model's confidence and, with
``--labels``, the accuracy realised: the labels are an extract (or a ``.csv`` /
``.parquet`` file) with ``request_id`` (what the API returned), optionally ``row``,
and one outcome column. The HTML report with its plots goes to ``--report``
(``reports/monitor/<model>/`` by default). ``--prune`` first deletes the log's day
partitions older than ``keep_days`` ([LOG]; the server's writer does it once a day).

Exit status: 0 when no threshold is crossed, 3 when one is (a column drifted, a
column's share of missing values changed, or accuracy dropped; for cron and CI), 1
on an error.

>>> parse_since("7d"), parse_since("36h"), parse_since("90m")
(datetime.timedelta(days=7), datetime.timedelta(days=1, seconds=43200), datetime.timedelta(seconds=5400))
"""

from __future__ import annotations

import datetime
import math
import re
from pathlib import Path
from typing import Any

import click

from lore.cli.project import enter, import_object
from lore.errors import ConfigError, LoreError, ModelError

#: The exit status when a threshold is crossed.
CROSSED = 3
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}


class NothingLogged(LoreError):
    """No logged predictions to check."""


def parse_since(text: str) -> datetime.timedelta:
    """``7d``, ``36h``, ``90m``, ``2w`` as a duration; anything else is a one-line error."""
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([wdhm])\s*", text)
    if found is None:
        raise click.BadParameter(f"{text!r} is not a duration; write a number and a unit: 7d, 36h, 90m, 2w")
    return datetime.timedelta(**{_UNITS[found.group(2)]: float(found.group(1))})


def read_labels(source: str) -> Any:
    """Outcomes from a ``.csv`` / ``.parquet`` file, else from the extract of that name."""
    import pandas as pd

    path = Path(source)
    if path.suffix in (".csv", ".parquet"):
        if not path.is_file():
            raise ConfigError(f"no labels file {source}; give an extract name or an existing .csv/.parquet")
        return pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
    import lore.io

    return lore.io.main.dataframe(source)


def show(found: Any) -> None:
    """The check as a table and a few lines."""
    period = f"{found.first:%Y-%m-%d} .. {found.last:%Y-%m-%d %H:%M} UTC"
    click.echo(f"{found.model} fitting {found.fitting}: {found.rows} predictions, {period}")
    click.echo(
        f"  {'column':<24} {'kind':<9} {'distance':>8} {'psi':>8} {'test':>5} {'p-value':>9} "
        f"{'missing':>8} {'unseen':>7}"
    )
    for name, row in found.drift.iterrows():
        flags = ("  DRIFT" if row.drifted else "") + ("  MISSING" if row.missing_changed else "")
        click.echo(
            f"  {name:<24} {row.kind:<9} {_number(row.distance):>8} {_number(row.psi):>8} {row.test:>5} "
            f"{_number(row.p_value):>9} {_share(row.missing_current):>8} {_share(row.unseen):>7}{flags}"
        )
    if found.performance:
        estimate = found.performance
        click.echo(
            f"  accuracy: reference {estimate['reference']:.3f}, estimated {estimate['estimated']:.3f} "
            f"± {estimate['stderr']:.3f} (before labels)"
        )
    if found.realised:
        shown = ", ".join(f"{key} {value:.4g}" for key, value in found.realised.items() if key != "rows")
        click.echo(f"  realised on {found.realised['rows']} labelled rows: {shown}")
    if found.rows < found.thresholds.min_rows:
        click.echo(
            f"  {found.rows} rows are too few to judge (fewer than {found.thresholds.min_rows:g}; "
            "[DRIFT] min_rows in config/monitoring.cfg): nothing is flagged yet"
        )
    for alert in found.alerts:
        click.echo(f"  ALERT {alert}")


def _number(value: float) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:.3g}"


def _share(value: float) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:.1%}"


@click.command()
@click.argument("model_path", metavar="MODULE.CLASS")
@click.option("--since", "since", default="7d", show_default=True, help="How far back: 7d, 36h, 90m, 2w.")
@click.option("--labels", metavar="EXTRACT", help="Outcomes: an extract name, or a .csv/.parquet file.")
@click.option("--fitting", type=int, help="The fitting to check (default: the latest one logged).")
@click.option(
    "--report",
    "report_folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of the HTML report (default reports/monitor/<model>/).",
)
@click.option(
    "--prune",
    is_flag=True,
    help="First delete the log's days older than keep_days ([LOG] of monitoring.cfg).",
)
@click.pass_context
def monitor(
    ctx: click.Context,
    model_path: str,
    since: str,
    labels: str | None,
    fitting: int | None,
    report_folder: Path | None,
    prune: bool,
) -> None:
    """Drift, estimated and realised performance of MODULE.CLASS's served predictions."""
    from lore.monitoring.check import check
    from lore.monitoring.compare import Thresholds
    from lore.monitoring.log import LogSettings, ParquetSink, fittings, read
    from lore.monitoring.reference import FILE, Reference
    from lore.monitoring.report import report
    from lore.stores import model_store

    env = enter()
    model_class = import_object(model_path, "model", ModelError)
    name = model_class.name() if hasattr(model_class, "name") else model_path
    start = datetime.datetime.now(datetime.timezone.utc) - parse_since(since)
    thresholds = Thresholds.from_config()
    sink = LogSettings.from_config().sink_object()
    if sink is None:
        raise NothingLogged(
            "the prediction log is off (sink: off in config/monitoring.cfg [LOG]); nothing to check"
        )
    if prune:
        if not isinstance(sink, ParquetSink) or not sink.keep_days:
            raise ConfigError(
                "--prune deletes Parquet day partitions older than keep_days; set keep_days in "
                "config/monitoring.cfg [LOG] (or LORE_PREDICTION_LOG_KEEP_DAYS)"
            )
        removed = sink.prune()
        click.echo(f"Pruned {len(removed)} day partitions older than {sink.keep_days} days from {sink!r}")
    logged = fittings(sink, name, start)
    if not logged:
        raise NothingLogged(
            f"no predictions of {name} logged since {start:%Y-%m-%d %H:%M} UTC in {sink!r}; "
            "serve it with lore api (which logs them), or look further back with --since"
        )
    if fitting is None:
        fitting = max(logged)
    elif fitting not in logged:
        raise NothingLogged(
            f"fitting {fitting} of {name} has no logged predictions; logged: {sorted(logged)}"
        )
    others = {number: rows for number, rows in logged.items() if number != fitting}
    # the reference alone, checked against the manifest: from S3 when the fitting is not here
    text = model_store().read_file(name, fitting, FILE)
    reference = Reference.from_json(text) if text is not None else None
    if reference is None:
        raise ModelError(
            f"fitting {fitting} of {name} has no reference.json (made before lore saved one); fit again"
        )
    logs = read(sink, name, start, fitting, request_ids=labels is not None)
    outcomes = read_labels(labels) if labels else None
    found = check(
        logs.frame,
        logs.probabilities,
        reference,
        model=name,
        fitting=fitting,
        labels=outcomes,
        thresholds=thresholds,
    )
    show(found)
    if others:
        listed = ", ".join(f"fitting {number}: {rows} rows" for number, rows in others.items())
        click.echo(f"  (also logged in this period: {listed})")
    folder = report_folder or env.require_root() / "reports" / "monitor" / name
    click.echo(f"Report: {report(found).save(folder)}")
    if found.crossed:
        ctx.exit(CROSSED)
