"""The manifest of a fitting: every file with its size and SHA-256, written last.

It is for integrity only: what the fitting is (parameters, metrics, data signature,
package versions) is the fitting's own record, ``model.json``, one of the files the
manifest vouches for.

A fitting folder is trusted only if ``manifest.json`` lists exactly the files in it,
each with the recorded size and digest. :func:`verify` checks that before anything
is deserialized, so a missing, truncated, altered or extra file is a
:class:`~lore.errors.CorruptArtifact` naming the file, and a manifest from a newer
lore, or one naming a path outside the folder, is refused.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "weights.npy").write_bytes(b"0123")
>>> manifest = write(folder, build(folder))
>>> [(entry["path"], entry["size"]) for entry in verify(folder)["files"]]
[('weights.npy', 4)]
"""

from __future__ import annotations

import datetime
import errno
import hashlib
import json
import os
from pathlib import Path, PurePosixPath
from typing import Any

import lore
from lore.errors import CorruptArtifact, StoreError
from lore.util import atomic_write

#: The manifest format this lore writes and the newest it reads.
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
#: The folder of a fitting that holds its report (HTML, plots, model card). It is derived
#: from the fitting after the fitting is committed, never loaded, and so is not part of
#: the manifest: files under it (and its staging folders ``.report.*``) are not checked.
REPORT = "report"
_CHUNK = 1 << 22
#: folder -> stat signature of a manifest already verified in this process.
_verified: dict[str, tuple[Any, ...]] = {}


def open_file(path: Path) -> int:
    """A read-only descriptor of ``path``; a symbolic link is refused, not followed."""
    try:
        return os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise CorruptArtifact(
                f"{path} is a symbolic link; a fitting holds only its own files: "
                "replace the link with the file"
            ) from None
        raise


def sha256_file(path: Path) -> str:
    """The hex SHA-256 of a file, read in 4 MiB chunks (a symbolic link is refused)."""
    digest = hashlib.sha256()
    buffer = bytearray(_CHUNK)
    view = memoryview(buffer)
    with open(open_file(path), "rb", buffering=0) as stream:
        while count := stream.readinto(buffer):
            digest.update(view[:count])
    return digest.hexdigest()


def safe_path(name: Any, where: str) -> PurePosixPath:
    """``name`` as a relative POSIX path inside the folder, or :class:`CorruptArtifact`.

    >>> safe_path("../x", "manifest.json")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    lore.errors.CorruptArtifact: manifest.json names an unsafe path '../x': ...
    """
    path = PurePosixPath(name) if isinstance(name, str) else None
    if (
        path is None
        or not name
        or path.is_absolute()
        or "\\" in name
        or ":" in name
        or any(part in ("", ".", "..") for part in name.split("/"))
    ):
        raise CorruptArtifact(
            f"{where} names an unsafe path {name!r}: paths must stay inside the fitting "
            "(no '..', no absolute paths); refusing to use it"
        )
    return path


def _derived(name: str) -> bool:
    """Whether a top-level entry of a fitting is its report (or a report being written)."""
    return name == REPORT or name.startswith(f".{REPORT}.")


def _files(folder: Path) -> list[str]:
    """Every file under ``folder`` as a sorted relative POSIX path, manifest and report excluded.

    A symbolic link anywhere inside (to a file or a folder) is a :class:`CorruptArtifact`:
    it could point outside the fitting, and nothing there is vouched for.
    """
    found: list[str] = []
    pending = [(folder, "")]
    while pending:
        directory, base = pending.pop()
        with os.scandir(directory) as entries:
            for entry in entries:
                name = f"{base}{entry.name}"
                if not base and _derived(entry.name):
                    continue
                if entry.is_symlink():
                    raise CorruptArtifact(
                        f"{entry.path} is a symbolic link; a fitting holds only its own files, so it is "
                        "refused: replace the link with the file, or fit the model again"
                    )
                if entry.is_dir():
                    pending.append((Path(entry.path), f"{name}/"))
                else:
                    found.append(name)
    return sorted(name for name in found if name != MANIFEST)


def build(folder: Path) -> dict[str, Any]:
    """The manifest of every file now in ``folder``: format, lore version, time and files."""
    entries = [
        {"path": name, "size": (folder / name).stat().st_size, "sha256": sha256_file(folder / name)}
        for name in _files(folder)
    ]
    return {
        "format": FORMAT_VERSION,
        "lore": lore.__version__,
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "files": entries,
    }


