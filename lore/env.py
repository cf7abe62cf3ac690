"""Where the project is, which environment runs, and where its files go.

The project root is ``$LORE_ROOT`` or else the nearest folder, from the working
directory upward, that holds a ``runtime.txt``. The app package is the root
folder's name unless ``$LORE_APP`` says otherwise. The environment name comes from
``$LORE_ENV``: ``development`` (the default), ``test`` or ``production``.

Variables are read, without overriding any already set, from the project's
``.env.<environment>`` file (``.env.test`` under ``LORE_ENV=test``), then its ``.env``
file, then ``$ENV_DIRECTORY``: a folder holding one file per variable, the way
container platforms mount secrets. So the tests' settings in ``.env.test`` win over
the development ones in ``.env``.

>>> import lore.env
>>> lore.env.current().name in lore.env.NAMES
True
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from lore.compat import module_getattr
from lore.errors import ConfigError, EnvironmentNameError, NotInProject
from lore.root import find_root

DEVELOPMENT = "development"
TEST = "test"
PRODUCTION = "production"
NAMES = (DEVELOPMENT, TEST, PRODUCTION)

#: Where a variable read from a file came from, as ``lore env`` reports it.
FROM_DOTENV = ".env"
FROM_DIRECTORY = "ENV_DIRECTORY"


@dataclass(frozen=True)
class Environment:
    """The project and environment this process runs in.

    ``root`` is ``None`` outside a project; paths then fall back to the working
    directory so that library code still works in a plain script or notebook.
    """

    name: str
    root: Path | None
    app: str | None
    sources: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def base(self) -> Path:
        """The folder data/, models/ and logs/ live in (tests/ under ``LORE_ENV=test``)."""
        home = self.root if self.root is not None else Path.cwd()
        return home / "tests" if self.name == TEST else home

    @property
    def data_dir(self) -> Path:
        return self.base / "data"

    @property
    def models_dir(self) -> Path:
        return self.base / "models"

    @property
    def logs_dir(self) -> Path:
        return (self.root if self.root is not None else Path.cwd()) / "logs"

    @property
    def config_dir(self) -> Path:
        return (self.root if self.root is not None else Path.cwd()) / "config"

    def require_root(self) -> Path:
        """The project root, or :class:`~lore.errors.NotInProject` outside one."""
        if self.root is None:
            raise NotInProject(
                "not inside a lore project: no runtime.txt here or in any parent folder. "
                "cd into a project, set LORE_ROOT, or create one with `lore init NAME`"
            )
        return self.root


def read_text(path: Path, what: str) -> str:
    """The UTF-8 text of ``path``; other bytes are a :class:`ConfigError` naming the position."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ConfigError(
            f"{path}:{line}: byte 0x{data[error.start]:02x} is not UTF-8; {what} must be UTF-8 text: "
            "save it as UTF-8"
        ) from None


def read_dotenv(path: Path) -> dict[str, str]:
    """Parse a ``.env`` file; a line that does not parse is a :class:`ConfigError`.

    The error names the line and the variable, never the value: a malformed line
    often holds a password.
    """
    import io

    from dotenv.parser import parse_stream

    values: dict[str, str] = {}
    for binding in parse_stream(io.StringIO(read_text(path, ".env"))):
        if binding.error:
            line = binding.original.line
            name = binding.original.string.split("=", 1)[0].strip() if "=" in binding.original.string else ""
            shown = f" (variable {name})" if name.replace("_", "").isalnum() and len(name) <= 100 else ""
            raise ConfigError(
                f"{path}:{line}: cannot parse this line{shown}; write NAME=value, one per line, and quote "
                "values with spaces or '#' (the line is not shown: it may hold a secret)"
            )
        if binding.key is not None:
            values[binding.key] = binding.value or ""
    return values


def read_directory(path: Path) -> dict[str, str]:
    """Variables from a folder with one file per variable (name = file name)."""
    if not path.is_dir():
        raise ConfigError(f"ENV_DIRECTORY={path} is not a folder; point it at one or unset it")
    return {
        entry.name: read_text(entry, "a file in ENV_DIRECTORY").rstrip("\n")
        for entry in sorted(path.iterdir())
        if entry.is_file() and not entry.name.startswith(".")
    }


def _load_variables(root: Path | None) -> dict[str, str]:
    """Set variables from .env.<environment>, .env and ENV_DIRECTORY not set yet; return their sources."""
    sources: dict[str, str] = {}
    layers: list[tuple[str, dict[str, str]]] = []
    dotenv = read_dotenv(root / ".env") if root is not None and (root / ".env").is_file() else {}
    if root is not None:
        name = os.environ.get("LORE_ENV") or dotenv.get("LORE_ENV") or DEVELOPMENT
        specific = root / f".env.{name}"
        if name in NAMES and specific.is_file():
            layers.append((specific.name, read_dotenv(specific)))
    if dotenv:
        layers.append((FROM_DOTENV, dotenv))
    directory = os.environ.get("ENV_DIRECTORY")
    if directory:
        layers.append((FROM_DIRECTORY, read_directory(Path(directory))))
    for origin, values in layers:
        for key, value in values.items():
            if key not in os.environ:
                os.environ[key] = value
                sources[key] = origin
    return sources


def _environment_name() -> str:
    name = os.environ.get("LORE_ENV", DEVELOPMENT)
    if name not in NAMES:
        raise EnvironmentNameError(
            f"LORE_ENV={name!r} is not an environment lore knows; use one of {', '.join(NAMES)}"
        )
    return name


_current: Environment | None = None


def load(start: Path | None = None) -> Environment:
    """Work out the environment afresh (reads .env and ENV_DIRECTORY)."""
    root = find_root(start)
    sources = _load_variables(root)
    app = os.environ.get("LORE_APP") or (root.name if root is not None else None)
    return Environment(name=_environment_name(), root=root, app=app, sources=sources)


def current() -> Environment:
    """The environment of this process, worked out once and cached."""
    global _current
    if _current is None:
        _current = load()
    return _current


def reset() -> None:
    """Forget the cached environment, so the next :func:`current` looks again."""
    global _current
    _current = None


@contextmanager
def variables(**values: str | None) -> Iterator[None]:
    """Set (or, with ``None``, unset) environment variables for a block, then restore them.

    The cached environment is forgotten on the way in and out, so :func:`current`
    sees the block's values inside it and the old ones after it.

    >>> with variables(LORE_ENV="test"):
    ...     current().name
    'test'
    """
    saved = {name: os.environ.get(name) for name in values}
    try:
        _apply(values)
        yield
    finally:
        _apply(saved)


def _apply(values: dict[str, str | None]) -> None:
    """Set each variable (unset it where the value is ``None``), then forget the cached environment."""
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    reset()


__getattr__ = module_getattr(__name__)  # the original Lore's names: lore.compat.NAMES
