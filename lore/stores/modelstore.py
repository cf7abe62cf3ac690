"""Versioned fittings of each model, on local disk and, when configured, on S3.

A fitting is a folder ``models/<model name>/<number>/`` holding the files a model
wrote and a ``manifest.json`` (see :mod:`lore.stores.manifest`) written last.
Numbers count up per model; aliases such as ``production`` or ``candidate`` are kept
in ``models/<model name>/aliases.json`` locally and one object per alias on S3; an
upload never moves one (``alias(..., remote=True)`` does).

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
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lore.errors import FittingNotFound, RemoteStorageError, StoreError
from lore.stores import manifest as manifests
from lore.stores import s3, signing
from lore.stores.layout import (
    ALIASES,
    LATEST,
    RECORD,
    Fitting,
    check_alias,
    check_model_name,
    commit_folder,
    complete,
    discard,
    locked,
    numbers,
    read_aliases,
    read_record,
    staging_folder,
)
from lore.util import atomic_write, synced_together, to_json

if TYPE_CHECKING:
    from lore.s3 import Remote

__all__ = ["Fitting", "ModelStore", "list_fittings", "model_store"]


class ModelStore:
    """Fittings of models under ``root`` (the project's ``models/``), optionally mirrored on S3.

    Parameters
    ----------
    root
        The local folder; defaults to ``lore.env.current().models_dir``.
    remote
        A :class:`lore.s3.Remote` for :meth:`upload` and :meth:`download`; ``None``
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

        The files go to a private temporary folder (in ``.staging/``). On exit
        ``fitting.metadata`` is written as the fitting's record (``model.json``), then
        the manifest, and the folder is renamed to the next free number, found after
        the model's ``.counter`` without listing the fittings (see
        :func:`~lore.stores.layout.commit_folder`); an exception removes it, so nothing
        half-written can ever be resolved.
        """
        model_folder = self.folder(model_name)
        model_folder.mkdir(parents=True, exist_ok=True)
        temporary = staging_folder(model_folder, "new")
        fitting = Fitting(model_name, None, temporary, dict(metadata or {}))
        try:
            with synced_together(temporary):  # every file on disk before the folder is renamed in
                yield fitting
                with atomic_write(temporary / RECORD, "w") as stream:
                    stream.write(to_json(fitting.metadata, indent=2))
                signed = signing.sign_with_current_key(manifests.build(temporary))
                manifest = manifests.write(temporary, signed)
            fitting.number = commit_folder(temporary, model_folder)
        except BaseException:
            shutil.rmtree(temporary, ignore_errors=True)
            raise
        fitting.path = model_folder / str(fitting.number)
        fitting.created = manifest["created"]
        fitting.lore_version = manifest["lore"]
        manifests.remember(fitting.path, manifest)

    def alias(self, model_name: str, fitting: int | str | None, alias: str, *, remote: bool = False) -> int:
        """Point ``alias`` (``production``, ``candidate``...) at a fitting; return its number.

        ``fitting`` is a number, another alias, or ``None`` for the latest. With
        ``remote=True`` the alias is moved on S3 instead, among the uploaded fittings
        (see :func:`lore.stores.s3.promote`); an upload never moves one.
        """
        check_alias(alias)
        if remote:
            return s3.promote(self._remote(), check_model_name(model_name), fitting, alias)
        number = self.number(model_name, fitting)
        model_folder = self.folder(model_name)
        with locked(model_folder):
            aliases = read_aliases(model_folder / ALIASES)
            aliases[alias] = number
            with atomic_write(model_folder / ALIASES, "w") as stream:
                json.dump(aliases, stream, indent=2, sort_keys=True)
        return number

    def prune(self, model_name: str, keep: int = 3, *, remote: bool = False) -> list[int]:
        """Delete all but the ``keep`` newest fittings, never an aliased one; return those deleted.

        With ``remote=True`` the fittings on S3 are pruned instead, keeping those the
        remote aliases point at (see :func:`lore.stores.s3.prune`).
        """
        if not isinstance(keep, int) or isinstance(keep, bool) or keep < 1:
            raise StoreError(f"prune(keep={keep!r}): keep at least 1 fitting")
        if remote:
            return s3.prune(self._remote(), check_model_name(model_name), keep)
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

    def _remote(self) -> Remote:
        if self.remote is None:
            raise RemoteStorageError(
                "this model store has no remote: set `bucket` in section [S3] of config/aws.cfg "
                "(or LORE_S3_BUCKET) to upload and download fittings"
            )
        return self.remote

    def upload(self, model_name: str, fitting: int | str | None = None) -> int:
        """Upload a verified local fitting (latest by default); return its number. Aliases stay as they are.

        Files go up first, in parallel multi-part transfers; ``manifest.json`` goes
        last, so the fitting is invisible remotely until it is complete. See
        :func:`lore.stores.s3.upload`.
        """
        remote = self._remote()
        folder = self.resolve(model_name, fitting, trust=False)
        return s3.upload(remote, model_name, folder)

    def download(self, model_name: str, fitting: int | str | None = None) -> Path:
        """Download a remote fitting (latest, a number or an alias); return its verified folder.

        Files go to a temporary folder, are checked against the manifest, and only
        then renamed into place. See :func:`lore.stores.s3.download`.
        """
        remote = self._remote()
        number = s3.download(remote, self.folder(model_name), model_name, fitting)
        if isinstance(fitting, str) and not fitting.isdigit() and fitting != LATEST:
            self.alias(model_name, number, check_alias(fitting))
        return self.folder(model_name) / str(number)

    def remote_fittings(self, model_name: str) -> list[Fitting]:
        """The complete fittings of ``model_name`` on S3, oldest first, with metadata and aliases."""
        return s3.fittings(self._remote(), check_model_name(model_name))

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
        if fitting is None or fitting == LATEST:
            existing = numbers(model_folder)
            if not existing:
                raise self._missing(model_name, LATEST)
            return existing[-1]
        if isinstance(fitting, int) or (isinstance(fitting, str) and fitting.isdigit()):
            number = int(fitting)
        elif isinstance(fitting, str):
            number = self.aliases(model_name).get(fitting, -1)
        else:
            raise StoreError(f"fitting must be a number, an alias or None, not {fitting!r}")
        if not complete(model_folder, number):
            raise self._missing(model_name, fitting)
        return number

    def resolve(self, model_name: str, fitting: int | str | None = None, *, trust: bool = True) -> Path:
        """The verified folder of the latest fitting, a numbered one, or an alias.

        Every file is checked against the manifest and, with ``trust`` (the default,
        for a fitting about to be loaded), a fitting holding files that run code when
        read must be signed by a trusted key (see :mod:`lore.stores.signing`).

        Raises :class:`~lore.errors.FittingNotFound` (listing the fittings and aliases
        that exist), :class:`~lore.errors.CorruptArtifact` (naming the bad file) or
        :class:`~lore.errors.UntrustedFitting`.
        """
        path = self.folder(model_name) / str(self.number(model_name, fitting))
        manifest = manifests.verify(path)
        if trust:
            signing.check(manifest, path)
        return path

    def read_file(self, model_name: str, number: int, name: str) -> bytes | None:
        """File ``name`` of fitting ``number``, checked against the manifest; ``None`` when it has none.

        From the local fitting when it is here, else from S3 (only the manifest and that
        file: ``lore monitor`` reads a reference without downloading the model).
        Raises :class:`~lore.errors.FittingNotFound` when neither has the fitting.
        """
        folder = self.folder(model_name) / str(number)
        if complete(self.folder(model_name), number):
            path = folder / name
            data = path.read_bytes() if path.is_file() and not path.is_symlink() else None
            return manifests.checked(manifests.read(folder), name, data, str(path))
        if self.remote is None:
            raise self._missing(model_name, number)
        return s3.read_file(self.remote, model_name, number, name)

    def get(self, model_name: str, fitting: int | str | None = None) -> Fitting:
        """Like :meth:`resolve`, but the :class:`Fitting` with its metadata."""
        path = self.resolve(model_name, fitting, trust=False)
        return self._describe(model_name, int(path.name), manifests.read(path))

    def _describe(
        self, model_name: str, number: int, manifest: dict[str, Any], aliases: dict[str, int] | None = None
    ) -> Fitting:
        """The :class:`Fitting`; ``aliases`` (read once by :meth:`fittings`) saves a read per fitting."""
        aliases = aliases if aliases is not None else self.aliases(model_name)
        named = sorted(name for name, n in aliases.items() if n == number)
        folder = self.folder(model_name) / str(number)
        return Fitting(
            model_name,
            number,
            folder,
            read_record(folder),
            named,
            manifest.get("created"),
            manifest.get("lore"),
        )

    def fittings(self, model_name: str) -> list[Fitting]:
        """Every complete local fitting of ``model_name``, oldest first, with records and aliases.

        Manifests and records are parsed but files are not hashed; use :meth:`resolve` for that.
        """
        model_folder = self.folder(model_name)
        aliases = self.aliases(model_name)
        return [
            self._describe(model_name, number, manifests.read(model_folder / str(number)), aliases)
            for number in numbers(model_folder)
        ]

    def models(self) -> list[str]:
        """The names of the models with at least one local fitting."""
        if not self.root.is_dir():
            return []
        return sorted(entry.name for entry in self.root.iterdir() if numbers(entry))


def model_store() -> ModelStore:
    """The store of the current environment: the project's ``models/``, plus S3 when configured."""
    import lore.s3

    return ModelStore(remote=lore.s3.remote(required=False))


def list_fittings(model: Any, remote: bool = False) -> list[Fitting]:
    """The fittings of ``model`` (a model class, instance or name) with their metrics.

    ``remote=True`` lists those on S3 instead of the local ones.
    """
    name = model if isinstance(model, str) else model.name()
    store = model_store()
    return store.remote_fittings(name) if remote else store.fittings(name)
