"""``lore download MODEL [FITTING|ALIAS]``: fetch and verify a fitting from S3."""

from __future__ import annotations

import click

from lore.cli import fittings


@click.command()
@click.argument("model")
@click.argument("fitting", required=False, metavar="[FITTING|ALIAS]")
def download(model: str, fitting: str | None) -> None:
    """Download a fitting of MODEL (the latest, a number or an alias) from S3 and verify it.

    MODEL is the full name (<module>.<Class>), as the model has no local fittings yet.
    """
    store = fittings.store(remote=True)
    folder = store.download(model, fittings.fitting_ref(fitting))
    click.echo(f"Downloaded {model} fitting {folder.name} to {folder}")
