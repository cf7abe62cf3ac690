"""Fittings on S3: how :class:`~lore.stores.modelstore.ModelStore` uploads and downloads.

The model store calls these with its :class:`lore.s3.Remote` and local folders; this
module knows the layout (:mod:`lore.stores.layout`), not the store.

Remote layout, under ``<bucket>/<prefix>/<environment>/``::

    <model name>/aliases/<alias>.json       {"fitting": 3}: one object per alias
    <model name>/<number>/manifest.json     uploaded last: a fitting exists once it does
    <model name>/<number>/<files...>
    <model name>/<number>/report/...        the fitting's report (outside the manifest)

Each alias is its own object, written in one ``PUT``: two machines promoting
different aliases at once both succeed, and two promoting the same alias leave one
of the two, whole (last writer wins). Nothing is read, modified and written back.
An upload never touches aliases; :func:`promote` moves one. (A ``aliases.json`` from
an older lore is still read, for aliases that have no object of their own.)

An upload sends every file through one transfer manager (parts of all files share
the pool) and then the manifest. A download reads and checks the manifest first
(format version, safe paths), fetches the files into a private temporary folder,
verifies every size and SHA-256, and only then renames the folder into place, so an
interrupted or corrupted download leaves nothing that loads. A fitting number that
already exists with different content, locally or remotely, is never overwritten.

Finding the fitting to download or promote lists no files: the latest is the highest
fitting folder (one listing of the model's folders, ``Delimiter="/"``, 1,000 per
request) whose manifest can be read, walking down past incomplete uploads; an alias
is its own object; a number is its manifest. Only the full listings
(:func:`fittings`, :func:`prune`, and the message naming what exists when nothing
matches) read every object's key.

>>> remote_path("demo.Model", 3, "manifest.json")
'demo.Model/3/manifest.json'
"""

from __future__ import annotations

import errno
import json
import logging
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lore.errors import CorruptArtifact, FittingNotFound, StoreError
from lore.stores import manifest as manifests
from lore.stores.layout import (
    ALIASES,
    LATEST,
    RECORD,
    Fitting,
    check_alias,
    commit_folder,
    discard,
    staging_folder,
)

if TYPE_CHECKING:
    from lore.s3 import Remote

logger = logging.getLogger(__name__)

#: The remote folder of a model's aliases, one object each.
ALIAS_FOLDER = "aliases"


def remote_path(model_name: str, number: int, name: str = "") -> str:
    """The remote path of a fitting's file (or of the fitting folder)."""
    return f"{model_name}/{number}/{name}" if name else f"{model_name}/{number}"


def remote_numbers(remote: Remote, model_name: str) -> list[int]:
    """Numbers of the fittings whose manifest is on S3 (complete uploads), sorted."""
    found = []
    for path in remote.list(model_name):
        parts = path.split("/")
        if len(parts) == 3 and parts[1].isdigit() and parts[2] == manifests.MANIFEST:
            found.append(int(parts[1]))
    return sorted(found)


def alias_path(model_name: str, alias: str) -> str:
    """The remote object of one alias.

    >>> alias_path("demo.Model", "production")
    'demo.Model/aliases/production.json'
    """
    return f"{model_name}/{ALIAS_FOLDER}/{alias}.json"


def _legacy_aliases(remote: Remote, model_name: str) -> dict[str, int]:
    """The ``aliases.json`` an older lore wrote (read only, never written)."""
    data = remote.get_bytes(f"{model_name}/{ALIASES}")
    if data is None:
        return {}
    try:
        aliases = json.loads(data)
    except ValueError:
        aliases = None
    if not isinstance(aliases, dict) or not all(isinstance(n, int) for n in aliases.values()):
        raise CorruptArtifact(f"{remote.url(f'{model_name}/{ALIASES}')} must map aliases to fitting numbers")
    return aliases


