"""``lore pip``, ``lore python``, ``lore exec``: tools of the project's virtualenv.

Every argument after the command passes through untouched (``lore pip install -U
xgboost``, ``lore python -c 'import my_app'``, ``lore exec ruff check .``; ``lore pip
--help`` is pip's help, ``lore exec --help`` lore's). They run with the virtualenv's
``bin`` first on ``PATH`` and exit with the tool's status.
"""

from __future__ import annotations

import click

from lore.cli import virtualenv
from lore.cli.project import enter
from lore.cli.run import run

PASS_THROUGH = {"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []}


@click.command(context_settings=PASS_THROUGH, add_help_option=False)
@click.pass_context
def pip(ctx: click.Context) -> None:
    """Run the virtualenv's pip with these arguments."""
    root = enter().require_root()
    ctx.exit(run([virtualenv.interpreter(root), "-m", "pip", *ctx.args], root))


@click.command(context_settings=PASS_THROUGH, add_help_option=False)
@click.pass_context
def python(ctx: click.Context) -> None:
    """Run the virtualenv's python with these arguments."""
    root = enter().require_root()
    ctx.exit(run([virtualenv.interpreter(root), *ctx.args], root))


#: ``lore exec --help`` is lore's help; from COMMAND on, every argument is COMMAND's.
EXEC = {"ignore_unknown_options": True, "allow_extra_args": True, "allow_interspersed_args": False}


@click.command("exec", context_settings=EXEC)
@click.argument("command", nargs=-1, type=click.UNPROCESSED, required=True)
@click.pass_context
def exec_(ctx: click.Context, command: tuple[str, ...]) -> None:
    """Run COMMAND inside the virtualenv (its bin first on PATH), e.g. lore exec ruff check ."""
    root = enter().require_root()
    ctx.exit(run([*command, *ctx.args], root))
