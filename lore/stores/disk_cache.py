"""A query cache of Parquet files in a folder, safe across processes.

Each entry is one file ``<key>.parquet`` (Parquet bytes plus a SHA-256 trailer, see
:func:`lore.stores.cache.to_bytes`). Files are written to a temporary name and renamed
into place, so another process reading the same key sees the old file, the new one, or
none, never half of one; a damaged file reads as a miss, is logged and removed. Reading
an entry touches its modification time; when the folder holds more than ``max_bytes``
the least recently used files go first.

>>> import tempfile, pandas as pd
>>> cache = DiskCache(tempfile.mkdtemp())
>>> cache.set("answer", pd.DataFrame({"when": pd.to_datetime(["2024-01-01"]), "x": [1.5]}))
>>> cache.get("answer").dtypes.astype(str).tolist()
['datetime64[us]', 'float64']
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from lore.errors import CorruptArtifact, StoreError
from lore.stores.cache import DEFAULT_MAX_BYTES, Cache, _miss, from_bytes, to_bytes
from lore.util import atomic_write

if TYPE_CHECKING:
    import pandas as pd

_KEY = re.compile(r"^[A-Za-z0-9_.-]{1,200}$")
SUFFIX = ".parquet"


class DiskCache(Cache):
    """An LRU cache of Parquet files under ``folder``, bounded by ``max_bytes`` on disk."""

    def __init__(self, folder: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.folder = Path(folder)
        self.max_bytes = max_bytes

    def path(self, key: str) -> Path:
        """The file of ``key``; keys are file-name safe (letters, digits, ``_.-``)."""
        if not _KEY.match(key) or key.startswith("."):
            raise StoreError(f"cache key {key!r} must be 1-200 letters, digits, '_', '.' or '-'")
        return self.folder / f"{key}{SUFFIX}"

    def get(self, key: str) -> pd.DataFrame | None:
        path = self.path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        try:
            frame = from_bytes(data, str(path))
        except (CorruptArtifact, OSError, ValueError) as error:
            _miss(str(path), error)
            self.delete(key)
            return None
        try:
            os.utime(path)
        except FileNotFoundError:  # evicted by another process meanwhile
            pass
        return frame

    def set(self, key: str, frame: pd.DataFrame) -> None:
        data = to_bytes(frame)
        if len(data) > self.max_bytes:
            return
        with atomic_write(self.path(key)) as stream:
            stream.write(data)
        self._evict()

    def _evict(self) -> None:
        entries = []
        for path in self.folder.glob(f"*{SUFFIX}"):
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            entries.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries, key=lambda entry: entry[0]):
            if total <= self.max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= size

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def clear(self) -> None:
        for path in self.folder.glob(f"*{SUFFIX}"):
            path.unlink(missing_ok=True)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.path(key).is_file()