def _alias_object(remote: Remote, path: str) -> int | None:
    """The fitting number in the alias object at ``path``; ``None`` when there is none."""
    data = remote.get_bytes(path)
    if data is None:
        return None
    try:
        number = json.loads(data).get("fitting")
    except (ValueError, AttributeError):
        number = None
    if not isinstance(number, int) or isinstance(number, bool):
        raise CorruptArtifact(
            f'{remote.url(path)} must hold {{"fitting": <number>}}; promote the alias again to repair it'
        )
    return number


def remote_aliases(remote: Remote, model_name: str) -> dict[str, int]:
    """The aliases of ``model_name`` on S3: alias -> fitting number."""
    aliases = _legacy_aliases(remote, model_name)
    for path in remote.list(f"{model_name}/{ALIAS_FOLDER}"):
        number = _alias_object(remote, path)
        if number is not None:  # else deleted since the listing
            aliases[path.rsplit("/", 1)[-1].removesuffix(".json")] = number
    return aliases


def remote_alias(remote: Remote, model_name: str, alias: str) -> int | None:
    """The fitting ``alias`` points at on S3, from its own object (else an older ``aliases.json``).

    Nothing is listed: one read, two for an alias that has no object of its own.
    """
    try:
        check_alias(alias)
    except StoreError:
        return None  # no such alias can exist
    number = _alias_object(remote, alias_path(model_name, alias))
    return number if number is not None else _legacy_aliases(remote, model_name).get(alias)


def promote(remote: Remote, model_name: str, fitting: int | str | None, alias: str) -> int:
    """Point the remote ``alias`` at an uploaded fitting (a number, an alias or ``None``: the latest)."""
    check_alias(alias)
    number, _ = _find(remote, model_name, fitting)
    remote.put_bytes(alias_path(model_name, alias), json.dumps({"fitting": number}).encode())
    return number


def prune(remote: Remote, model_name: str, keep: int) -> list[int]:
    """Delete all but the ``keep`` newest remote fittings, never an aliased one; those deleted.

    Each doomed fitting loses its manifest first (so it is invisible from then on);
    the aliases are read again after that, and a fitting that was promoted meanwhile
    gets its manifest back and is kept.
    """
    existing = remote_numbers(remote, model_name)
    aliased = set(remote_aliases(remote, model_name).values())
    deleted = []
    for number in [n for n in existing[:-keep] if n not in aliased]:
        manifest_path = remote_path(model_name, number, manifests.MANIFEST)
        data = remote.get_bytes(manifest_path)
        if data is None:
            continue
        remote.delete([manifest_path])
        if number in remote_aliases(remote, model_name).values():  # promoted meanwhile
            remote.put_bytes(manifest_path, data)
            continue
        remote.delete(remote.list(remote_path(model_name, number)))
        deleted.append(number)
    return deleted


def _remote_manifest(remote: Remote, model_name: str, number: int) -> tuple[bytes, dict[str, Any]]:
    path = remote_path(model_name, number, manifests.MANIFEST)
    data = remote.get_bytes(path)
    if data is None:
        raise FittingNotFound(
            f"{remote.url(path)} is missing: fitting {number} of {model_name} is not uploaded"
        )
    return data, manifests.parse(data, remote.url(path))


def read_file(remote: Remote, model_name: str, number: int, name: str) -> bytes | None:
    """File ``name`` of uploaded fitting ``number``, checked against its manifest; ``None`` when not listed.

    Only the manifest and that file are fetched (a model's reference, not its weights).
    """
    _, manifest = _remote_manifest(remote, model_name, number)
    path = remote_path(model_name, number, name)
    return manifests.checked(manifest, name, remote.get_bytes(path), remote.url(path))


def _remote_record(remote: Remote, model_name: str, number: int) -> dict[str, Any]:
    """The record (``model.json``) of an uploaded fitting; ``{}`` when it has none."""
    path = remote_path(model_name, number, RECORD)
    data = remote.get_bytes(path)
    if data is None:
        return {}
    try:
        record = json.loads(data)
    except ValueError:
        record = None
    if not isinstance(record, dict):
        raise CorruptArtifact(f"{remote.url(path)} must hold a JSON object; the fitting is damaged")
    return record


