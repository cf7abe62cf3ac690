"""The on-disk layout of a model's fittings, shared by the local store and its S3 mirror.

``models/<model name>/<number>/`` with a ``manifest.json`` written last, aliases in
``models/<model name>/aliases.json``; fittings are staged in a private temporary
folder beside them and renamed into place under the next free number. Both
:mod:`lore.stores.modelstore` and :mod:`lore.stores.s3` use these; neither imports
the other's internals.

>>> check_alias("production"), check_model_name("demo.Model")
('production', 'demo.Model')
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lore.errors import CorruptArtifact, StoreError
from lore.stores import manifest as manifests
from lore.util import shared

ALIASES = "aliases.json"
LATEST = "latest"
#: The fitting's own record (what it is: parameters, metrics, data signature, versions...):
#: the one place that says so. The manifest vouches for it like for any other file.
RECORD = "model.json"
_MODEL_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
_ALIAS = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")


@dataclass
class Fitting:
    """One fitting of a model: its number, folder, record and aliases.

    Inside :meth:`ModelStore.new_fitting` ``number`` is ``None`` and ``path`` is a
    private temporary folder; ``metadata`` (the fitting's record) may still be changed
    there (for example to add metrics) and is written as :data:`RECORD` on exit, before
    the manifest.
    """

    model_name: str
    number: int | None
    #: the local folder; for :meth:`ModelStore.remote_fittings`, the ``s3://`` URL
    path: Path | str
    metadata: dict[str, Any] = field(default_factory=dict)
    aliases: list[str] = field(default_factory=list)
    created: str | None = None
    lore_version: str | None = None

    @property
    def metrics(self) -> dict[str, Any]:
        """``metadata["metrics"]``, or ``{}``."""
        return dict(self.metadata.get("metrics") or {})


def read_record(folder: Path) -> dict[str, Any]:
    """The :data:`RECORD` of the fitting in ``folder`` (``{}`` for a fitting without one).

    Raises
    ------
    CorruptArtifact
        The record is not a JSON object.
    """
    path = folder / RECORD
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except ValueError as error:
        raise CorruptArtifact(f"{path} is not valid JSON ({error}); the fitting is damaged") from None
    if not isinstance(record, dict):
        raise CorruptArtifact(f"{path} must hold a JSON object; the fitting is damaged")
    return record


def check_model_name(name: str) -> str:
    """``name`` if it can be a folder and S3 key segment, else :class:`StoreError`."""
    if not isinstance(name, str) or not _MODEL_NAME.fullmatch(name) or ".." in name:
        raise StoreError(
            f"{name!r} is not a usable model name: use letters, digits, '_', '-' and '.' "
            "(Model.name() gives '<module>.<Class>')"
        )
    return name


def check_alias(alias: str) -> str:
    """``alias`` if it is a valid alias name, else :class:`StoreError`."""
    if not isinstance(alias, str) or not _ALIAS.fullmatch(alias) or alias == LATEST:
        raise StoreError(
            f"{alias!r} cannot be an alias: start with a letter, then letters, digits, '_', '-' or '.' "
            f"('{LATEST}' is reserved)"
        )
    return alias


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder/.lock`` (between processes, POSIX only)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "a+b") as handle:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: no inter-process lock
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def commit_folder(source: Path, model_folder: Path, number: int | None = None) -> int:
    """Rename ``source`` into ``model_folder`` as ``number``, or the next free number.

    Renaming a folder onto an existing non-empty one fails, so two processes
    committing at once each get their own number.
    """
    start = number if number is not None else max(numbers(model_folder), default=0) + 1
    candidate = start
    while True:
        try:
            os.rename(source, model_folder / str(candidate))
            return candidate
        except OSError as error:
            if error.errno not in (errno.EEXIST, errno.ENOTEMPTY) or number is not None:
                raise
            candidate += 1


def numbers(model_folder: Path) -> list[int]:
    """The numbers of the complete fittings (those with a manifest) in ``model_folder``, sorted."""
    if not model_folder.is_dir():
        return []
    return sorted(
        int(entry.name)
        for entry in model_folder.iterdir()
        if entry.name.isdigit() and (entry / manifests.MANIFEST).is_file()
    )


def read_aliases(path: Path) -> dict[str, int]:
    """Aliases from an ``aliases.json`` file; none when it is absent."""
    try:
        aliases = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except ValueError as error:
        raise CorruptArtifact(f"{path} is not valid JSON ({error}); fix or delete it") from None
    if not isinstance(aliases, dict) or not all(isinstance(n, int) for n in aliases.values()):
        raise CorruptArtifact(f"{path} must map alias names to fitting numbers; fix or delete it")
    return aliases


def _owner() -> str:
    """``<pid>-<host tag>``: who made a temporary folder, so only this host sweeps it."""
    import hashlib
    import socket

    return f"{os.getpid()}-{hashlib.sha1(socket.gethostname().encode()).hexdigest()[:8]}"


def discard(folder: Path) -> None:
    """Remove ``folder`` by first renaming it aside, so nobody sees it half deleted."""
    aside = folder.with_name(f".deleting-{_owner()}-{folder.name}")
    try:
        os.rename(folder, aside)
    except FileNotFoundError:
        return
    shutil.rmtree(aside, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep(model_folder: Path) -> None:
    """Remove temporary folders left by dead processes of this host (killed, power loss).

    Folders made on another host sharing the volume are left alone: their process
    ids mean nothing here.
    """
    if not model_folder.is_dir():
        return
    host = _owner().split("-")[1]
    for entry in model_folder.iterdir():
        kind, pid, tag, *_ = [*entry.name.split("-"), "", ""]
        if (
            kind in (".new", ".download", ".deleting")
            and tag == host
            and pid.isdigit()
            and not _alive(int(pid))
        ):
            shutil.rmtree(entry, ignore_errors=True)


def staging_folder(model_folder: Path, kind: str) -> Path:
    """A temporary folder beside the fittings, named after this process (modes from the umask)."""
    sweep(model_folder)
    return shared(tempfile.mkdtemp(prefix=f".{kind}-{_owner()}-", dir=model_folder))
