"""Extracts: the ``.sql`` files of a project's ``<app>/extracts/`` folder, by name.

``lore.io.main.dataframe("subscribers")`` runs ``<root>/<app>/extracts/subscribers.sql``.
Text with whitespace in it is taken as SQL itself; a bare name with no such file is an
:class:`~lore.errors.ExtractNotFound` that lists the extracts there are.

>>> looks_like_name("subscribers"), looks_like_name("SELECT 1")
(True, False)
"""

from __future__ import annotations

import re
from pathlib import Path

from lore.errors import ExtractNotFound

_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_./-]*$")


def folder() -> Path:
    """The current project's extracts folder (``<root>/<app>/extracts``)."""
    import lore.env

    env = lore.env.current()
    root = env.root if env.root is not None else Path.cwd()
    return root / (env.app or "") / "extracts"


def looks_like_name(text: str) -> bool:
    """Whether ``text`` is an extract name rather than SQL."""
    return bool(_NAME.match(text))


def available() -> list[str]:
    """Names of the extracts in the project, sorted."""
    base = folder()
    return sorted(str(path.relative_to(base).with_suffix("")) for path in base.rglob("*.sql"))


def find(name: str) -> Path:
    """The file of extract ``name`` (with or without ``.sql``)."""
    base = folder()
    path = base / (name if name.endswith(".sql") else f"{name}.sql")
    if ".." not in Path(name).parts and path.is_file():
        return path
    names = ", ".join(available()) or "none yet"
    raise ExtractNotFound(
        f"no extract {name!r}: {path} does not exist. Extracts in {base}: {names}. "
        "Create it (`lore generate extract NAME`) or pass SQL text"
    )