def fittings(remote: Remote, model_name: str) -> list[Fitting]:
    """The complete remote fittings of ``model_name`` with metadata and aliases."""
    aliases = remote_aliases(remote, model_name)
    described = []
    for number in remote_numbers(remote, model_name):
        _, manifest = _remote_manifest(remote, model_name, number)
        described.append(
            Fitting(
                model_name,
                number,
                remote.url(remote_path(model_name, number)),
                _remote_record(remote, model_name, number),
                sorted(name for name, n in aliases.items() if n == number),
                manifest.get("created"),
                manifest.get("lore"),
            )
        )
    return described


def upload(remote: Remote, model_name: str, folder: Path) -> int:
    """Upload the verified local fitting ``folder``; aliases are left alone (see :func:`promote`).

    Parameters
    ----------
    remote
        Where to.
    model_name
        The model the fitting belongs to.
    folder
        The fitting's verified local folder (named by its number).

    Returns
    -------
    int
        The fitting's number.

    Raises
    ------
    StoreError
        The same number already holds a different fitting on S3 (nothing is overwritten).
    """
    number = int(folder.name)
    data = (folder / manifests.MANIFEST).read_bytes()
    manifest = manifests.parse(data, str(folder / manifests.MANIFEST))
    existing = remote.get_bytes(remote_path(model_name, number, manifests.MANIFEST))
    if existing is not None and existing != data:
        raise StoreError(
            f"{remote.url(remote_path(model_name, number))} already holds a different fitting {number} of "
            f"{model_name} (uploaded from elsewhere); nothing was overwritten. Download it, or fit again "
            "to get a new number"
        )
    # the report (derived, outside the manifest) travels with the fitting, and is
    # refreshed when the fitting is already there
    reports = _report_files(folder, model_name, number)
    if existing is None:
        remote.upload_files(
            [
                (folder / entry["path"], remote_path(model_name, number, entry["path"]))
                for entry in manifest["files"]
            ]
            + reports
        )
        remote.put_bytes(remote_path(model_name, number, manifests.MANIFEST), data)
    elif reports:
        remote.upload_files(reports)
    return number


def _report_files(folder: Path, model_name: str, number: int) -> list[tuple[Path, str]]:
    """``(local, remote)`` pairs of the files of the fitting's report folder, if any."""
    report = folder / manifests.REPORT
    if not report.is_dir():
        return []
    return [
        (path, remote_path(model_name, number, path.relative_to(folder).as_posix()))
        for path in sorted(report.rglob("*"))
        if path.is_file()
    ]


def _fetch_report(remote: Remote, target: Path, model_name: str, number: int) -> None:
    """Download the fitting's report folder, when it has one, replacing the local one whole."""
    from lore.util import atomic_folder

    prefix = remote_path(model_name, number, manifests.REPORT)
    names = [path[len(prefix) + 1 :] for path in remote.list(prefix)]
    if not names:
        return
    with atomic_folder(target / manifests.REPORT) as staging:
        pairs = []
        for name in names:
            relative = manifests.safe_path(name, remote.url(prefix))
            pairs.append((f"{prefix}/{name}", staging.joinpath(*relative.parts)))
        remote.download_files(pairs)


def _fitting_folders(remote: Remote, model_name: str) -> list[int]:
    """Numbers of the fitting folders on S3, complete or not, sorted: their files are not listed."""
    names = (path.rsplit("/", 1)[-1] for path in remote.folders(model_name))
    return sorted(int(name) for name in names if name.isdigit())


