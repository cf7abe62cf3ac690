"""``lore env``: the project root, the environment, and where every setting came from."""

from __future__ import annotations

import os

import click

import lore.config
import lore.env
from lore.util import mask_secret


@click.command()
def env() -> None:
    """Show the project root, environment and where each setting came from (secrets masked)."""
    current = lore.env.current()
    click.echo(f"root:        {current.root or '(not in a project)'}")
    click.echo(f"app:         {current.app or '-'}")
    click.echo(f"environment: {current.name}")
    click.echo(f"data:        {current.data_dir}")
    click.echo(f"models:      {current.models_dir}")
    click.echo(f"logs:        {current.logs_dir}")
    if current.sources:
        click.echo("variables:")
        for key in sorted(current.sources):
            value = mask_secret(key, os.environ.get(key, ""))
            click.echo(f"  {key}={value}  ({current.sources[key]})")
    for path in lore.config.files(current.config_dir):
        for section_name, section in lore.config.read(path.stem, current.config_dir).items():
            click.echo(f"[{section_name}]")
            for key, value in section.values.items():
                shown, raw = mask_secret(key, value.text), mask_secret(key, value.raw)
                click.echo(f"  {key} = {shown}  ({value.source.name}: {raw})")
