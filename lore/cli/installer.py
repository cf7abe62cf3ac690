"""Which package installer ``lore install`` drives: pip, or uv when it is on ``PATH``.

Both make the same virtualenv (uv's with pip seeded in it, so ``.venv/bin/pip``
works either way), take the same requirement and constraint files and freeze the
same ``name==version`` lines, so a lock written with one installs with the other.
uv links packages from its cache instead of unpacking wheels, which makes a new
project's virtualenv many times faster.

``$LORE_INSTALLER`` chooses: ``auto`` (the default: uv when ``uv`` is on ``PATH``,
else pip), ``pip`` or ``uv``. uv does not read pip's configuration, so its commands
run with pip's index settings named for uv (:mod:`lore.cli.pip_config`): a private
index in ``pip.conf`` or ``$PIP_INDEX_URL`` serves both.

>>> Installer("pip", None).install(Path("py"), [Path("requirements.txt")], None, upgrade=True)[3:]
['install', '--quiet', '--disable-pip-version-check', '-r', 'requirements.txt', '--upgrade']
>>> Installer("uv", "/bin/uv").freeze(Path("py"))
['/bin/uv', 'pip', 'freeze', '--python', 'py']
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from lore.cli import pip_config
from lore.errors import ConfigError

CHOICES = ("auto", "pip", "uv")
VARIABLE = "LORE_INSTALLER"


@dataclass(frozen=True)
class Installer:
    """The commands of one installer: ``name`` is ``pip`` or ``uv``, ``uv`` the uv executable."""

    name: str
    uv: str | None

    def venv(self, python: Path, folder: Path, system_site_packages: bool) -> list[str]:
        """Make a virtualenv in ``folder`` with ``python`` (pip in it either way)."""
        if self.uv:
            command = [self.uv, "venv", "--quiet", "--seed", "--python", str(python), str(folder)]
        else:
            command = [str(python), "-m", "venv", str(folder)]
        return command + (["--system-site-packages"] if system_site_packages else [])

    def install(
        self, python: Path, requirements: list[Path], constraints: Path | None, upgrade: bool
    ) -> list[str]:
        """Install ``requirements`` into the virtualenv of ``python``, within ``constraints``."""
        command = [*self._pip(python, "install"), "--quiet"]
        if not self.uv:
            command.append("--disable-pip-version-check")
        for path in requirements:
            command += ["-r", str(path)]
        if upgrade:
            command.append("--upgrade")
        elif constraints is not None:
            command += ["-c", str(constraints)]
        return command

    def reinstall(self, python: Path, requirement: str) -> list[str]:
        """Install ``requirement`` again, without its dependencies, even at the same version."""
        again = "--reinstall" if self.uv else "--force-reinstall"
        return [*self._pip(python, "install"), "--quiet", "--no-deps", again, requirement]

    def freeze(self, python: Path) -> list[str]:
        """List what the virtualenv of ``python`` holds, one ``name==version`` a line."""
        return self._pip(python, "freeze")

    def environment(self, venv: Path, environ: Mapping[str, str] | None = None) -> dict[str, str] | None:
        """The environment to run this installer's commands in (``None``: this process's).

        uv's is this process's plus pip's index settings named for uv, pip's in the
        virtualenv ``venv`` included (:func:`lore.cli.pip_config.for_uv`).
        """
        if not self.uv:
            return None
        environ = dict(os.environ if environ is None else environ)
        return {**environ, **pip_config.for_uv(environ, venv)}

    def _pip(self, python: Path, verb: str) -> list[str]:
        if self.uv:
            return [self.uv, "pip", verb, "--python", str(python)]
        return [str(python), "-m", "pip", verb]


def choose(environ: Mapping[str, str] | None = None) -> Installer:
    """The installer ``$LORE_INSTALLER`` asks for (``auto``: uv when on ``PATH``).

    >>> choose({"LORE_INSTALLER": "pip"}).name
    'pip'
    >>> choose({"LORE_INSTALLER": "conda"})
    Traceback (most recent call last):
    ...
    lore.errors.ConfigError: LORE_INSTALLER='conda' is unknown; choose auto, pip or uv
    """
    environ = os.environ if environ is None else environ
    wanted = (environ.get(VARIABLE) or "auto").strip().lower()
    if wanted not in CHOICES:
        raise ConfigError(f"{VARIABLE}={wanted!r} is unknown; choose auto, pip or uv")
    if wanted == "pip":
        return Installer("pip", None)
    found = shutil.which("uv", path=environ.get("PATH"))
    if found:
        return Installer("uv", found)
    if wanted == "uv":
        raise ConfigError(f"{VARIABLE}=uv but no uv is on PATH; `pip install uv`, or set {VARIABLE}=pip")
    return Installer("pip", None)