def _find(remote: Remote, model_name: str, fitting: int | str | None) -> tuple[int, bytes]:
    """The number of a complete remote fitting (a number, an alias or ``None``: the latest) and its manifest.

    A fitting is complete once its manifest is there (uploaded last); the latest is
    the highest such, found from the highest fitting folder down.
    """
    if fitting is None or fitting == LATEST:
        for number in reversed(_fitting_folders(remote, model_name)):
            data = remote.get_bytes(remote_path(model_name, number, manifests.MANIFEST))
            if data is not None:
                return number, data
        raise FittingNotFound(f"no fittings of {model_name} at {remote.url(model_name)}: upload one first")
    if isinstance(fitting, int) or (isinstance(fitting, str) and fitting.isdigit()):
        found: int | None = int(fitting)
    elif isinstance(fitting, str):
        found = remote_alias(remote, model_name, fitting)
    else:
        raise StoreError(f"fitting must be a number, an alias or None, not {fitting!r}")
    data = None if found is None else remote.get_bytes(remote_path(model_name, found, manifests.MANIFEST))
    if found is not None and data is not None:
        return found, data
    existing = remote_numbers(remote, model_name)  # only to say what exists
    named = ", ".join(f"{a} -> {n}" for a, n in sorted(remote_aliases(remote, model_name).items())) or "none"
    raise FittingNotFound(
        f"{model_name} has no fitting {fitting!r} at {remote.url(model_name)}; fittings: "
        f"{', '.join(map(str, existing)) or 'none'}; aliases: {named}"
    )


def _same_fitting(target: Path, data: bytes) -> bool:
    try:
        return (target / manifests.MANIFEST).read_bytes() == data
    except FileNotFoundError:
        return False


def _conflict(model_folder: Path, model_name: str, number: int) -> StoreError:
    return StoreError(
        f"{model_folder / str(number)} is a different fitting {number} of {model_name} than the "
        "one on S3; nothing was overwritten. Upload the local one under a new number by fitting again, or "
        "move it aside"
    )


def _fetch(
    remote: Remote, model_folder: Path, model_name: str, number: int, data: bytes, manifest: dict[str, Any]
) -> None:
    """Download a fitting into a staging folder, verify it, then rename it into place."""
    target = model_folder / str(number)
    model_folder.mkdir(parents=True, exist_ok=True)
    staging = staging_folder(model_folder, "download")
    try:
        pairs = []
        for entry in manifest["files"]:
            relative = manifests.safe_path(entry["path"], remote.url(remote_path(model_name, number)))
            pairs.append((remote_path(model_name, number, entry["path"]), staging.joinpath(*relative.parts)))
        remote.download_files(pairs)
        (staging / manifests.MANIFEST).write_bytes(data)
        manifests.verify(staging)
        try:
            commit_folder(staging, model_folder, number)
        except OSError as error:  # another process downloaded it first
            if error.errno not in (errno.EEXIST, errno.ENOTEMPTY) or not _same_fitting(target, data):
                raise StoreError(
                    f"{target} appeared while downloading and differs from the fitting on S3; nothing was "
                    "overwritten"
                ) from None
            manifests.verify(target)
        else:
            manifests.remember(target, manifest)  # hashed in staging; the rename kept the files
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # gone already unless something failed
        manifests.forget(staging)


def download(remote: Remote, model_folder: Path, model_name: str, fitting: int | str | None = None) -> int:
    """Download, verify and keep a remote fitting in ``model_folder``; its number.

    Parameters
    ----------
    remote
        Where from.
    model_folder
        The model's local folder (``models/<model name>``).
    model_name
        The model.
    fitting
        A number, a remote alias, or ``None`` for the latest.

    Returns
    -------
    int
        The number of the fitting now verified in ``model_folder``.

    Raises
    ------
    FittingNotFound
        No such fitting on S3.
    StoreError
        A different fitting of the same number is already on disk (nothing is overwritten).
    """
    number, data = _find(remote, model_name, fitting)
    manifest = manifests.parse(data, remote.url(remote_path(model_name, number, manifests.MANIFEST)))
    target = model_folder / str(number)
    if target.exists():
        if not _same_fitting(target, data):
            raise _conflict(model_folder, model_name, number)
        try:
            manifests.verify(target)
        except CorruptArtifact as damage:  # the same fitting, damaged on disk: fetch it again
            logger.warning("%s; replacing it with the copy on S3", damage)
            manifests.forget(target)
            discard(target)
    if not target.exists():
        _fetch(remote, model_folder, model_name, number, data, manifest)
        _fetch_report(remote, target, model_name, number)
    return number
