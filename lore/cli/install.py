"""``lore install``: the project's virtualenv, with the same packages everywhere.

1. Find the Python that ``runtime.txt`` names (``--python PATH`` overrides): this
   interpreter, a pyenv version, or ``pythonX.Y.Z`` / ``pythonX.Y`` on ``PATH``. When
   it is not installed the error says which version and how to get it.
2. Make ``.venv`` with it (``python -m venv``; ``--system-site-packages`` lets it see
   the packages of that Python, which makes throw-away projects instant).
3. Install ``requirements.txt`` constrained by ``requirements.lock``, so development
   and production resolve to the same versions; ``--upgrade`` re-resolves instead.
4. Freeze what got installed into ``requirements.lock`` and record a fingerprint of
   the inputs (requirements, lock, runtime, Python, options) in
   ``.venv/lore-install.json``. A later ``lore install`` with the same fingerprint
   does nothing, in a fraction of a second.

``--lore-source PATH`` (or ``$LORE_SOURCE``) installs lore itself from a local
checkout instead of the package index.

>>> pin_lore("lore[sql,xgboost]\\nnumpy\\n", "/src/lore").splitlines()[0]
'lore[sql,xgboost] @ file:///src/lore'
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import click

from lore import __version__
from lore.cli import virtualenv
from lore.errors import ConfigError, LoreError
from lore.util import atomic_write

REQUIREMENTS = "requirements.txt"
LOCK = "requirements.lock"
_LORE_LINE = re.compile(r"^\s*lore\s*(\[[^\]]*\])?\s*([<>=!~].*)?$", re.IGNORECASE)
_PINNED = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*==\S+$")


def pin_lore(requirements: str, source: str) -> str:
    """Requirements text with the line naming lore pointed at a local checkout."""
    uri = Path(source).resolve().as_uri()
    lines = []
    for line in requirements.splitlines():
        match = _LORE_LINE.match(line)
        lines.append(f"lore{match.group(1) or ''} @ {uri}" if match else line)
    return "\n".join(lines) + "\n"


def lock_lines(freeze: str) -> list[str]:
    """The ``name==version`` lines of ``pip freeze`` output, without lore itself."""
    lines = [line.strip() for line in freeze.splitlines()]
    return sorted(
        (line for line in lines if _PINNED.match(line) and not line.lower().startswith("lore=")),
        key=str.lower,
    )


def choose_python(root: Path, override: str | None) -> Path:
    """The Python to build the virtualenv with."""
    wanted = virtualenv.runtime(root)
    if override:
        path = Path(override)
        if virtualenv.version_of(path) is None:
            raise ConfigError(f"--python {override} does not run as a Python interpreter")
        return path
    found = virtualenv.find_python(wanted)
    if found is None:
        raise ConfigError(
            f"runtime.txt asks for Python {wanted}, which is not installed: "
            f"run `pyenv install {wanted}` (https://github.com/pyenv/pyenv), "
            "or pass --python PATH to use another interpreter"
        )
    return found


def fingerprint(root: Path, python: Path, options: dict[str, object]) -> str:
    """A hash of everything that decides what the virtualenv holds."""
    digest = hashlib.sha256()
    for name in (REQUIREMENTS, LOCK, "runtime.txt"):
        path = root / name
        digest.update(name.encode() + b"\0" + (path.read_bytes() if path.is_file() else b"") + b"\0")
    record = {"python": str(python.resolve()), "lore": __version__, **options}
    digest.update(json.dumps(record, sort_keys=True).encode())
    return digest.hexdigest()


def recorded(root: Path) -> str | None:
    """The fingerprint of the last complete install, if any."""
    try:
        return json.loads((virtualenv.folder(root) / virtualenv.STATE).read_text())["fingerprint"]
    except (OSError, ValueError, KeyError):
        return None


def _run(command: list[str], what: str) -> str:
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise LoreError(f"{what} failed (exit {done.returncode}); see the messages above")
    return done.stdout


def _pip_install(root: Path, requirements: Path, upgrade: bool) -> None:
    python = str(virtualenv.python(root))
    command = [
        python,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "-r",
        str(requirements),
    ]
    lock = root / LOCK
    if upgrade:
        command.append("--upgrade")
    elif lock.is_file():
        command += ["-c", str(lock)]
    done = subprocess.run(command)
    if done.returncode != 0:
        hint = (
            "" if upgrade or not lock.is_file() else f" (if {LOCK} no longer fits, `lore install --upgrade`)"
        )
        raise LoreError(f"pip could not install {REQUIREMENTS} (exit {done.returncode}){hint}")


def freeze(root: Path) -> list[str]:
    """Write what the virtualenv holds into requirements.lock; return its lines."""
    output = _run([str(virtualenv.python(root)), "-m", "pip", "freeze"], "pip freeze")
    lines = lock_lines(output)
    header = "# Resolved by `lore install` from requirements.txt; `lore install --upgrade` refreshes it.\n"
    with atomic_write(root / LOCK, "w") as stream:
        stream.write(header + "".join(f"{line}\n" for line in lines))
    return lines


def install_project(
    root: Path,
    python: Path,
    *,
    upgrade: bool = False,
    system_site_packages: bool = False,
    lore_source: str | None = None,
) -> bool:
    """Bring the project's virtualenv up to date; return False when it already was."""
    options = {"system_site_packages": system_site_packages, "lore_source": lore_source or ""}
    if not (root / REQUIREMENTS).is_file():
        raise ConfigError(f"{root / REQUIREMENTS} is missing; list the project's packages there (e.g. lore)")
    if not upgrade and virtualenv.installed(root) and recorded(root) == fingerprint(root, python, options):
        return False
    venv = virtualenv.folder(root)
    if (
        venv.exists()
        and recorded(root) is not None
        and _built_differently(root, python, system_site_packages)
    ):
        shutil.rmtree(venv)
    created = not venv.exists()
    try:
        if created:
            command = [str(python), "-m", "venv", str(venv)]
            _run(command + (["--system-site-packages"] if system_site_packages else []), "python -m venv")
        (venv / virtualenv.STATE).unlink(missing_ok=True)
        with tempfile.TemporaryDirectory(prefix="lore-install-") as scratch:
            requirements = root / REQUIREMENTS
            if lore_source:
                requirements = Path(scratch) / REQUIREMENTS
                requirements.write_text(pin_lore((root / REQUIREMENTS).read_text(), lore_source))
            _pip_install(root, requirements, upgrade)
        freeze(root)
        record = {"fingerprint": fingerprint(root, python, options), "python": str(python), **options}
        with atomic_write(venv / virtualenv.STATE, "w") as stream:
            json.dump(record, stream, indent=2)
    except BaseException:
        if created:
            shutil.rmtree(venv, ignore_errors=True)
        raise
    return True


