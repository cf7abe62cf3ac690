"""Project settings from ``config/*.cfg``, with ``$VAR`` expansion from the environment.

``config/NAME.cfg`` is read first, then ``config/NAME.<environment>.cfg`` when it
exists, whose values override it. Values may refer to environment variables as
``$VAR`` or ``${VAR}`` (``$$`` is a literal dollar); referring to a variable that is
not set is a :class:`~lore.errors.MissingVariable` naming the file, section, key and
variable. Every value remembers the file it came from, which ``lore env`` shows.

>>> import os, tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "database.cfg").write_text("[MAIN]\\nurl: ${DEMO_URL}\\n")
>>> os.environ["DEMO_URL"] = "sqlite://"
>>> read("database", folder)["MAIN"]["url"]
'sqlite://'
"""

from __future__ import annotations

import configparser
import os
import re
from dataclasses import dataclass
from pathlib import Path

from lore.errors import ConfigError, MissingVariable, UnknownConfigKey

_VARIABLE = re.compile(r"\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")


@dataclass(frozen=True)
class Value:
    """One setting: its expanded text and the file it came from."""

    text: str
    source: Path
    raw: str


def expand(raw: str, where: str) -> str:
    """Replace ``$VAR`` / ``${VAR}`` with the environment's values; ``where`` names the spot."""

    def substitute(match: re.Match[str]) -> str:
        if match.group(1):
            return "$"
        name = match.group(2) or match.group(3)
        if name not in os.environ:
            raise MissingVariable(
                f"{where} refers to ${name}, which is not set; "
                f"set it in the environment or the project's .env"
            )
        return os.environ[name]

    return _VARIABLE.sub(substitute, raw)


class Section(dict):
    """The keys of one config section; an unknown key is a clear error."""

    def __init__(self, name: str, values: dict[str, Value]) -> None:
        super().__init__({key: value.text for key, value in values.items()})
        self.name = name
        self.values = values

    def __missing__(self, key: str) -> str:
        known = ", ".join(sorted(self)) or "none"
        raise UnknownConfigKey(f"[{self.name}] has no key {key!r}; it has: {known}")

    def check_keys(self, allowed: set[str] | frozenset[str]) -> None:
        """Raise :class:`UnknownConfigKey` for any key outside ``allowed``."""
        for key in self:
            if key not in allowed:
                source = self.values[key].source
                raise UnknownConfigKey(
                    f"{source}: [{self.name}] has unknown key {key!r}; "
                    f"known keys are {', '.join(sorted(allowed))}"
                )


def _parse(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, delimiters=(":", "="))
    parser.optionxform = str  # keep keys' case as written
    import io

    import lore.env

    try:
        parser.read_file(io.StringIO(lore.env.read_text(path, "a config file")), str(path))
    except configparser.Error as error:
        message = str(error).splitlines()[0]
        raise ConfigError(f"{path} does not parse: {message}") from None
    return parser


def read(name: str, folder: Path | None = None, environment: str | None = None) -> dict[str, Section]:
    """Read ``config/<name>.cfg`` and its per-environment override, expanded.

    Returns a dict of :class:`Section` by section name; an absent file gives ``{}``.
    """
    import lore.env

    env = lore.env.current()
    folder = folder if folder is not None else env.config_dir
    environment = environment or env.name
    merged: dict[str, dict[str, Value]] = {}
    for path in (folder / f"{name}.cfg", folder / f"{name}.{environment}.cfg"):
        if not path.is_file():
            continue
        parser = _parse(path)
        for section in parser.sections():
            for key, raw in parser.items(section, raw=True):
                where = f"{path} [{section}] {key}"
                merged.setdefault(section, {})[key] = Value(expand(raw, where), path, raw)
    return {section: Section(section, values) for section, values in merged.items()}


def files(folder: Path | None = None) -> list[Path]:
    """The project's config files, sorted, without the per-environment overrides."""
    import lore.env

    folder = folder if folder is not None else lore.env.current().config_dir
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.glob("*.cfg") if "." not in path.stem)
