"""pip's package-index settings, read as pip reads them, and named for uv.

uv does not read pip's configuration (``pip.conf``, ``PIP_INDEX_URL``: see
https://docs.astral.sh/uv/pip/compatibility/), so when ``lore install`` drives uv a
private index configured for pip would be skipped. :func:`for_uv` gives uv the same
settings through its own variables, each only when the user has not set it for uv:

=================== ===================== ==============================================
pip                 uv                    left alone when the user set
=================== ===================== ==============================================
``index-url``       ``UV_DEFAULT_INDEX``  ``UV_DEFAULT_INDEX`` or ``UV_INDEX_URL``
``extra-index-url`` ``UV_INDEX``          ``UV_INDEX`` or ``UV_EXTRA_INDEX_URL``
``find-links``      ``UV_FIND_LINKS``     ``UV_FIND_LINKS``
``trusted-host``    ``UV_INSECURE_HOST``  ``UV_INSECURE_HOST``
=================== ===================== ==============================================

Nothing is carried over when uv has a configuration file of its own (``uv.toml``, a
``pyproject.toml`` with ``[tool.uv]``, ``$UV_CONFIG_FILE``): the user configured uv.

>>> uv_variables({"index-url": "https://pypi.example/simple", "trusted-host": "a b"}, {})
{'UV_DEFAULT_INDEX': 'https://pypi.example/simple', 'UV_INSECURE_HOST': 'a b'}
>>> uv_variables({"find-links": "/wheels\\n/more"}, {"UV_FIND_LINKS": "/mine"})
{}
"""

from __future__ import annotations

import configparser
import locale
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from lore.errors import ConfigError


@dataclass(frozen=True)
class Translation:
    """Where one pip setting goes for uv: ``variable``, unless one of ``set_by_user`` is set."""

    variable: str
    set_by_user: tuple[str, ...]
    separator: str | None  # between the values of a list; None: one value


#: pip's settings that say where packages come from -> uv's variables.
TRANSLATIONS = {
    "index-url": Translation("UV_DEFAULT_INDEX", ("UV_DEFAULT_INDEX", "UV_INDEX_URL"), None),
    "extra-index-url": Translation("UV_INDEX", ("UV_INDEX", "UV_EXTRA_INDEX_URL"), " "),
    "find-links": Translation("UV_FIND_LINKS", ("UV_FIND_LINKS",), ","),
    "trusted-host": Translation("UV_INSECURE_HOST", ("UV_INSECURE_HOST",), " "),
}


_TOOL_UV = re.compile(r"^\s*\[\[?\s*tool\.uv\b", re.M)  # a [tool.uv...] table (tomllib is 3.11+)


def config_files(environ: Mapping[str, str], site: Path | None = None) -> list[Path]:
    """pip's configuration files that exist, the one that wins last.

    As pip finds them (``pip/_internal/configuration.py``): the global files, the
    user's (not read when ``$PIP_CONFIG_FILE`` names a file that exists), the
    virtualenv's (``site``), then ``$PIP_CONFIG_FILE``; none when it is ``os.devnull``.
    """
    chosen = environ.get("PIP_CONFIG_FILE")
    if chosen == os.devnull:
        return []
    home = Path(environ.get("HOME") or Path.home())
    if sys.platform == "darwin":
        system = [Path("/Library/Application Support/pip")]
        user = home / "Library" / "Application Support" / "pip"
        user = user if user.is_dir() else home / ".config" / "pip"
    else:
        folders = (environ.get("XDG_CONFIG_DIRS") or "/etc/xdg").split(os.pathsep)
        system = [Path(folder) / "pip" for folder in folders if folder] + [Path("/etc")]
        user = Path(environ.get("XDG_CONFIG_HOME") or home / ".config") / "pip"
    files = [folder / "pip.conf" for folder in system]
    if not (chosen and Path(chosen).exists()):
        files += [home / ".pip" / "pip.conf", user / "pip.conf"]
    if site is not None:
        files.append(site / "pip.conf")
    if chosen:
        files.append(Path(chosen))
    return [path for path in files if path.is_file()]


def read(environ: Mapping[str, str], site: Path | None = None) -> dict[str, str]:
    """The settings of :data:`TRANSLATIONS` that ``pip install`` would use.

    Later files override earlier ones; then, per setting, a file's ``[install]``
    section overrides its ``[global]`` one, and a ``PIP_*`` variable overrides both.
    """
    merged: dict[str, str] = {}
    for path in config_files(environ, site):
        parser = configparser.RawConfigParser()
        try:
            parser.read(path, encoding=locale.getpreferredencoding(False))
        except (configparser.Error, UnicodeDecodeError) as error:
            first = str(error).splitlines()[0]
            raise ConfigError(
                f"pip's configuration {path} cannot be read ({first}); fix it as pip would"
            ) from None
        for section in parser.sections():
            for name, value in parser.items(section):
                merged[f"{section}.{_normal(name)}"] = value
    for name, value in environ.items():
        if name.startswith("PIP_"):
            merged[f":env:.{_normal(name[4:])}"] = value
    settings: dict[str, str] = {}
    for section in ("global", "install", ":env:"):
        for key in TRANSLATIONS:
            if merged.get(f"{section}.{key}", "").strip():
                settings[key] = merged[f"{section}.{key}"]
    return settings


def _normal(name: str) -> str:
    return name.lower().replace("_", "-")


def uv_variables(settings: Mapping[str, str], environ: Mapping[str, str]) -> dict[str, str]:
    """uv's variables for pip's ``settings``, but those the user set for uv (in ``environ``)."""
    variables: dict[str, str] = {}
    for key, value in settings.items():
        translation = TRANSLATIONS[key]
        if any(environ.get(name) for name in translation.set_by_user):
            continue
        values = value.split()  # pip's lists are separated by spaces or new lines
        variables[translation.variable] = (
            translation.separator.join(values) if translation.separator else values[0]
        )
    return variables


def uv_configured(environ: Mapping[str, str], folder: Path) -> bool:
    """Whether uv, run in ``folder``, reads a configuration file of its own."""
    if environ.get("UV_NO_CONFIG"):
        return False
    if environ.get("UV_CONFIG_FILE"):
        return True
    home = Path(environ.get("HOME") or Path.home())
    user = Path(environ.get("XDG_CONFIG_HOME") or home / ".config") / "uv" / "uv.toml"
    system = [
        Path(path) / "uv" / "uv.toml"
        for path in (environ.get("XDG_CONFIG_DIRS") or "/etc/xdg").split(os.pathsep)
    ]
    if any(path.is_file() for path in [user, *system, Path("/etc/uv/uv.toml")]):
        return True
    for here in [folder, *folder.parents]:
        if (here / "uv.toml").is_file():
            return True
        try:
            if _TOOL_UV.search((here / "pyproject.toml").read_text(encoding="utf-8")):
                return True
        except (OSError, UnicodeDecodeError):
            continue
    return False


def for_uv(
    environ: Mapping[str, str], site: Path | None = None, folder: Path | None = None
) -> dict[str, str]:
    """The variables that give uv, run in ``folder`` (the current one), pip's index settings.

    ``site`` is the virtualenv whose ``pip.conf`` pip would also read. Empty when uv
    has a configuration file of its own.
    """
    if uv_configured(environ, Path.cwd() if folder is None else folder):
        return {}
    return uv_variables(read(environ, site), environ)