def _built_differently(root: Path, python: Path, system_site_packages: bool) -> bool:
    """Whether the existing virtualenv has another Python or site-packages setting."""
    try:
        state = json.loads((virtualenv.folder(root) / virtualenv.STATE).read_text())
    except (OSError, ValueError):
        return True
    return state.get("python") != str(python) or state.get("system_site_packages") != system_site_packages


@click.command()
@click.option("--python", "python_path", metavar="PATH", help="Use this interpreter, not runtime.txt's.")
@click.option("--upgrade", is_flag=True, help="Re-resolve requirements.txt (ignore the lock) and re-freeze.")
@click.option(
    "--system-site-packages",
    is_flag=True,
    help="Let the virtualenv see the packages of the Python it is made from (fast, for throw-away projects).",
)
@click.option(
    "--lore-source",
    envvar="LORE_SOURCE",
    metavar="PATH",
    type=click.Path(exists=True, file_okay=False),
    help="Install lore itself from this local checkout [env LORE_SOURCE].",
)
def install(
    python_path: str | None, upgrade: bool, system_site_packages: bool, lore_source: str | None
) -> None:
    """Make .venv with runtime.txt's Python and install the locked requirements."""
    import lore.env

    root = lore.env.current().require_root()
    python = choose_python(root, python_path)
    changed = install_project(
        root, python, upgrade=upgrade, system_site_packages=system_site_packages, lore_source=lore_source
    )
    where = virtualenv.folder(root)
    if changed:
        click.echo(f"Installed {REQUIREMENTS} into {where} (Python {virtualenv.version_of(python)}); "
                   f"versions locked in {LOCK}")  # fmt: skip
    else:
        click.echo(f"{where} is up to date with {REQUIREMENTS} and {LOCK}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(install())
