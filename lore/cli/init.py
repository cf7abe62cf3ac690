"""``lore init NAME``: a new project that works at once.

The project is rendered from ``lore/templates/project/`` into a hidden temporary
folder beside the destination, given its sample database and a git repository, and
only then renamed into place: a failure leaves nothing behind, and an existing
non-empty folder is never touched.

>>> check_name("my_app")
'my_app'
"""

from __future__ import annotations

import importlib.util
import keyword
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import click

from lore import scaffold
from lore.errors import LoreError
from lore.util import shared

#: The lore extras the example project needs (written into its requirements.txt).
EXTRAS = "api,names,sql,xgboost"
#: The oldest Python lore runs on (pyproject.toml's requires-python).
OLDEST_PYTHON = (3, 10)
#: The longest project name: it names a folder, a package and a Jupyter kernel.
LONGEST_NAME = 64


def check_argument(name: str) -> str:
    """``name`` as typed after ``lore init``, if it is a plain name, else a :class:`LoreError` saying why.

    >>> check_argument("shop")
    'shop'
    """
    if not name.strip():
        raise LoreError("the project name is empty; write one, e.g. `lore init shop`")
    if "/" in name or "\\" in name or name in {".", ".."}:
        raise LoreError(
            f"{name!r} is a path, not a project name; cd into the folder it should go in and run "
            f"`lore init {Path(name.rstrip('/')).name or 'NAME'}`"
        )
    if len(name) > LONGEST_NAME:
        raise LoreError(f"the project name is {len(name)} characters long; use at most {LONGEST_NAME}")
    return name


def check_python(version: str) -> str:
    """``version`` (X.Y.Z) if lore runs on it, else a :class:`LoreError`.

    >>> check_python("3.11.7")
    '3.11.7'
    """
    if tuple(int(part) for part in version.split(".")[:2]) < OLDEST_PYTHON:
        oldest = ".".join(map(str, OLDEST_PYTHON))
        this = ".".join(map(str, sys.version_info[:3]))
        raise LoreError(
            f"lore runs on Python {oldest} or newer, so a project cannot ask for {version}; "
            f"pass --python-version {this} (or leave the option out for this Python's)"
        )
    return version


def check_name(name: str) -> str:
    """``name`` if it can be the app's package name, else a :class:`LoreError` saying why."""
    if not name.isidentifier() or not name.isascii():
        raise LoreError(
            f"{name!r} cannot name a project: it becomes a Python package, so use letters, "
            "digits and underscores, not starting with a digit (e.g. my_project)"
        )
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        raise LoreError(f"{name!r} is a Python keyword; pick another project name")
    if name in sys.stdlib_module_names or name == "lore" or _importable(name):
        raise LoreError(
            f"{name!r} would shadow the module {name!r} that Python already imports; "
            "pick another project name (e.g. my_project)"
        )
    return name


def _importable(name: str) -> bool:
    """Whether a real module of that name is installed (namespace folders do not count)."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return False
    return spec is not None and spec.origin not in (None, "namespace")


def create(destination: Path, python_version: str) -> Path:
    """Create the project at ``destination``; return its root."""
    from lore.cli.sample import DATABASE, write_sample

    destination = destination.resolve()
    app = check_name(destination.name)
    if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
        raise LoreError(f"{destination} already exists and is not empty; pick a new folder name")
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = shared(tempfile.mkdtemp(prefix=f".{app}.lore-init-", dir=destination.parent))
    try:
        scaffold.render(
            "project",
            staging,
            {
                "app": app,
                "python_version": python_version,
                "lore_extras": EXTRAS,
                "underline": "=" * len(app),
            },
        )
        for base in (staging, staging / "tests"):
            write_sample(base / "data" / DATABASE)
        if shutil.which("git"):
            subprocess.run(["git", "init", "-q", str(staging)], check=True, capture_output=True, timeout=60)
        if destination.exists():
            destination.rmdir()
        staging.rename(destination)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return destination


@click.command()
@click.argument("name")
@click.option(
    "--python-version",
    "--python_version",
    default=".".join(map(str, sys.version_info[:3])),
    show_default="this Python's",
    help="The Python version runtime.txt pins (X.Y.Z); lore install uses it.",
)
def init(name: str, python_version: str) -> None:
    """Create project NAME in ./NAME, with an example model that fits at once."""
    from lore.cli.virtualenv import parse_runtime

    check_argument(name)
    version = check_python(parse_runtime(f"python-{python_version}"))
    root = create(Path(name), version)
    click.echo(f"Created {root.name} in {root} (Python {version}). Next:")
    click.echo(f"  cd {name}")
    click.echo("  lore install")
    click.echo(f"  lore fit {root.name}.models.subscribers.BoostedName")
    click.echo("  lore test")
