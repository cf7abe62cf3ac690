"""Whether ``lore install`` has nothing to do, decided with the standard library only.

A second ``lore install`` with nothing changed should cost little more than starting
Python, so :func:`lore.cli.main` asks :func:`up_to_date` before it imports click or
anything that installing needs. The decision is the install's own: the fingerprint
(:func:`fingerprint`) of the requirements, dev requirements, lock, runtime, the
Python, where the running lore came from and the options, against the one recorded
in ``.venv/lore-install.json`` by the last complete install.

>>> from pathlib import Path
>>> sorted(install_options(None, system_site_packages=False, production=False))
['lore_build', 'lore_url', 'production', 'system_site_packages']
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from lore import __version__
from lore.cli import source, virtualenv
from lore.errors import ConfigError

REQUIREMENTS = "requirements.txt"
#: What the project's tests need; installed in development and test, never in production.
DEV_REQUIREMENTS = "requirements-dev.txt"
LOCK = "requirements.lock"


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


def install_options(
    lore_source: str | None, *, system_site_packages: bool, production: bool
) -> dict[str, object]:
    """What, besides the files, decides the virtualenv: where lore comes from, and the options."""
    url = Path(lore_source).resolve().as_uri() if lore_source else source.running_url()
    return {
        "system_site_packages": system_site_packages,
        "lore_url": url or "",
        "lore_build": source.build(url),
        "production": production,
    }


def fingerprint(root: Path, python: Path, options: dict[str, object]) -> str:
    """A hash of everything that decides what the virtualenv holds."""
    digest = hashlib.sha256()
    for name in (REQUIREMENTS, DEV_REQUIREMENTS, LOCK, "runtime.txt"):
        path = root / name
        digest.update(name.encode() + b"\0" + (path.read_bytes() if path.is_file() else b"") + b"\0")
    record = {"python": str(python.resolve()), "lore": __version__, **options}
    digest.update(json.dumps(record, sort_keys=True).encode())
    return digest.hexdigest()


def recorded(root: Path) -> str | None:
    """The fingerprint of the last complete install, if any."""
    try:
        return json.loads((virtualenv.folder(root) / virtualenv.STATE).read_text())["fingerprint"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def up_to_date() -> str | None:
    """The message of a bare ``lore install`` with nothing to do, or None when it has work.

    Any doubt (not in a project, no runtime Python...) is None: the full command then
    runs and says what is wrong.
    """
    import lore.env

    try:
        env = lore.env.current()
        root = env.require_root()
        if not (root / REQUIREMENTS).is_file() or not virtualenv.installed(root):
            return None
        python = choose_python(root, None)
        options = install_options(
            os.environ.get("LORE_SOURCE") or None,
            system_site_packages=False,
            production=env.name == lore.env.PRODUCTION,
        )
    except Exception:  # the full command reports it properly
        return None
    if recorded(root) != fingerprint(root, python, options):
        return None
    return f"{virtualenv.folder(root)} is up to date with {REQUIREMENTS} and {LOCK}"
