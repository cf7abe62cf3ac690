"""Versioned fittings of each model, on local disk and, when configured, on S3.

A fitting is a folder ``models/<model name>/<number>/`` holding the files a model
wrote and a ``manifest.json`` (see :mod:`lore.stores.manifest`) written last.
Numbers count up per model; aliases such as ``production`` or ``candidate`` are kept
in ``models/<model name>/aliases.json`` and follow a fitting when it is uploaded.

On S3 the same layout sits under ``<bucket>/<prefix>/<environment>/``, so the
development, test and production stores never overwrite each other.

>>> import tempfile, pathlib
>>> store = ModelStore(pathlib.Path(tempfile.mkdtemp()))
>>> with store.new_fitting("demo.Model", {"metrics": {"auc": 0.9}}) as fitting:
...     _ = (fitting.path / "weights.txt").write_text("0.5")
>>> fitting.number, store.resolve("demo.Model").name
(1, '1')
>>> store.alias("demo.Model", 1, "production")
1
>>> [(f.number, f.aliases, f.metrics) for f in store.fittings("demo.Model")]
[(1, ['production'], {'auc': 0.9})]
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
from typing import TYPE_CHECKING, Any

from lore.errors import CorruptArtifact, FittingNotFound, StoreError
from lore.stores import manifest as manifests
from lore.util import atomic_write

if TYPE_CHECKING:
    from lore.io.s3 import Remote

ALIASES = "aliases.json"
LATEST = "latest"
_MODEL_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
_ALIAS = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")


@dataclass
class Fitting:
    """One fitting of a model: its number, folder, metadata and aliases.

    Inside :meth:`ModelStore.new_fitting` ``number`` is ``None`` and ``path`` is a
    private temporary folder; ``metadata`` may still be changed there (for example
    to add metrics) and is written into the manifest on exit.
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
    """A private temporary folder beside the fittings, named after this process."""
    sweep(model_folder)
    return Path(tempfile.mkdtemp(prefix=f".{kind}-{_owner()}-", dir=model_folder))


