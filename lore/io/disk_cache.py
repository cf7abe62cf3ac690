"""A query cache of Arrow files in a folder, safe across processes.

Each entry is one file ``<key>.arrow`` (an Arrow IPC file plus a trailer with its
length, its key's SHA-256 and a CRC-32, see :func:`lore.io.cache.to_bytes`), read
memory-mapped; a file renamed or copied over another key's reads as a miss. Files are written
to a temporary name and renamed into place, so another process reading the same key
sees the old file, the new one, or none, never half of one; a damaged file reads as a
miss, is logged and removed. Reading an entry touches its modification time; when the
folder holds more than ``max_bytes`` the least recently used files go first.

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
from lore.io.cache import DEFAULT_MAX_BYTES, Cache, _miss, encode, from_bytes
from lore.util import atomic_write

if TYPE_CHECKING:
    import pandas as pd

_KEY = re.compile(r"^[A-Za-z0-9_.-]{1,200}$")
SUFFIX = ".arrow"


class DiskCache(Cache):
    """An LRU cache of Arrow files under ``folder``, bounded by ``max_bytes`` on disk."""

    def __init__(self, folder: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.folder = Path(folder)
        self.max_bytes = max_bytes

    def path(self, key: str) -> Path:
        """The file of ``key``; keys are file-name safe (letters, digits, ``_.-``)."""
        if not _KEY.match(key) or key.startswith("."):
            raise StoreError(f"cache key {key!r} must be 1-200 letters, digits, '_', '.' or '-'")
        return self.folder / f"{key}{SUFFIX}"

    def get(self, key: str) -> pd.DataFrame | None:
        import pyarrow as pa

        path = self.path(key)
        try:
            # memory-mapped: a file renamed over meanwhile stays readable as it was
            frame = from_bytes(pa.memory_map(str(path)).read_buffer(), str(path), key)
        except FileNotFoundError:
            return None
        except (CorruptArtifact, OSError, ValueError, pa.ArrowException) as error:
            _miss(str(path), error)
            self.delete(key)
            return None
        try:
            os.utime(path)
        except FileNotFoundError:  # evicted by another process meanwhile
            pass
        return frame

    def set(self, key: str, frame: pd.DataFrame) -> None:
        payload, trailer = encode(frame, key)
        if payload.size + len(trailer) > self.max_bytes:
            return
        with atomic_write(self.path(key)) as stream:
            stream.write(payload)
            stream.write(trailer)
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
