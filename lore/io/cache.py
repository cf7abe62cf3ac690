"""Query caches: what they share, and :class:`RamCache`, the in-process one.

Every cache maps a string key to a DataFrame with ``get(key) -> DataFrame | None``,
``set(key, frame)``, ``delete(key)``, ``clear()`` and ``key in cache``, and forgets the
least recently used entries once it holds more than ``max_bytes``. A corrupt entry reads
as a miss (and is logged and dropped), so the caller simply recomputes it.

:class:`~lore.io.disk_cache.DiskCache` and
:class:`~lore.io.redis_cache.RedisCache` store frames as Arrow IPC files (the
columnar format Feather v2 uses, with pandas' metadata, so dtypes, datetimes,
categoricals, the index and NaN come back exactly), followed by their length, the
SHA-256 of their own key and a CRC-32 (:func:`to_bytes`, :func:`from_bytes`). A
truncated or damaged entry, or one that belongs to another key (a file copied or
renamed over another), reads as a miss: an entry can only answer for its own key.
Arrow IPC rather than Parquet: it needs no decoding and is read
memory-mapped, several times faster (see docs/io.rst for the figures).

>>> import pandas as pd
>>> cache = RamCache(max_bytes=10_000)
>>> cache.set("k", pd.DataFrame({"a": [1, 2]}))
>>> cache.get("k")["a"].tolist(), "k" in cache, cache.get("missing")
([1, 2], True, None)
"""

from __future__ import annotations

import hashlib
import logging
import struct
import threading
import zlib
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from lore.errors import CorruptArtifact

if TYPE_CHECKING:
    import pandas as pd

logger = logging.getLogger(__name__)

#: Default size bound of a cache: 1 GiB.
DEFAULT_MAX_BYTES = 1 << 30
#: payload length, SHA-256 of the entry's key, CRC-32 of the payload, magic
_TRAILER = struct.Struct("<Q32sI4s")
_MAGIC = b"LOR2"


def key_digest(key: str) -> bytes:
    """The SHA-256 of ``key``, which every stored entry carries."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()


def encode(frame: pd.DataFrame, key: str) -> tuple[Any, bytes]:
    """``frame`` as an Arrow IPC file (a ``pyarrow.Buffer``) and its 48-byte trailer naming ``key``."""
    import pyarrow as pa

    table = pa.Table.from_pandas(frame)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    payload = sink.getvalue()
    return payload, _TRAILER.pack(payload.size, key_digest(key), zlib.crc32(payload), _MAGIC)


def to_bytes(frame: pd.DataFrame, key: str) -> bytes:
    """``frame`` as the entry of ``key``: Arrow IPC file, then length, key digest, CRC-32, magic."""
    payload, trailer = encode(frame, key)
    return payload.to_pybytes() + trailer


def from_bytes(data: Any, where: str, key: str) -> pd.DataFrame:
    """Read the entry of ``key`` that :func:`to_bytes` wrote (bytes or a ``pyarrow.Buffer``).

    A wrong length, magic or CRC-32, or an entry written for another key, is a
    :class:`CorruptArtifact` naming ``where``.

    >>> import pandas as pd
    >>> data = to_bytes(pd.DataFrame({"a": [1]}), "k1")
    >>> from_bytes(data, "here", "k1")["a"].tolist()
    [1]
    >>> from_bytes(data, "here", "k2")
    Traceback (most recent call last):
    ...
    lore.errors.CorruptArtifact: here: the entry belongs to another key (a file copied or renamed over it)
    """
    import pyarrow as pa

    buffer = data if isinstance(data, pa.Buffer) else pa.py_buffer(data)
    if buffer.size < _TRAILER.size:
        raise CorruptArtifact(f"{where}: {buffer.size} bytes is too short to be a cache entry")
    length, digest, crc, magic = _TRAILER.unpack(buffer.slice(buffer.size - _TRAILER.size).to_pybytes())
    if magic != _MAGIC or length != buffer.size - _TRAILER.size:
        raise CorruptArtifact(f"{where}: length or format mismatch (truncated, altered, or an older lore's)")
    if digest != key_digest(key):
        raise CorruptArtifact(f"{where}: the entry belongs to another key (a file copied or renamed over it)")
    if zlib.crc32(buffer.slice(0, length)) != crc:
        raise CorruptArtifact(f"{where}: checksum mismatch (truncated or altered)")
    return pa.ipc.open_file(buffer.slice(0, length)).read_all().to_pandas()


class Cache:
    """What every query cache offers; subclasses implement the four primitives."""

    max_bytes: int

    def get(self, key: str) -> pd.DataFrame | None:
        """The frame stored under ``key``, or ``None`` (a miss, or a corrupt entry)."""
        raise NotImplementedError

    def set(self, key: str, frame: pd.DataFrame) -> None:
        """Store ``frame`` under ``key``, evicting least recently used entries if full."""
        raise NotImplementedError

    def delete(self, key: str) -> None:
        """Forget ``key`` (no error if absent)."""
        raise NotImplementedError

    def clear(self) -> None:
        """Forget every entry."""
        raise NotImplementedError

    def __contains__(self, key: object) -> bool:
        raise NotImplementedError


def _miss(where: str, error: Exception) -> None:
    logger.warning("cache entry %s is unreadable (%s); recomputing", where, error)


class RamCache(Cache):
    """An in-process LRU cache bounded by the frames' memory use.

    Frames are copied on the way in and out (cheap under copy-on-write), so a caller
    changing its frame never changes the cache.
    """

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, tuple[Any, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> pd.DataFrame | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0].copy()

    def set(self, key: str, frame: pd.DataFrame) -> None:
        size = int(frame.memory_usage(deep=True, index=True).sum())
        with self._lock:
            self._drop(key)
            if size > self.max_bytes:
                return
            self._entries[key] = (frame.copy(), size)
            self._size += size
            while self._size > self.max_bytes:
                self._drop(next(iter(self._entries)))

    def _drop(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._size -= entry[1]

    def delete(self, key: str) -> None:
        with self._lock:
            self._drop(key)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)
