"""The on-disk layout of a model's fittings, shared by the local store and its S3 mirror.

``models/<model name>/<number>/`` with a ``manifest.json`` written last, aliases in
``models/<model name>/aliases.json``; fittings are staged in a private temporary
folder under ``models/<model name>/.staging/`` and renamed into place under the next
free number, which ``models/<model name>/.counter`` (the last number handed out)
saves listing every fitting to find. Both :mod:`lore.stores.modelstore` and
:mod:`lore.stores.s3` use these; neither imports the other's internals.

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
#: The last fitting number handed out in a model's folder: where the next save starts
#: looking, so that it lists no fittings. Only a hint: the rename into place is the claim.
COUNTER = ".counter"
#: The folder, inside a model's, of its temporary folders (new fittings, downloads,
#: deletions): sweeping it lists only those, never the fittings.
STAGING = ".staging"
#: Numbers found taken after the counter's before the model's folder is listed again.
_GUESSES = 8
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

    The next free number is looked for after the one in :data:`COUNTER`, so a save
    lists no fittings. Renaming a folder onto an existing non-empty one fails, so two
    processes committing at once each get their own number whatever the counter says
    (it may lag: it is written after the rename, without a lock). A missing or
    damaged counter (a store written by an older lore) is rebuilt from one listing of
    the folder, and so is one found more than a few numbers behind.
    """
    if number is not None:
        os.rename(source, model_folder / str(number))
        _advance(model_folder, number)
        return number
    last = read_counter(model_folder)
    candidate = (highest_number(model_folder) if last is None else last) + 1
    taken = 0
    while True:
        try:
            os.rename(source, model_folder / str(candidate))
        except OSError as error:
            if error.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                raise
            taken += 1
            candidate = (max(candidate, highest_number(model_folder)) if taken == _GUESSES else candidate) + 1
            continue
        _advance(model_folder, candidate)
        return candidate


def read_counter(model_folder: Path) -> int | None:
    """The number in the model's :data:`COUNTER`; ``None`` when it is missing or damaged.

    The file holds the number twice, at a fixed width (:func:`_advance`): a read that
    raced a write sees two different numbers and counts as damaged.
    """
    try:
        first, second = (model_folder / COUNTER).read_bytes().split()
    except (FileNotFoundError, ValueError):
        return None
    return int(first) if first == second and first.isdigit() else None


def _advance(model_folder: Path, number: int) -> None:
    """Move the :data:`COUNTER` up to ``number``.

    Written in place, without ``fsync``: replacing the file by a rename costs about a
    millisecond (the file system flushes a file renamed over another), and a counter
    that is wrong costs no correctness (see :func:`commit_folder`): behind, a save tries
    a few taken numbers or lists the folder; ahead, numbers are skipped.
    """
    last = read_counter(model_folder)
    if last is not None and last >= number:
        return
    descriptor = os.open(model_folder / COUNTER, os.O_WRONLY | os.O_CREAT, 0o666)
    try:
        os.write(descriptor, f"{number:020d} {number:020d}\n".encode())
    finally:
        os.close(descriptor)


def highest_number(model_folder: Path) -> int:
    """The highest number taken in ``model_folder`` (complete or not; 0 for none), from one listing.

    Temporary folders that an older lore kept beside the fittings, and dead processes of
    this host left, are swept on the way (see :func:`sweep`).
    """
    highest, host = 0, _host()
    with os.scandir(model_folder) as entries:
        for entry in entries:
            if entry.name.isdigit():
                highest = max(highest, int(entry.name))
            elif _leftover(entry.name, host):
                shutil.rmtree(entry.path, ignore_errors=True)
    return highest


def complete(model_folder: Path, number: int) -> bool:
    """Whether fitting ``number`` in ``model_folder`` is complete (has its manifest)."""
    return (model_folder / str(number) / manifests.MANIFEST).is_file()


def numbers(model_folder: Path) -> list[int]:
    """The numbers of the complete fittings (those with a manifest) in ``model_folder``, sorted."""
    if not model_folder.is_dir():
        return []
    return sorted(
        int(entry.name)
        for entry in model_folder.iterdir()
        if entry.name.isdigit() and complete(model_folder, int(entry.name))
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


def _host() -> str:
    """A tag of this host's name, in the names of its temporary folders."""
    import hashlib
    import socket

    return hashlib.sha1(socket.gethostname().encode()).hexdigest()[:8]


def _owner() -> str:
    """``<pid>-<host tag>``: who made a temporary folder, so only this host sweeps it."""
    return f"{os.getpid()}-{_host()}"


def discard(folder: Path) -> None:
    """Remove the fitting ``folder`` by first renaming it aside, so nobody sees it half deleted."""
    staging = folder.parent / STAGING
    staging.mkdir(exist_ok=True)
    aside = staging / f".deleting-{_owner()}-{folder.name}"
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


def _leftover(name: str, host: str) -> bool:
    """Whether ``name`` is a temporary folder of a dead process of this host (tag ``host``).

    Folders made on another host sharing the volume are not: their process ids mean
    nothing here.
    """
    kind, pid, tag, *_ = [*name.split("-"), "", ""]
    return (
        kind in (".new", ".download", ".deleting") and tag == host and pid.isdigit() and not _alive(int(pid))
    )


def sweep(folder: Path) -> None:
    """Remove the temporary folders in ``folder`` left by dead processes of this host (killed, power loss)."""
    host = _host()
    with os.scandir(folder) as entries:
        doomed = [entry.path for entry in entries if _leftover(entry.name, host)]
    for path in doomed:
        shutil.rmtree(path, ignore_errors=True)


def staging_folder(model_folder: Path, kind: str) -> Path:
    """A temporary folder in the model's :data:`STAGING`, named after this process (modes from the umask).

    The staging folder holds only temporary folders, so sweeping it on the way costs
    a listing of those (as many as saves under way), not of the fittings.
    """
    staging = model_folder / STAGING
    staging.mkdir(parents=True, exist_ok=True)
    sweep(staging)
    return shared(tempfile.mkdtemp(prefix=f".{kind}-{_owner()}-", dir=staging))
