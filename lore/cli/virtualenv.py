"""The project's own virtualenv: where it is, which Python it needs, how to run in it.

Every project has one virtualenv, ``.venv`` in its root, made by ``lore install``
with the Python that ``runtime.txt`` names (``python-3.11.7``). Commands that run
project code use it; when it does not exist yet they use the Python running lore.
Nothing here imports more than the standard library.

>>> parse_runtime("python-3.11.7\\n")
'3.11.7'
>>> matches("3.11.7", "3.11")
True
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from lore.errors import ConfigError

#: The virtualenv's folder in the project root.
FOLDER = ".venv"
#: What ``lore install`` records in the virtualenv once it has installed everything.
STATE = "lore-install.json"
_RUNTIME = re.compile(r"^python-(\d+\.\d+(?:\.\d+)?)$")


def folder(root: Path) -> Path:
    """The project's virtualenv folder (it may not exist yet)."""
    return root / FOLDER


def bin_dir(root: Path) -> Path:
    """The folder of the virtualenv's executables."""
    return folder(root) / ("Scripts" if os.name == "nt" else "bin")


def python(root: Path) -> Path:
    """The virtualenv's Python executable (it may not exist yet)."""
    return bin_dir(root) / ("python.exe" if os.name == "nt" else "python")


def exists(root: Path) -> bool:
    """Whether ``lore install`` has made the virtualenv."""
    return python(root).exists()


def installed(root: Path) -> bool:
    """Whether ``lore install`` finished in the virtualenv (so lore itself runs there)."""
    return (folder(root) / STATE).is_file() and exists(root)


def active(root: Path) -> bool:
    """Whether this process runs in the project's virtualenv."""
    try:
        return Path(sys.prefix).resolve() == folder(root).resolve()
    except OSError:
        return False


def interpreter(root: Path) -> str:
    """The Python that runs project code: the virtualenv's, else the one running lore."""
    return str(python(root)) if exists(root) and not active(root) else sys.executable


def environ_base() -> dict[str, str]:
    """A copy of this process's environment variables."""
    return dict(os.environ)


def environ(root: Path) -> dict[str, str]:
    """Environment variables for a child process that runs inside the virtualenv."""
    env = environ_base()
    if exists(root):
        env["VIRTUAL_ENV"] = str(folder(root))
        env["PATH"] = os.pathsep.join([str(bin_dir(root)), env.get("PATH", "")])
        env.pop("PYTHONHOME", None)
    return env


def parse_runtime(text: str) -> str:
    """The version in a runtime.txt (``python-3.11.7`` -> ``"3.11.7"``)."""
    match = _RUNTIME.match(text.strip())
    if not match:
        raise ConfigError(f"runtime.txt says {text.strip()!r}; write one line like python-3.11.7")
    return match.group(1)


def runtime(root: Path) -> str:
    """The Python version the project's runtime.txt asks for."""
    path = root / "runtime.txt"
    try:
        return parse_runtime(path.read_text(encoding="utf-8"))
    except ConfigError as error:
        raise ConfigError(f"{path}: {error}") from None


def matches(found: str, wanted: str) -> bool:
    """Whether version ``found`` (X.Y.Z) is the ``wanted`` one (X.Y.Z, or any X.Y.* for X.Y)."""
    return found.split(".")[: len(wanted.split("."))] == wanted.split(".")


def version_of(executable: str | Path) -> str | None:
    """The X.Y.Z version of a Python executable, or None if it does not run."""
    if Path(executable).resolve() == Path(sys.executable).resolve():
        return ".".join(map(str, sys.version_info[:3]))
    try:
        out = subprocess.run(
            [str(executable), "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
            capture_output=True, text=True, timeout=30, check=True,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def pyenv_versions() -> Path | None:
    """The folder pyenv keeps its Pythons in, if pyenv is installed."""
    root = os.environ.get("PYENV_ROOT")
    if not root and shutil.which("pyenv"):
        try:
            done = subprocess.run(["pyenv", "root"], capture_output=True, text=True, timeout=10, check=True)
        except (OSError, subprocess.SubprocessError):
            return None
        root = done.stdout.strip()
    return Path(root) / "versions" if root else None


def candidates(wanted: str) -> list[Path]:
    """Executables that may be Python ``wanted``, most likely first (not yet checked)."""
    found: list[Path] = [Path(getattr(sys, "_base_executable", sys.executable))]  # not a venv's
    versions = pyenv_versions()
    if versions is not None and versions.is_dir():
        exact = sorted(versions.glob(f"{wanted}*/bin/python"), reverse=True)
        found += [path for path in exact if matches(path.parent.parent.name, wanted)]
    major_minor = ".".join(wanted.split(".")[:2])
    for name in (f"python{wanted}", f"python{major_minor}"):
        for directory in os.environ.get("PATH", "").split(os.pathsep):
            path = Path(directory) / name
            if "shims" not in path.parts and path.is_file() and os.access(path, os.X_OK):
                found.append(path)
    return found


def find_python(wanted: str) -> Path | None:
    """The first installed Python whose version is ``wanted``, or None."""
    seen: set[Path] = set()
    for path in candidates(wanted):
        real = path.resolve()
        if real in seen:
            continue
        seen.add(real)
        version = version_of(path)
        if version and matches(version, wanted):
            return path
    return None
