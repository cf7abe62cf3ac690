"""Render the template folders in ``lore/templates/`` into a project.

A template is a folder of real files, ``lore/templates/<kind>/``. Its paths and the
text of its files may use ``{{ name }}`` placeholders; a file ending in ``.tmpl``
loses that suffix when rendered (so template ``.py`` files are not collected as code
while they sit in the package). Rendering checks every destination first and writes
nothing if any file already exists, so a refused render leaves no half-made tree.

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp())
>>> substitute("hello {{ name }}", {"name": "lore"})
'hello lore'
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from lore.errors import LoreError

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
SUFFIX = ".tmpl"


def templates() -> Path:
    """The folder holding every template kind."""
    return Path(str(resources.files("lore") / "templates"))


def kinds() -> list[str]:
    """The template kinds that exist, sorted."""
    return sorted(p.name for p in templates().iterdir() if p.is_dir() and not p.name.startswith("_"))


def class_name(name: str) -> str:
    """The CamelCase class name for a snake_case ``name``.

    >>> class_name("churn_risk")
    'ChurnRisk'
    """
    return "".join(part[:1].upper() + part[1:] for part in name.split("_") if part)


def substitute(text: str, variables: dict[str, str]) -> str:
    """Fill ``{{ name }}`` placeholders; an unknown placeholder is an error."""

    def fill(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in variables:
            raise LoreError(f"template placeholder {{{{ {key} }}}} has no value; pass {key}=...")
        return str(variables[key])

    return _PLACEHOLDER.sub(fill, text)


def plan(kind: str, destination: Path, variables: dict[str, str]) -> dict[Path, Path]:
    """Map each template file of ``kind`` to the path it would be rendered to."""
    source = templates() / kind
    if not source.is_dir():
        raise LoreError(f"no template {kind!r}; templates are: {', '.join(kinds())}")
    mapping: dict[Path, Path] = {}
    for path in sorted(source.rglob("*")):
        if path.is_dir() or "__pycache__" in path.parts:
            continue
        relative = substitute(str(path.relative_to(source)), variables)
        if relative.endswith(SUFFIX):
            relative = relative[: -len(SUFFIX)]
        mapping[path] = destination / relative
    return mapping


def render(kind: str, destination: Path, variables: dict[str, str]) -> list[Path]:
    """Render template ``kind`` into ``destination``; refuse (writing nothing) to overwrite."""
    mapping = plan(kind, destination, variables)
    existing = [target for target in mapping.values() if target.exists()]
    if existing:
        names = ", ".join(str(path) for path in existing)
        raise LoreError(f"refusing to overwrite {names}; move or delete it first")
    for source, target in mapping.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        data = source.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            target.write_bytes(data)  # binary files (a sample database) are copied as they are
        else:
            target.write_text(substitute(text, variables), encoding="utf-8")
        target.chmod(source.stat().st_mode & 0o777)
    return list(mapping.values())
