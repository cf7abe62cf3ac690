"""``lore models``: each model in the store with its fittings, latest, aliases and best metric.

Reads each fitting's manifest (not its files), so it lists a thousand fittings in a
fraction of a second and imports no data library.
"""

from __future__ import annotations

from typing import Any

import click

from lore.cli import fittings


def summary(store: Any, name: str, remote: bool = False) -> dict[str, Any]:
    """One row of ``lore models``: fittings, latest, aliases and the best validation metric."""
    listed = store.remote_fittings(name) if remote else store.fittings(name)
    best: tuple[str, float, int] | None = None
    for fitting in listed:
        found = fittings.headline(fitting.metrics)
        if found and (best is None or (found[0] == best[0] and fittings.better(found[0], found[1], best[1]))):
            best = (found[0], found[1], fitting.number)
    aliases = sorted({alias for fitting in listed for alias in fitting.aliases})
    latest = listed[-1] if listed else None
    return {
        "model": name,
        "fittings": len(listed),
        "latest": latest.number if latest else None,
        "created": (latest.created or "")[:16].replace("T", " ") if latest else None,
        "aliases": [f"{a}->{n}" for a in aliases for n in [_number(listed, a)]],
        "best validation": f"{best[0]} {best[1]:.4g} (#{best[2]})" if best else None,
    }


def _number(listed: list[Any], alias: str) -> int | None:
    return next((fitting.number for fitting in listed if alias in fitting.aliases), None)


@click.command()
def models() -> None:
    """List each model: number of fittings, latest, aliases and best validation metric."""
    store = fittings.store()
    names = store.models()
    if not names:
        click.echo(f"No fitted models in {store.root}: lore fit MODULE.CLASS makes the first.")
        return
    rows = [summary(store, name) for name in names]
    click.echo(fittings.table(rows, ["model", "fittings", "latest", "created", "aliases", "best validation"]))
