"""``lore promote MODEL FITTING [--alias production]``: point an alias at a verified fitting.

The fitting is verified against its manifest before the alias moves, so a damaged
fitting is never promoted. When S3 is configured the fitting is uploaded and the
alias moved on S3 too (``--local`` keeps it local), which is what ``lore api`` in
production loads. Each remote alias is its own object, so promotions from two
machines at once never lose one.
"""

from __future__ import annotations

from typing import Any

import click

from lore.cli import fittings


def promote_fitting(store: Any, name: str, fitting: int | str, alias: str, upload: bool) -> str:
    """Verify ``fitting``, point ``alias`` at it, upload when there is a remote; say what happened."""
    folder = store.resolve(name, fitting)  # verifies every file
    number = store.alias(name, int(folder.name), alias)
    message = f"{name}: {alias} -> fitting {number}"
    if upload and store.remote is not None:
        store.upload(name, number)
        store.alias(name, number, alias, remote=True)
        message += f" (uploaded to {store.remote.url(name)})"
    return message


@click.command()
@click.argument("model")
@click.argument("fitting", metavar="FITTING")
@click.option("--alias", default="production", show_default=True, help="The alias to point at FITTING.")
@click.option("--local", is_flag=True, help="Do not upload to S3 even when it is configured.")
def promote(model: str, fitting: str, alias: str, local: bool) -> None:
    """Point ALIAS (production) at FITTING of MODEL after verifying it; upload when S3 is set."""
    store = fittings.store()
    name = fittings.model_name(store.models(), model)
    click.echo(promote_fitting(store, name, fittings.fitting_ref(fitting), alias, not local))
