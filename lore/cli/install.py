"""``lore install``: the project's virtualenv, with the same packages everywhere.

1. Find the Python that ``runtime.txt`` names (``--python PATH`` overrides): this
   interpreter, a pyenv version, or ``pythonX.Y.Z`` / ``pythonX.Y`` on ``PATH``. When
   it is not installed the error says which version and how to get it.
2. Make ``.venv`` with it (``python -m venv``, or ``uv venv`` when uv is on ``PATH``:
   :mod:`lore.cli.installer`; ``--system-site-packages`` lets it see the packages of
   that Python, which makes throw-away projects instant).
3. Install ``requirements.txt`` (and, outside production, ``requirements-dev.txt``:
   what the tests need) constrained by ``requirements.lock``, so development and
   production resolve to the same versions; ``--upgrade`` re-resolves instead. The
   line naming lore installs *the lore running this command*, from where it came
   (:mod:`lore.cli.source`): its checkout, the wheel or URL its metadata recorded, or
   the package index at the same version.
4. Freeze what got installed into ``requirements.lock`` (lore included, by version)
   and record a fingerprint of the inputs (requirements, lock, runtime, Python, the
   running lore, options) in ``.venv/lore-install.json``. A later ``lore install``
   with the same fingerprint does nothing, in a fraction of a second.

``--lore-source PATH`` (or ``$LORE_SOURCE``) installs lore from another local
checkout instead.

>>> pin_lore("lore-ml[sql,xgboost]\\nnumpy\\n", "file:///src/lore").splitlines()[0]
'lore-ml[sql,xgboost] @ file:///src/lore'
>>> pin_lore("lore-ml[sql]>=0.1\\n", None, "0.2.0")
'lore-ml[sql]==0.2.0\\n'
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import click

from lore import __version__
from lore.cli import source, virtualenv
from lore.cli.installer import Installer
from lore.cli.installer import choose as choose_installer
from lore.cli.noop import (
    DEV_REQUIREMENTS,
    LOCK,
    REQUIREMENTS,
    choose_python,
    fingerprint,
    install_options,
    recorded,
)
from lore.errors import ConfigError, LoreError
from lore.root import LORE_REQUIREMENT
from lore.util import atomic_write

_LORE_PIN = re.compile(r"^lore(?:[-_.]ml)?\s*(==|@)", re.IGNORECASE)  # a frozen lore line
_PINNED = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*==\S+$")


def pin_lore(requirements: str, url: str | None, version: str = __version__) -> str:
    """Requirements text whose line naming lore installs ``url`` (else ``version`` from the index).

    Its extras stay; a line that already names a URL (``lore-ml @ ...``) is left alone.
    """
    lines = []
    for line in requirements.splitlines():
        match = LORE_REQUIREMENT.match(line)
        extras = (match.group(1) or "").replace(" ", "") if match else ""
        lines.append(source.requirement(extras, url, version) if match else line)
    return "\n".join(lines) + "\n"


def lock_lines(freeze: str, version: str | None = None) -> list[str]:
    """The ``name==version`` lines of ``pip freeze`` output; lore as ``lore-ml==version`` when given."""
    lines = [line.strip() for line in freeze.splitlines()]
    pinned = [line for line in lines if _PINNED.match(line) and not _LORE_PIN.match(line)]
    if version is not None:
        pinned.append(f"{source.DISTRIBUTION}=={version}")
    return sorted(pinned, key=str.lower)


def without_lore(lock: str) -> str:
    """The lock's lines but lore's, as constraints: the lore that runs decides lore's version."""
    return "".join(f"{line}\n" for line in lock.splitlines() if not _LORE_PIN.match(line.strip()))


def _run(command: list[str], what: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, env=env)
    if done.returncode != 0:
        raise LoreError(f"{what} failed (exit {done.returncode}); see the messages above")
    return done.stdout


def _install(
    installer: Installer, root: Path, requirements: list[Path], constraints: Path | None, upgrade: bool
) -> None:
    command = installer.install(virtualenv.python(root), requirements, constraints, upgrade)
    done = subprocess.run(command, env=installer.environment(virtualenv.folder(root)))
    if done.returncode != 0:
        hint = "" if constraints is None else f" (if {LOCK} no longer fits, `lore install --upgrade`)"
        raise LoreError(f"{installer.name} could not install {REQUIREMENTS} (exit {done.returncode}){hint}")


