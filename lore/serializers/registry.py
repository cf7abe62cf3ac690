"""Dispatch :func:`save` and :func:`load` to the serializer for each kind of object.

Each kind is a module of this package with ``NAME``, ``claims(obj)``,
``write(obj, folder, name) -> (files, details)`` and ``read(folder, name, record)``.
``claims`` looks at ``type(obj).__module__`` strings only, so asking whether an
object is a Keras model never imports Keras. A kind that cannot write a particular
object raises :class:`Unsupported` and the next kind that claims it (in the end,
pickle) writes it instead.

>>> from lore.serializers.registry import kind_for
>>> kind_for([1, 2]).NAME
'pickled'
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import re
from pathlib import Path
from types import ModuleType
from typing import Any

from lore.errors import CorruptArtifact, ModelError
from lore.util import atomic_write, package_versions

logger = logging.getLogger(__name__)

#: The version of the sidecar format this lore writes and the newest it reads.
FORMAT_VERSION = 1
#: Serializer modules, tried in this order; ``pickled`` claims everything.
KINDS = ("xgboost", "keras", "sklearn", "frames", "arrays", "pickled")
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


class Unsupported(Exception):
    """Raised by a kind's ``write`` for an object it claims but cannot store natively."""


def modules_of(obj: Any) -> list[str]:
    """The modules of ``obj``'s class and all its bases (no import needed to check them)."""
    return [klass.__module__ for klass in type(obj).__mro__]


def from_library(obj: Any, *packages: str) -> bool:
    """Whether ``obj``'s class, or one of its bases, is defined in one of ``packages``."""
    return any(module.split(".")[0] in packages for module in modules_of(obj))


def qualified_type(obj: Any) -> str:
    klass = type(obj)
    return f"{klass.__module__}.{klass.__qualname__}"


def sidecar_name(name: str) -> str:
    """The file that records how ``name`` was written.

    >>> sidecar_name("estimator")
    'estimator.serializer.json'
    """
    return f"{name}.serializer.json"


def check_name(name: str) -> str:
    """``name`` if it is a plain file name stem, else :class:`ModelError`."""
    if not isinstance(name, str) or not _NAME.fullmatch(name) or ".." in name:
        raise ModelError(
            f"cannot use {name!r} as an artifact name: use letters, digits, '_', '-' and '.', "
            "with no path separators"
        )
    return name


def _kind(name: str) -> ModuleType:
    return importlib.import_module(f"lore.serializers.{name}")


def kind_for(obj: Any) -> ModuleType:
    """The first serializer module that claims ``obj``."""
    return next(module for module in map(_kind, KINDS) if module.claims(obj))


def save(obj: Any, folder: str | os.PathLike[str], name: str) -> list[str]:
    """Write ``obj`` into ``folder`` as ``name`` plus a suffix; return the file names written.

    The sidecar is written last, atomically, and any previous one is removed first, so
    a crash half way leaves nothing that :func:`load` would read.

    Parameters
    ----------
    obj
        The object to write.
    folder
        An existing or new folder.
    name
        A file name stem: letters, digits, ``_``, ``-`` and ``.``.

    Returns
    -------
    list of str
        The names of the files written, relative to ``folder``, the sidecar last.
    """
    check_name(name)
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    sidecar = target / sidecar_name(name)
    sidecar.unlink(missing_ok=True)
    for module in map(_kind, KINDS):
        if not module.claims(obj):
            continue
        try:
            files, details = module.write(obj, target, name)
        except Unsupported as reason:
            logger.info("%s cannot write %s (%s); trying the next serializer", module.NAME, name, reason)
            continue
        break
    record = {
        "format": FORMAT_VERSION,
        "serializer": module.NAME,
        "type": qualified_type(obj),
        "files": files,
        "versions": package_versions(module.LIBRARIES),
        **details,
    }
    with atomic_write(sidecar, "w") as stream:
        json.dump(record, stream, indent=2, sort_keys=True)
    return [*files, sidecar.name]


def read_record(folder: Path, name: str) -> dict[str, Any]:
    """The sidecar of ``name``, checked: known serializer, plain file names that exist."""
    sidecar = folder / sidecar_name(check_name(name))
    try:
        record = json.loads(sidecar.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CorruptArtifact(
            f"{sidecar} is missing: {name!r} was never saved in {folder}, or its save did not finish; "
            "save it again with lore.serializers.save"
        ) from None
    except (OSError, ValueError) as error:
        raise CorruptArtifact(f"{sidecar} is not readable JSON ({error}); save {name!r} again") from None
    if not isinstance(record, dict) or not isinstance(record.get("format"), int):
        raise CorruptArtifact(f"{sidecar} has no format version; save {name!r} again")
    if record["format"] > FORMAT_VERSION:
        raise ModelError(
            f"{sidecar} was written in serializer format {record['format']} by a newer lore; "
            f"this lore reads up to format {FORMAT_VERSION}: upgrade lore to load it"
        )
    if record.get("serializer") not in KINDS:
        raise CorruptArtifact(
            f"{sidecar} names serializer {record.get('serializer')!r}; known ones are {', '.join(KINDS)}"
        )
    files = record.get("files")
    if not isinstance(files, list) or not all(isinstance(file, str) for file in files):
        raise CorruptArtifact(f"{sidecar} has no list of files; save {name!r} again")
    for file in files:
        if not _NAME.fullmatch(file) or ".." in file:
            raise CorruptArtifact(f"{sidecar} names an unsafe file {file!r}; refusing to read it")
        if not (folder / file).is_file():
            raise CorruptArtifact(f"{folder / file} is missing; it was written with {sidecar.name}")
    return record


def load(folder: str | os.PathLike[str], name: str) -> Any:
    """Read back what :func:`save` wrote as ``name`` in ``folder``.

    Raises :class:`~lore.errors.CorruptArtifact` when the sidecar or a file it names
    is missing or malformed, and :class:`~lore.errors.ModelError` when the library
    cannot read the file (the message gives the versions that wrote it).
    """
    source = Path(folder)
    record = read_record(source, name)
    module = _kind(record["serializer"])
    try:
        return module.read(source, name, record)
    except (ModelError, CorruptArtifact, MemoryError):
        raise
    except Exception as error:
        written = ", ".join(f"{lib} {ver}" for lib, ver in record.get("versions", {}).items()) or "unknown"
        here = ", ".join(f"{lib} {ver}" for lib, ver in package_versions(module.LIBRARIES).items())
        raise ModelError(
            f"{module.NAME} could not read {', '.join(record['files'])} in {source}: {error}. "
            f"It was written with {written}; this process has {here}"
        ) from error
