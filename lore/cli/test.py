"""``lore test [pytest arguments]``: the project's tests, in the test environment.

It runs ``python -m pytest`` (``tests/`` unless paths are given) from the project
root in the project's virtualenv with ``LORE_ENV=test``, so extracts read the
fixtures in ``tests/data`` and fittings go to ``tests/models``; development data and
models are never touched. Its exit status is pytest's.
"""

from __future__ import annotations

import click

from lore.cli import virtualenv
from lore.cli.project import enter
from lore.cli.run import run


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def test(ctx: click.Context) -> None:
    """Run the project's tests with LORE_ENV=test (extra arguments go to pytest)."""
    root = enter().require_root()
    args = list(ctx.args)
    if not any(not arg.startswith("-") and (root / arg.split("::")[0]).exists() for arg in args):
        args.insert(0, "tests")
    command = [virtualenv.interpreter(root), "-m", "pytest", *args]
    ctx.exit(run(command, root, cwd=root, LORE_ENV="test", LORE_ROOT=str(root)))
