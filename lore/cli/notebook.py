"""``lore notebook`` and ``lore lab``: Jupyter on the project's notebooks.

Each first registers a Jupyter kernel named after the app for the project's
virtualenv (``python -m ipykernel install --user --name <app>``), so notebooks run
with the project's packages, then starts Jupyter in ``notebooks/``. Jupyter is an
optional extra: without it the command says ``pip install "lore-ml[notebook]"``.
"""

from __future__ import annotations

import importlib.util

import click

from lore.cli import virtualenv
from lore.cli.project import enter
from lore.cli.run import run
from lore.errors import LoreError, MissingDependency

PASS_THROUGH = {"ignore_unknown_options": True, "allow_extra_args": True}


def jupyter(ctx: click.Context, application: str, module: str) -> None:
    env = enter()
    root = env.require_root()
    for needed in ("ipykernel", module):
        if importlib.util.find_spec(needed) is None:
            raise MissingDependency(needed, "notebook", f"lore {ctx.info_name}")
    python = virtualenv.interpreter(root)
    register = [python, "-m", "ipykernel", "install", "--user", "--name", env.app, "--display-name", env.app]
    if run(register, root) != 0:
        raise LoreError(f"could not register the Jupyter kernel {env.app!r}; see the messages above")
    notebooks = root / "notebooks"
    notebooks.mkdir(exist_ok=True)
    ctx.exit(run([python, "-m", "jupyter", application, *ctx.args], root, cwd=notebooks))


@click.command(context_settings=PASS_THROUGH)
@click.pass_context
def notebook(ctx: click.Context) -> None:
    """Jupyter Notebook in notebooks/, with a kernel for the project's virtualenv."""
    jupyter(ctx, "notebook", "notebook")


@click.command(context_settings=PASS_THROUGH)
@click.pass_context
def lab(ctx: click.Context) -> None:
    """JupyterLab in notebooks/, with a kernel for the project's virtualenv."""
    jupyter(ctx, "lab", "jupyterlab")
