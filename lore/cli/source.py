"""Where the lore running this process came from, as a line pip can install again.

``lore install`` puts *this* lore into the project's virtualenv: the same version,
from the same place. In order:

1. a source checkout (``lore/`` beside a ``pyproject.toml`` naming ``lore-ml``:
   an editable install, or ``PYTHONPATH``): that folder, ``lore-ml @ file:///...``;
2. an install from a local path or URL: the ``url`` its metadata recorded
   (``direct_url.json``, PEP 610): a wheel file, a folder, or a VCS commit;
3. an install from the package index: ``lore-ml==<version>``.

Only the standard library is imported here.

>>> requirement("api,sql", "file:///src/lore")
'lore-ml[api,sql] @ file:///src/lore'
>>> requirement("", None, "0.1.0")
'lore-ml==0.1.0'
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import lore

if TYPE_CHECKING:
    from importlib import metadata

#: The distribution's name on the package index (``lore`` there is the unrelated original).
DISTRIBUTION = "lore-ml"
_PROJECT_NAME = re.compile(r'^name\s*=\s*"lore-ml"\s*$', re.MULTILINE)


def requirement(extras: str, url: str | None, version: str = lore.__version__) -> str:
    """The requirement line for lore with ``extras``: ``@ url`` when given, else ``==version``."""
    name = f"{DISTRIBUTION}[{extras}]" if extras else DISTRIBUTION
    return f"{name} @ {url}" if url else f"{name}=={version}"


def checkout(package: Path | None = None) -> Path | None:
    """The source checkout the running ``lore`` package sits in, or None when it was installed."""
    folder = (package or Path(lore.__file__).resolve().parent).parent
    project = folder / "pyproject.toml"
    try:
        return folder if _PROJECT_NAME.search(project.read_text(encoding="utf-8")) else None
    except OSError:
        return None


def recorded_url(distribution: metadata.Distribution | _Folder) -> str | None:
    """The URL a distribution was installed from (PEP 610), or None for the package index.

    A VCS install comes back pinned to its commit (``git+https://...@<commit>``).
    """
    text = distribution.read_text("direct_url.json")
    if not text:
        return None
    try:
        record = json.loads(text)
        url = record["url"]
    except (ValueError, KeyError, TypeError):
        return None
    vcs = record.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") and vcs.get("commit_id"):
        return f"{vcs['vcs']}+{url}@{vcs['commit_id']}"
    return url


def running_url() -> str | None:
    """Where the running lore came from: a URL, or None when it is the index's ``lore-ml``.

    The metadata read is the one installed beside the running ``lore`` package (its
    ``lore_ml-<version>.dist-info``), read directly: ``importlib.metadata`` costs more
    to import than the rest of a no-op ``lore install``.
    """
    found = checkout()
    if found is not None:
        return found.as_uri()
    package = Path(lore.__file__).resolve().parent
    beside = package.parent / f"{DISTRIBUTION.replace('-', '_')}-{lore.__version__}.dist-info"
    if beside.is_dir():
        return recorded_url(_Folder(beside))
    from importlib import metadata

    try:
        return recorded_url(metadata.distribution(DISTRIBUTION))
    except metadata.PackageNotFoundError:
        return None


def build(url: str | None) -> str:
    """What tells two builds of the same version at ``url`` apart, for ``lore install``'s fingerprint.

    A local checkout: the newest modification time of its package and pyproject.toml
    (an edit re-installs). A wheel or archive: the hash its metadata recorded (a rebuilt
    wheel at the same path re-installs). The index: nothing (the version says it all).
    """
    if not url or not url.startswith("file://"):
        return ""
    from urllib.parse import unquote, urlparse

    path = Path(unquote(urlparse(url).path))
    if path.is_dir():
        files = [path / "pyproject.toml", *(path / "lore").rglob("*")]
        files = [item for item in files if "__pycache__" not in item.parts]
        newest = (item.stat().st_mtime_ns for item in files if item.is_file())
        return str(max(newest, default=0))
    try:
        stat = path.stat()
    except OSError:
        return ""
    return f"{stat.st_size}:{stat.st_mtime_ns}"


class _Folder:
    """The one method of a ``Distribution`` that :func:`recorded_url` uses, on a dist-info folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def read_text(self, name: str) -> str | None:
        try:
            return (self.folder / name).read_text(encoding="utf-8")
        except OSError:
            return None
