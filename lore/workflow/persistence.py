"""How a step's or stage's result is written to a folder and read back.

A result is saved by type through :mod:`lore.serializers` (DataFrames and Series as
Parquet, numpy arrays as ``.npy``, fitted estimators in their native formats, anything
else with pickle). A tuple, list or dict is saved element by element, so a
``(train, test)`` pair of DataFrames becomes two Parquet files, not one pickle.

Writes are atomic: the result goes to a temporary folder beside ``path`` with a
manifest of every file's SHA-256 written last, and only then replaces ``path``.
:func:`load` verifies the manifest before reading, so a half-written or altered
result is a :class:`~lore.errors.CorruptArtifact`, never a wrong value.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "result"
>>> save((1, [2, 3]), folder)
>>> load(folder)
(1, [2, 3])
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from lore.errors import CorruptArtifact, WorkflowError
from lore.util import atomic_folder

STRUCTURE = "structure.json"
#: What the stage knows of its result (its fingerprint...), beside it; the manifest
#: vouches for it like for the result's files.
METADATA = "metadata.json"


def _save_value(value: Any, folder: Path, name: str) -> Any:
    """Save ``value`` under ``name`` in ``folder``; return its entry in the structure."""
    import lore.serializers

    if isinstance(value, (tuple, list)):
        items = [_save_value(item, folder, f"{name}.{index}") for index, item in enumerate(value)]
        return {"type": type(value).__name__, "items": items}
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        entries = {
            key: _save_value(item, folder, f"{name}.{index}")
            for index, (key, item) in enumerate(value.items())
        }
        return {"type": "dict", "items": entries}
    lore.serializers.save(value, folder, name)
    return {"type": "value", "name": name}


def _load_value(entry: dict[str, Any], folder: Path) -> Any:
    import lore.serializers

    if entry["type"] == "value":
        return lore.serializers.load(folder, entry["name"])
    if entry["type"] == "dict":
        return {key: _load_value(item, folder) for key, item in entry["items"].items()}
    items = [_load_value(item, folder) for item in entry["items"]]
    return tuple(items) if entry["type"] == "tuple" else items


def save(data: Any, path: str | os.PathLike[str], metadata: dict[str, Any] | None = None) -> None:
    """Write ``data`` to the folder ``path``, replacing any earlier result atomically."""
    from lore.stores import manifest, signing

    with atomic_folder(path) as staging:
        structure = _save_value(data, staging, "result")
        (staging / STRUCTURE).write_text(json.dumps(structure))
        (staging / METADATA).write_text(json.dumps(metadata or {}, sort_keys=True, default=str))
        manifest.write(staging, signing.sign_with_current_key(manifest.build(staging)))


def exists(path: str | os.PathLike[str]) -> bool:
    """Whether a complete result (one with a manifest) is stored at ``path``."""
    return (Path(path) / "manifest.json").is_file()


def metadata(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The metadata saved with the result at ``path`` (verified first)."""
    from lore.stores import manifest

    folder = Path(path)
    manifest.verify(folder)
    try:
        return json.loads((folder / METADATA).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except ValueError as error:
        raise CorruptArtifact(f"{folder / METADATA} cannot be read: {error}") from None


def load(path: str | os.PathLike[str]) -> Any:
    """Read back what :func:`save` wrote, after verifying every file against the manifest."""
    from lore.stores import manifest, signing

    folder = Path(path)
    if not exists(folder):
        raise WorkflowError(f"no persisted result at {folder}; run the step or stage that writes it first")
    signing.check(manifest.verify(folder), folder)
    try:
        structure = json.loads((folder / STRUCTURE).read_text())
    except (OSError, ValueError) as error:
        raise CorruptArtifact(f"{folder / STRUCTURE} cannot be read: {error}") from None
    return _load_value(structure, folder)
