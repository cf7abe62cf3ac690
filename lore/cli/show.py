"""``lore show MODEL [FITTING|ALIAS]``: one fitting's metrics, parameters, timings and report.

The fitting is verified against its manifest first, so what is shown is what
``Model.load`` would load.
"""

from __future__ import annotations

from typing import Any

import click

from lore.cli import fittings


def describe(fitting: Any) -> str:
    """The text ``lore show`` prints for a :class:`~lore.stores.Fitting`."""
    from pathlib import Path

    metadata = fitting.metadata
    lines = [
        f"{fitting.model_name} fitting {fitting.number}"
        + (f" ({', '.join(fitting.aliases)})" if fitting.aliases else ""),
        f"  created     {fitting.created or '-'} by lore {fitting.lore_version or '-'}",
        f"  estimator   {metadata.get('estimator', '-')}",
        f"  folder      {fitting.path}",
    ]
    report = Path(fitting.path) / "report" / "report.html" if isinstance(fitting.path, Path) else None
    if report is not None and report.is_file():
        lines.append(f"  report      {report}")
    metrics = fitting.metrics
    if metrics:
        names = list(dict.fromkeys(key for values in metrics.values() for key in values))
        order = {"train": 0, "validation": 1, "test": 2}
        rows = [
            {"split": split, **metrics[split]} for split in sorted(metrics, key=lambda s: order.get(s, 3))
        ]
        lines += ["", _indent(fittings.table(rows, ["split", *names]))]
    params = metadata.get("params") or {}
    if params:
        rows = [{"parameter": key, "value": value} for key, value in params.items()]
        lines += ["", _indent(fittings.table(rows, ["parameter", "value"]))]
    timings = metadata.get("timings") or {}
    if timings:
        lines += ["", "  timings     " + "  ".join(f"{k}={fittings.cell(v)}s" for k, v in timings.items())]
    rows_of = (metadata.get("data_signature") or {}).get("rows") or {}
    if rows_of:
        lines.append("  rows        " + "  ".join(f"{k}={v}" for k, v in rows_of.items()))
    if metadata.get("code_version"):
        lines.append(f"  code        {metadata['code_version']}")
    return "\n".join(lines)


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


@click.command()
@click.argument("model")
@click.argument("fitting", required=False, metavar="[FITTING|ALIAS]")
def show(model: str, fitting: str | None) -> None:
    """Show a fitting of MODEL (the latest by default): metrics, parameters, timings, report."""
    store = fittings.store()
    name = fittings.model_name(store.models(), model)
    click.echo(describe(store.get(name, fittings.fitting_ref(fitting))))