class ModelStore:
    """Fittings of models under ``root`` (the project's ``models/``), optionally mirrored on S3.

    Parameters
    ----------
    root
        The local folder; defaults to ``lore.env.current().models_dir``.
    remote
        A :class:`lore.io.s3.Remote` for :meth:`upload` and :meth:`download`; ``None``
        keeps the store local.
    """

    def __init__(self, root: str | os.PathLike[str] | None = None, remote: Remote | None = None) -> None:
        if root is None:
            import lore.env

            root = lore.env.current().models_dir
        self.root = Path(root)
        self.remote = remote

    def __repr__(self) -> str:
        where = f", remote={self.remote.url('')!r}" if self.remote is not None else ""
        return f"ModelStore({str(self.root)!r}{where})"

    def folder(self, model_name: str) -> Path:
        """The local folder of ``model_name``'s fittings."""
        return self.root / check_model_name(model_name)

    # -- writing -------------------------------------------------------------------------

    @contextlib.contextmanager
    def new_fitting(self, model_name: str, metadata: dict[str, Any] | None = None) -> Iterator[Fitting]:
        """Yield a :class:`Fitting` to write files into; on a clean exit, number and keep it.

        The files go to a private temporary folder. On exit the manifest is written
        and the folder renamed to the next free number; an exception removes it, so
        nothing half-written can ever be resolved.
        """
        model_folder = self.folder(model_name)
        model_folder.mkdir(parents=True, exist_ok=True)
        temporary = staging_folder(model_folder, "new")
        fitting = Fitting(model_name, None, temporary, dict(metadata or {}))
        try:
            yield fitting
            manifest = manifests.write(temporary, manifests.build(temporary, fitting.metadata))
            fitting.number = commit_folder(temporary, model_folder)
        except BaseException:
            shutil.rmtree(temporary, ignore_errors=True)
            raise
        fitting.path = model_folder / str(fitting.number)
        fitting.created = manifest["created"]
        fitting.lore_version = manifest["lore"]
        manifests.remember(fitting.path, manifest)

    def alias(self, model_name: str, fitting: int | str | None, alias: str) -> int:
        """Point ``alias`` (``production``, ``candidate``...) at a fitting; return its number.

        ``fitting`` is a number, another alias, or ``None`` for the latest.
        """
        check_alias(alias)
        number = self.number(model_name, fitting)
        model_folder = self.folder(model_name)
        with locked(model_folder):
            aliases = read_aliases(model_folder / ALIASES)
            aliases[alias] = number
            with atomic_write(model_folder / ALIASES, "w") as stream:
                json.dump(aliases, stream, indent=2, sort_keys=True)
        return number

    def prune(self, model_name: str, keep: int = 3) -> list[int]:
        """Delete all but the ``keep`` newest fittings, never an aliased one; return those deleted."""
        if not isinstance(keep, int) or keep < 1:
            raise StoreError(f"prune(keep={keep!r}): keep at least 1 fitting")
        model_folder = self.folder(model_name)
        with locked(model_folder):
            existing = numbers(model_folder)
            aliased = set(read_aliases(model_folder / ALIASES).values())
            doomed = [n for n in existing[:-keep] if n not in aliased]
            for number in doomed:
                manifests.forget(model_folder / str(number))
                discard(model_folder / str(number))
        return doomed

    # -- remote --------------------------------------------------------------------------

    def upload(self, model_name: str, fitting: int | str | None = None) -> int:
        """Upload a verified local fitting (latest by default) and its aliases; return its number.

        Files go up first, in parallel multi-part transfers; ``manifest.json`` goes
        last, so the fitting is invisible remotely until it is complete. See
        :func:`lore.stores.s3.upload`.
        """
        from lore.stores import s3

        return s3.upload(self, model_name, fitting)

    def download(self, model_name: str, fitting: int | str | None = None) -> Path:
        """Download a remote fitting (latest, a number or an alias); return its verified folder.

        Files go to a temporary folder, are checked against the manifest, and only
        then renamed into place. See :func:`lore.stores.s3.download`.
        """
        from lore.stores import s3

        return s3.download(self, model_name, fitting)

    def remote_fittings(self, model_name: str) -> list[Fitting]:
        """The complete fittings of ``model_name`` on S3, oldest first, with metadata and aliases."""
        from lore.stores import s3

        return s3.fittings(self, model_name)

    # -- reading -------------------------------------------------------------------------

    def aliases(self, model_name: str) -> dict[str, int]:
        """The local aliases of ``model_name``: alias -> fitting number."""
        return read_aliases(self.folder(model_name) / ALIASES)

    def _missing(self, model_name: str, wanted: object) -> FittingNotFound:
        existing = numbers(self.folder(model_name))
        aliases = self.aliases(model_name)
        if not existing:
            hint = " or download one with Model.download()" if self.remote is not None else ""
            return FittingNotFound(
                f"no fittings of {model_name} in {self.folder(model_name)}: fit the model first{hint}"
            )
        named = ", ".join(f"{name} -> {number}" for name, number in sorted(aliases.items())) or "none"
        return FittingNotFound(
            f"{model_name} has no fitting {wanted!r}; fittings: {', '.join(map(str, existing))}; "
            f"aliases: {named}"
        )

    def number(self, model_name: str, fitting: int | str | None = None) -> int:
        """The number of the latest fitting, of a number, or of an alias (no verification)."""
        model_folder = self.folder(model_name)
        existing = numbers(model_folder)
        if fitting is None or fitting == LATEST:
            if not existing:
                raise self._missing(model_name, LATEST)
            return existing[-1]
        if isinstance(fitting, int) or (isinstance(fitting, str) and fitting.isdigit()):
            number = int(fitting)
        elif isinstance(fitting, str):
            number = self.aliases(model_name).get(fitting, -1)
        else:
            raise StoreError(f"fitting must be a number, an alias or None, not {fitting!r}")
        if number not in existing:
            raise self._missing(model_name, fitting)
        return number

    def resolve(self, model_name: str, fitting: int | str | None = None) -> Path:
        """The verified folder of the latest fitting, a numbered one, or an alias.

        Raises :class:`~lore.errors.FittingNotFound` (listing the fittings and aliases
        that exist) or :class:`~lore.errors.CorruptArtifact` (naming the bad file).
        """
        path = self.folder(model_name) / str(self.number(model_name, fitting))
        manifests.verify(path)
        return path

    def get(self, model_name: str, fitting: int | str | None = None) -> Fitting:
        """Like :meth:`resolve`, but the :class:`Fitting` with its metadata."""
        path = self.resolve(model_name, fitting)
        return self._describe(model_name, int(path.name), manifests.read(path))

    def _describe(self, model_name: str, number: int, manifest: dict[str, Any]) -> Fitting:
        aliases = sorted(name for name, n in self.aliases(model_name).items() if n == number)
        return Fitting(
            model_name,
            number,
            self.folder(model_name) / str(number),
            dict(manifest.get("metadata") or {}),
            aliases,
            manifest.get("created"),
            manifest.get("lore"),
        )

    def fittings(self, model_name: str) -> list[Fitting]:
        """Every complete local fitting of ``model_name``, oldest first, with metadata and aliases.

        Manifests are parsed but files are not hashed; use :meth:`resolve` for that.
        """
        model_folder = self.folder(model_name)
        return [
            self._describe(model_name, number, manifests.read(model_folder / str(number)))
            for number in numbers(model_folder)
        ]

    def models(self) -> list[str]:
        """The names of the models with at least one local fitting."""
        if not self.root.is_dir():
            return []
        return sorted(entry.name for entry in self.root.iterdir() if numbers(entry))


def model_store() -> ModelStore:
    """The store of the current environment: the project's ``models/``, plus S3 when configured."""
    from lore.io import s3

    return ModelStore(remote=s3.remote(required=False))


def list_fittings(model: Any, remote: bool = False) -> list[Fitting]:
    """The fittings of ``model`` (a model class, instance or name) with their metrics.

    ``remote=True`` lists those on S3 instead of the local ones.
    """
    name = model if isinstance(model, str) else model.name()
    store = model_store()
    return store.remote_fittings(name) if remote else store.fittings(name)
