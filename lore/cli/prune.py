"""``lore prune MODEL --keep N [--remote]``: delete old fittings, never an aliased one."""

from __future__ import annotations

import click

from lore.cli import fittings
from lore.errors import FittingNotFound


@click.command()
@click.argument("model")
@click.option(
    "--keep", type=click.IntRange(1), required=True, help="How many of the newest fittings to keep."
)
@click.option("--remote", is_flag=True, help="Prune the fittings on S3 instead of the local ones.")
def prune(model: str, keep: int, remote: bool) -> None:
    """Delete all but the KEEP newest fittings of MODEL; fittings with an alias always stay."""
    store = fittings.store(remote=remote)
    try:
        name = fittings.model_name(store.models(), model)
    except FittingNotFound:
        if not remote:
            raise
        name = model  # none here: the full name, as on S3
    removed = store.prune(name, keep=keep, remote=remote)
    listed = store.remote_fittings(name) if remote else store.fittings(name)
    left = [fitting.number for fitting in listed]
    gone = ", ".join(map(str, removed)) or "none"
    click.echo(f"{name}: removed fittings {gone}; kept {', '.join(map(str, left))}")