def freeze(root: Path, installer: Installer) -> list[str]:
    """Write what the virtualenv holds into requirements.lock; return its lines."""
    output = _run(installer.freeze(virtualenv.python(root)), f"{installer.name} freeze")
    lines = lock_lines(output, __version__)
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
    production: bool = False,
    installer: Installer | None = None,
) -> bool:
    """Bring the project's virtualenv up to date; return False when it already was.

    lore itself comes from ``lore_source`` (a checkout) when given, else from where the
    running lore came from; ``requirements-dev.txt`` is left out in ``production``.
    ``installer`` defaults to the one ``$LORE_INSTALLER`` chooses (:mod:`lore.cli.installer`).
    """
    options = install_options(lore_source, system_site_packages=system_site_packages, production=production)
    url = str(options["lore_url"]) or None
    installer = installer or choose_installer()
    if not (root / REQUIREMENTS).is_file():
        raise ConfigError(f"{root / REQUIREMENTS} is missing; list the project's packages there (e.g. lore)")
    if not upgrade and virtualenv.installed(root) and recorded(root) == fingerprint(root, python, options):
        return False
    venv = virtualenv.folder(root)
    try:
        before = json.loads((venv / virtualenv.STATE).read_text()).get("lore_build")
    except (OSError, ValueError, AttributeError):
        before = None
    if (
        venv.exists()
        and recorded(root) is not None
        and _built_differently(root, python, system_site_packages)
    ):
        shutil.rmtree(venv)
    created = not venv.exists()
    try:
        if created:
            making = f"making {venv} with {installer.name}"
            _run(installer.venv(python, venv, system_site_packages), making, installer.environment(venv))
        (venv / virtualenv.STATE).unlink(missing_ok=True)
        with tempfile.TemporaryDirectory(prefix="lore-install-") as scratch:
            names = [REQUIREMENTS] + (
                [] if production or not (root / DEV_REQUIREMENTS).is_file() else [DEV_REQUIREMENTS]
            )
            requirements = [_pinned_copy(root / name, Path(scratch), url) for name in names]
            constraints = None
            if (root / LOCK).is_file():
                constraints = Path(scratch) / LOCK
                constraints.write_text(without_lore((root / LOCK).read_text(encoding="utf-8")))
            _install(installer, root, requirements, constraints, upgrade)
        if not created and url and options["lore_build"] and before != options["lore_build"]:
            # an installer keeps an installed lore of the same version; a rebuilt one replaces it
            requirement = f"{source.DISTRIBUTION} @ {url}"
            again = installer.reinstall(virtualenv.python(root), requirement)
            _run(again, "re-installing lore", installer.environment(venv))
        freeze(root, installer)
        record = {"fingerprint": fingerprint(root, python, options), "python": str(python), **options}
        with atomic_write(venv / virtualenv.STATE, "w") as stream:
            json.dump(record, stream, indent=2)
    except BaseException:
        if created:
            shutil.rmtree(venv, ignore_errors=True)
        raise
    return True


def _pinned_copy(path: Path, scratch: Path, url: str | None) -> Path:
    """``path`` itself, or a copy in ``scratch`` whose lore line installs the running lore."""
    text = path.read_text(encoding="utf-8")
    pinned = pin_lore(text, url)
    if pinned.strip() == text.strip():
        return path  # no lore line: keep its relative paths working
    copy = scratch / path.name
    copy.write_text(pinned, encoding="utf-8")
    return copy


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
    help="Install lore from this local checkout, not from where the running lore came [env LORE_SOURCE].",
)
def install(
    python_path: str | None, upgrade: bool, system_site_packages: bool, lore_source: str | None
) -> None:
    """Make .venv with runtime.txt's Python and install the locked requirements."""
    import lore.env

    env = lore.env.current()
    root = env.require_root()
    python = choose_python(root, python_path)
    changed = install_project(
        root,
        python,
        upgrade=upgrade,
        system_site_packages=system_site_packages,
        lore_source=lore_source,
        production=env.name == lore.env.PRODUCTION,
    )
    where = virtualenv.folder(root)
    if changed:
        click.echo(f"Installed {REQUIREMENTS} into {where} (Python {virtualenv.version_of(python)}); "
                   f"versions locked in {LOCK}")  # fmt: skip
    else:
        click.echo(f"{where} is up to date with {REQUIREMENTS} and {LOCK}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(install())
