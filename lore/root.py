"""Where the project is, and what its requirements.txt asks of lore (standard library only).

The project root is ``$LORE_ROOT`` or else the nearest folder, from the working
directory upward, that holds a ``runtime.txt``. :mod:`lore.env` builds on it, and
:mod:`lore.errors` reads the project's requirements.txt through it to say which line
brings a missing extra.

>>> LORE_REQUIREMENT.match("lore-ml[sql, api]>=0.1").groups()
('sql, api', '>=0.1')
>>> LORE_REQUIREMENT.match("lorem-ipsum==1") is None
True
"""

from __future__ import annotations

import os
import re
from pathlib import Path

#: A requirements.txt line naming lore without a URL: ``lore-ml[sql,api]>=0.1`` (extras, version).
#: The plain ``lore`` of projects made by an older lore counts too.
LORE_REQUIREMENT = re.compile(r"^\s*lore(?:[-_.]ml)?\s*(?:\[([^\]]*)\])?\s*([<>=!~].*)?$", re.IGNORECASE)


def find_root(start: Path | None = None) -> Path | None:
    """The project root: ``$LORE_ROOT``, else the nearest folder upward with runtime.txt."""
    explicit = os.environ.get("LORE_ROOT")
    if explicit:
        return Path(explicit).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "runtime.txt").is_file():
            return folder
    return None


def lore_requirement(root: Path | None = None) -> tuple[Path, str, set[str]] | None:
    """The project's requirements.txt, its line naming lore and that line's extras; None without one.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "requirements.txt").write_text("numpy\\nlore-ml[sql,api]\\n")
    >>> path, line, extras = lore_requirement(folder)
    >>> line, sorted(extras)
    ('lore-ml[sql,api]', ['api', 'sql'])
    """
    root = root if root is not None else find_root()
    if root is None:
        return None
    path = root / "requirements.txt"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for line in lines:
        match = LORE_REQUIREMENT.match(line)
        if match is not None:
            return (
                path,
                line.strip(),
                {part.strip() for part in (match.group(1) or "").split(",") if part.strip()},
            )
    return None
