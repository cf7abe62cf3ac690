"""``lore upload MODEL [FITTING]``: send a verified fitting (latest by default) to S3."""

from __future__ import annotations

import click

from lore.cli import fittings


@click.command()
@click.argument("model")
@click.argument("fitting", required=False, metavar="[FITTING|ALIAS]")
def upload(model: str, fitting: str | None) -> None:
    """Upload a fitting of MODEL (the latest by default) to S3; aliases move with `lore promote`."""
    store = fittings.store(remote=True)
    name = fittings.model_name(store.models(), model)
    number = store.upload(name, fittings.fitting_ref(fitting))
    click.echo(f"Uploaded {name} fitting {number} to {store.remote.url(name)}")
