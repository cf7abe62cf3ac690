"""``lore ui``: browse the model store in a web browser (models, reports, compare, promote).

Listens on 127.0.0.1 by default. ``--allow-promote`` turns on the promote form; on any
other address it also needs a token (``--token`` or ``LORE_UI_TOKEN``; one is made
and printed when neither is given), so nobody else on the network can move an alias.

>>> from click.testing import CliRunner
>>> "--allow-promote" in CliRunner().invoke(ui, ["--help"]).output
True
"""

from __future__ import annotations

import click

from lore.cli import fittings
from lore.errors import ConfigError, MissingDependency

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def promote_token(host: str, allow_promote: bool, token: str | None) -> str | None:
    """The token promote needs: the one given, a new one beyond loopback, or none."""
    if not allow_promote:
        return None
    if token is not None and len(token) < 12:
        raise ConfigError("the --token (LORE_UI_TOKEN) must be at least 12 characters")
    if token is None and host not in LOOPBACK:
        import secrets

        token = secrets.token_urlsafe(18)
        click.echo(f"promote token (needed on {host}): {token}", err=True)
    return token


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=8100, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on."
)
@click.option("--allow-promote", is_flag=True, help="Show the promote form (off by default).")
@click.option("--token", envvar="LORE_UI_TOKEN", help="The token promote asks for (made when off loopback).")
def ui(host: str, port: int, allow_promote: bool, token: str | None) -> None:
    """Serve a web app over the model store: models, fitting reports, compare, promote."""
    try:
        import uvicorn

        from lore.ui import create_app
    except ImportError as missing:
        raise MissingDependency(missing.name or "uvicorn", "api", "lore ui") from None
    store = fittings.store()
    app = create_app(store, promote=allow_promote, token=promote_token(host, allow_promote, token))
    click.echo(f"lore ui on http://{host}:{port}/ over {store.root} (Ctrl-C stops it)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
