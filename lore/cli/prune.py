"""``lore prune MODEL --keep N``: delete old local fittings, never an aliased one."""

from __future__ import annotations

import click

from lore.cli import fittings


@click.command()
@click.argument("model")
@click.option(
    "--keep", type=click.IntRange(1), required=True, help="How many of the newest fittings to keep."
)
def prune(model: str, keep: int) -> None:
    """Delete all but the KEEP newest fittings of MODEL; fittings with an alias always stay."""
    store = fittings.store()
    name = fittings.model_name(store.models(), model)
    removed = store.prune(name, keep=keep)
    left = [fitting.number for fitting in store.fittings(name)]
    gone = ", ".join(map(str, removed)) or "none"
    click.echo(f"{name}: removed fittings {gone}; kept {', '.join(map(str, left))}")
