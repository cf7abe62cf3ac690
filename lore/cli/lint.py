"""``lore lint [PATHS...]``: the workflow docstring conventions, then ruff.

With no paths it checks the project's app package. ruff runs with the project's
own configuration, or with :data:`BASELINE_RULES` when it has none. Each miss is one line,
``path:line: message``, followed by ruff's own findings and a summary line; the
exit status is 1 when anything was found.

>>> from click.testing import CliRunner
>>> CliRunner().invoke(lint, ["--help"]).output.splitlines()[0]
'Usage: lint [OPTIONS] [PATHS]...'
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import click

import lore.env
from lore.errors import LoreError
from lore.workflow.conventions import check_paths

#: ruff's rules when the project does not configure ruff: syntax and runtime errors, pyflakes
BASELINE_RULES = "E4,E7,E9,F"


def default_paths() -> list[Path]:
    """The app package of the current project (NotInProject outside one)."""
    env = lore.env.current()
    package = env.require_root() / str(env.app)
    if not package.is_dir():
        raise LoreError(f"no app package at {package}; pass the paths to lint, e.g. `lore lint src/`")
    return [package]


def ruff_configured(paths: list[Path]) -> bool:
    """Whether a ruff.toml, .ruff.toml or pyproject.toml with ``[tool.ruff`` governs ``paths``."""
    for path in paths:
        start = path.resolve()
        for folder in (start, *start.parents):
            if (folder / "ruff.toml").is_file() or (folder / ".ruff.toml").is_file():
                return True
            pyproject = folder / "pyproject.toml"
            if pyproject.is_file() and "[tool.ruff" in pyproject.read_text(
                encoding="utf-8", errors="replace"
            ):
                return True
    return False


def run_ruff(paths: list[Path]) -> bool | None:
    """Run ``ruff check`` on ``paths``, its output passed through; None when ruff is absent.

    The project's own ruff configuration applies; without one, the rules are
    :data:`BASELINE_RULES`, so the verdict does not change with ruff's defaults.
    """
    if importlib.util.find_spec("ruff") is None:
        return None
    command = [sys.executable, "-m", "ruff", "check", "--output-format", "concise"]
    if not ruff_configured(paths):
        command += ["--select", BASELINE_RULES]
    command += map(str, paths)
    result = subprocess.run(command, capture_output=True, text=True)
    output = (result.stdout + result.stderr).strip()
    if result.returncode != 0 and output:
        click.echo(output)
    return result.returncode == 0


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.pass_context
def lint(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """Check the workflow docstring conventions in PATHS (default: the app package), then run ruff."""
    targets = list(paths) or default_paths()
    files, problems = check_paths(targets)
    for problem in problems:
        click.echo(str(problem))
    ruff_clean = run_ruff(targets)
    if ruff_clean is None:
        click.echo('lint: ruff is not installed, so it was skipped (pip install "lore-ml[test]" or ruff)')
    if problems or ruff_clean is False:
        found = [f"{len(problems)} convention problem{'s' * (len(problems) != 1)}"]
        if ruff_clean is False:
            found.append("ruff found problems (above)")
        click.echo(f"lint: {' and '.join(found)} in {len(files)} files")
        ctx.exit(1)
    click.echo(f"lint: no problems in {len(files)} files")
