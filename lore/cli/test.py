"""``lore test [pytest arguments]``: the project's tests, in the test environment.

It runs ``python -m pytest`` from the project root in the project's virtualenv with
``LORE_ENV=test``, so extracts read the fixtures in ``tests/data``, fittings go to
``tests/models`` and ``.env.test`` is read before ``.env``; development data and
models are never touched. Unless paths are given it collects ``tests/`` and the app
package (where ``lore generate workflow`` writes each workflow's
``workflow_test.py``). Its exit status is pytest's.

>>> from pathlib import Path
>>> default_paths(Path("/nowhere"), "shop")
['tests']
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import click

from lore.cli import virtualenv
from lore.cli.project import enter
from lore.cli.run import run
from lore.errors import LoreError


def default_paths(root: Path, app: str | None) -> list[str]:
    """What ``lore test`` collects without paths: tests/ and the app package, when it exists."""
    return ["tests"] + ([app] if app and (root / app).is_dir() else [])


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def test(ctx: click.Context) -> None:
    """Run the project's tests with LORE_ENV=test (extra arguments go to pytest)."""
    env = enter()
    root = env.require_root()
    python = virtualenv.interpreter(root)
    if python == sys.executable and importlib.util.find_spec("pytest") is None:
        raise LoreError(
            f"pytest is not installed where lore test runs ({sys.prefix}): list it in "
            f"{root / 'requirements-dev.txt'} and run `lore install`"
        )
    args = list(ctx.args)
    if not any(not arg.startswith("-") and (root / arg.split("::")[0]).exists() for arg in args):
        args[:0] = default_paths(root, env.app)
    command = [python, "-m", "pytest", *args]
    # what this process read from .env (the development settings) is left for the tests to read again
    loaded = list(env.sources)  # only variables read from .env or ENV_DIRECTORY have a source
    ctx.exit(run(command, root, cwd=root, unset=loaded, LORE_ENV="test", LORE_ROOT=str(root)))