def write(folder: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """Write ``manifest`` as ``folder/manifest.json`` atomically; return it."""
    with atomic_write(folder / MANIFEST, "w") as stream:
        json.dump(manifest, stream, indent=2, sort_keys=True, default=str)
    return manifest


def parse(text: str | bytes, where: str) -> dict[str, Any]:
    """Check a manifest's structure, format version and paths (not the files)."""
    try:
        manifest = json.loads(text)
    except ValueError as error:
        raise CorruptArtifact(f"{where} is not valid JSON ({error}); the fitting is damaged") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        raise CorruptArtifact(f"{where} has no list of files; the fitting is damaged")
    version = manifest.get("format")
    if not isinstance(version, int):
        raise CorruptArtifact(f"{where} has no format version; the fitting is damaged")
    if version > FORMAT_VERSION:
        raise StoreError(
            f"{where} is in manifest format {version}, written by lore {manifest.get('lore', '?')}; "
            f"this lore ({lore.__version__}) reads up to format {FORMAT_VERSION}: upgrade lore to load it"
        )
    for entry in manifest["files"]:
        if not isinstance(entry, dict) or not {"path", "size", "sha256"} <= entry.keys():
            raise CorruptArtifact(f"{where} has a malformed file entry {entry!r}")
        safe_path(entry["path"], where)
    return manifest


def read(folder: Path) -> dict[str, Any]:
    """The parsed manifest of ``folder``, without checking the files."""
    path = folder / MANIFEST
    try:
        with open(open_file(path), "rb") as stream:
            text = stream.read()
    except FileNotFoundError:
        raise CorruptArtifact(
            f"{path} is missing: the fitting is incomplete or was not written by lore"
        ) from None
    return parse(text, str(path))


def _signature(folder: Path, names: list[str]) -> tuple[Any, ...]:
    stats = [(folder / name).stat() for name in [MANIFEST, *names]]
    return tuple((s.st_ino, s.st_size, s.st_mtime_ns, s.st_ctime_ns) for s in stats)


def remember(folder: Path, manifest: dict[str, Any]) -> None:
    """Record ``folder`` as verified against ``manifest`` (its files were just hashed)."""
    _verified[str(folder)] = _signature(folder, [entry["path"] for entry in manifest["files"]])


def forget(folder: Path) -> None:
    """Drop ``folder`` from the verified cache (it is being deleted or replaced)."""
    _verified.pop(str(folder), None)


def checked(manifest: dict[str, Any], name: str, data: bytes | None, where: str) -> bytes | None:
    """``data``, file ``name`` of a fitting (``None`` when absent), if the manifest vouches for it.

    ``None`` when the manifest lists no such file; :class:`~lore.errors.CorruptArtifact`
    when it lists one that is missing or different.
    """
    entry = next((entry for entry in manifest["files"] if entry["path"] == name), None)
    if entry is None:
        return None
    if data is None:
        raise CorruptArtifact(
            f"{where} is missing but listed in the manifest: download or fit the model again"
        )
    if len(data) != entry["size"] or hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise CorruptArtifact(
            f"{where} does not match its size and SHA-256 in the manifest: it was altered or damaged; "
            "download or fit the model again"
        )
    return data


def verify(folder: Path) -> dict[str, Any]:
    """Check every file of ``folder`` against its manifest; return the manifest.

    A folder verified before in this process is not hashed again unless a file's
    inode, size, mtime or ctime changed. Symbolic links inside the folder, or the
    folder itself being one, are refused.
    """
    if folder.is_symlink():
        raise CorruptArtifact(
            f"{folder} is a symbolic link; a fitting must be a real folder: move the fitting there instead"
        )
    manifest = read(folder)
    listed = [entry["path"] for entry in manifest["files"]]
    present = _files(folder)
    missing = sorted(set(listed) - set(present))
    if missing:
        raise CorruptArtifact(
            f"{folder / missing[0]} is missing ({len(missing)} file(s) in all: {', '.join(missing)}); "
            f"it is listed in {folder / MANIFEST}: download or fit the model again"
        )
    extra = sorted(set(present) - set(listed))
    if extra:
        raise CorruptArtifact(
            f"{folder / extra[0]} is not listed in {folder / MANIFEST} (unlisted: {', '.join(extra)}); "
            "refusing a fitting with files nobody vouched for: remove them"
        )
    signature = _signature(folder, listed)
    if _verified.get(str(folder)) == signature:
        return manifest
    for entry in manifest["files"]:
        path = folder / entry["path"]
        size = path.stat().st_size
        if size != entry["size"]:
            raise CorruptArtifact(
                f"{path} is {size} bytes but the manifest says {entry['size']}: it is truncated or "
                "altered; download or fit the model again"
            )
        if sha256_file(path) != entry["sha256"]:
            raise CorruptArtifact(
                f"{path} does not match its SHA-256 in the manifest: it was altered or damaged; "
                "download or fit the model again"
            )
    _verified[str(folder)] = signature
    return manifest
