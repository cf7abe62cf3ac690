"""``lore compare MODEL A B``: metric deltas per split and the parameters that differ.

A and B are fitting numbers or aliases; both are verified first.
"""

from __future__ import annotations

from typing import Any

import click

from lore.cli import fittings


def comparison(a: Any, b: Any) -> str:
    """The text ``lore compare`` prints for two :class:`~lore.stores.Fitting` s."""
    label_a, label_b = f"#{a.number}", f"#{b.number}"
    rows = []
    for split in dict.fromkeys([*a.metrics, *b.metrics]):
        left, right = a.metrics.get(split) or {}, b.metrics.get(split) or {}
        for name in dict.fromkeys([*left, *right]):
            x, y = left.get(name), right.get(name)
            delta = y - x if isinstance(x, (int, float)) and isinstance(y, (int, float)) else None
            verdict = ""
            if delta:
                verdict = f"{label_b} better" if fittings.better(name, y, x) else f"{label_a} better"
            rows.append({"split": split, "metric": name, label_a: x, label_b: y, "delta": delta, "": verdict})
    lines = [f"{a.model_name}: fitting {a.number} against {b.number}", ""]
    lines.append(fittings.table(rows, ["split", "metric", label_a, label_b, "delta", ""]))
    params_a, params_b = a.metadata.get("params") or {}, b.metadata.get("params") or {}
    changed = [
        {"parameter": key, label_a: params_a.get(key), label_b: params_b.get(key)}
        for key in dict.fromkeys([*params_a, *params_b])
        if params_a.get(key) != params_b.get(key)
    ]
    lines.append("")
    if changed:
        lines.append(fittings.table(changed, ["parameter", label_a, label_b]))
    else:
        lines.append("Same parameters.")
    return "\n".join(lines)


@click.command()
@click.argument("model")
@click.argument("a", metavar="A")
@click.argument("b", metavar="B")
def compare(model: str, a: str, b: str) -> None:
    """Compare fittings A and B of MODEL (numbers or aliases): metric deltas, parameter diff."""
    store = fittings.store()
    name = fittings.model_name(store.models(), model)
    click.echo(comparison(store.get(name, fittings.fitting_ref(a)), store.get(name, fittings.fitting_ref(b))))
