"""``lore console``: an interactive shell with the project loaded.

IPython when it is installed (``--plain`` or its absence gives Python's own
``code.interact``). ``lore``, ``lore.io`` and the app package are imported, and the
prompt names the app and the environment in a colour that tells them apart:
production in red, test in yellow, development in green.

>>> prompt("shop", "production")
'\\x1b[1;31mshop[production]\\x1b[0m>>> '
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from lore.cli.project import enter

#: ANSI colour of the prompt per environment.
COLOURS = {"production": "1;31", "test": "1;33", "development": "1;32"}
#: The same colours as prompt_toolkit styles, for IPython.
STYLES = {"production": "bold #ff0000", "test": "bold #ffaa00", "development": "bold #00aa00"}


def prompt(app: str, environment: str) -> str:
    """The plain Python prompt, coloured by environment."""
    return f"\x1b[{COLOURS.get(environment, '1')}m{app}[{environment}]\x1b[0m>>> "


def namespace(app: str) -> dict[str, Any]:
    """What the shell starts with: lore (with lore.io imported), the environment and the app package."""
    import lore
    import lore.env
    import lore.io

    names: dict[str, Any] = {"lore": lore, "env": lore.env.current()}
    names[app] = importlib.import_module(app)
    return names


def loaded(names: dict[str, Any]) -> str:
    """What the banner says is loaded, from what really is.

    >>> import lore, lore.io
    >>> loaded({"lore": lore, "env": None})
    'lore (lore.io imported), env'
    """
    import sys

    shown = []
    for name in names:
        if name == "lore":
            imported = [module for module in ("lore.io",) if module in sys.modules]
            name += f" ({', '.join(imported)} imported)" if imported else ""
        shown.append(name)
    return ", ".join(shown)


def ipython(names: dict[str, Any], app: str, environment: str) -> None:
    from IPython import start_ipython
    from IPython.terminal.prompts import Prompts, Token
    from traitlets.config import Config

    class EnvironmentPrompts(Prompts):
        def in_prompt_tokens(self) -> list[tuple[Any, str]]:
            return [(Token.Prompt, f"{app}[{environment}] "), *super().in_prompt_tokens()]

    config = Config()
    config.TerminalInteractiveShell.prompts_class = EnvironmentPrompts
    config.TerminalInteractiveShell.highlighting_style_overrides = {Token.Prompt: STYLES[environment]}
    config.TerminalIPythonApp.display_banner = False
    start_ipython(argv=[], user_ns=names, config=config)


@click.command()
@click.option("--plain", is_flag=True, help="Use Python's own shell even when IPython is installed.")
def console(plain: bool) -> None:
    """An interactive shell with the project loaded, its prompt coloured by environment."""
    env = enter()
    names = namespace(env.app)
    click.echo(f"lore console: {env.app} in {env.name}; loaded: {loaded(names)}")
    if not plain:
        try:
            return ipython(names, env.app, env.name)
        except ImportError:
            pass
    import code
    import sys

    sys.ps1 = prompt(env.app, env.name)
    code.interact(banner="", local=names, exitmsg="")
