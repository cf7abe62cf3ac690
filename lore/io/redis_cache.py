"""A query cache in Redis, shared by every process and machine that can reach it.

Entries are Arrow IPC files with a trailer holding their length, their key's SHA-256
and a CRC-32 (:func:`lore.io.cache.to_bytes`), stored under ``<prefix><key>`` with
one ``SET`` (atomic: a reader gets the whole value or nothing); a value that is not
this key's entry reads as a miss. A sorted set ``<prefix>:lru`` records when each key was last used and a hash
``<prefix>:sizes`` its size; once the total passes ``max_bytes`` the least recently
used entries are deleted.

Redis that cannot be reached answers within ``connect_timeout`` (1 s), a stalled one
within ``timeout`` (10 s); either is a :class:`~lore.errors.StoreError`, and for
``retry_after`` seconds (30) the cache fails at once instead of waiting again.
:meth:`lore.io.Connection.dataframe` turns any cache failure into a warning and reads
from the database.

>>> RedisCache("redis://127.0.0.1:6379/15", prefix="doc:").prefix
'doc:'
"""

from __future__ import annotations

import time
from functools import cached_property
from typing import TYPE_CHECKING, Any

from lore.errors import CorruptArtifact, MissingDependency, StoreError
from lore.io.cache import DEFAULT_MAX_BYTES, Cache, _miss, from_bytes, to_bytes
from lore.util import mask_url

if TYPE_CHECKING:
    import pandas as pd


class RedisCache(Cache):
    """An LRU cache in Redis at ``url``, keys under ``prefix``, bounded by ``max_bytes``."""

    def __init__(
        self,
        url: str = "redis://127.0.0.1:6379/0",
        prefix: str = "lore:cache:",
        max_bytes: int = DEFAULT_MAX_BYTES,
        connect_timeout: float = 1.0,
        timeout: float = 10.0,
        retry_after: float = 30.0,
    ) -> None:
        self.url = url
        self.prefix = prefix
        self.max_bytes = max_bytes
        self.connect_timeout = connect_timeout
        self.timeout = timeout
        self.retry_after = retry_after
        self._down: tuple[float, str] | None = None  # (monotonic time of a failure, what failed)

    def __repr__(self) -> str:
        return f"RedisCache({mask_url(self.url)!r}, prefix={self.prefix!r})"

    @cached_property
    def client(self) -> Any:
        try:
            import redis
        except ImportError:  # pragma: no cover - redis is a declared extra
            raise MissingDependency("redis", "redis", "RedisCache") from None
        return redis.Redis.from_url(
            self.url, socket_connect_timeout=self.connect_timeout, socket_timeout=self.timeout
        )

    def _call(self, method: str, *args: Any) -> Any:
        """Run a client method (or ``"execute"`` on a pipeline given as first arg).

        Every Redis failure is a :class:`StoreError`; after a connection failure or a
        timeout, calls fail at once for ``retry_after`` seconds.
        """
        client = self.client  # MissingDependency when redis is not installed
        import redis

        if self._down is not None:
            since, reason = self._down
            if time.monotonic() - since < self.retry_after:
                raise StoreError(f"Redis at {mask_url(self.url)} failed {reason}; not retried for now")
            self._down = None
        try:
            if method == "execute":
                return args[0].execute()
            return getattr(client, method)(*args)
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as error:
            self._down = (time.monotonic(), f"({type(error).__name__}: {error})")
            raise StoreError(
                f"cannot reach Redis at {mask_url(self.url)} ({type(error).__name__}: {error}); check that "
                "it runs and the URL"
            ) from None
        except redis.exceptions.RedisError as error:  # WRONGTYPE, out of memory, a read-only replica...
            raise StoreError(f"Redis at {mask_url(self.url)} refused {method}: {error}") from None

    @property
    def _lru(self) -> str:
        return f"{self.prefix}:lru"

    @property
    def _sizes(self) -> str:
        return f"{self.prefix}:sizes"

    def get(self, key: str) -> pd.DataFrame | None:
        data = self._call("get", self.prefix + key)
        if data is None:
            return None
        where = f"redis {self.prefix}{key}"
        try:
            frame = from_bytes(data, where, key)
        except (CorruptArtifact, OSError, ValueError) as error:
            _miss(where, error)
            self.delete(key)
            return None
        self._call("zadd", self._lru, {key: time.time()})
        return frame

    def set(self, key: str, frame: pd.DataFrame) -> None:
        data = to_bytes(frame, key)
        if len(data) > self.max_bytes:
            return
        pipe = self._call("pipeline")
        pipe.set(self.prefix + key, data)
        pipe.zadd(self._lru, {key: time.time()})
        pipe.hset(self._sizes, key, len(data))
        self._call("execute", pipe)
        self._evict()

    def _evict(self) -> None:
        sizes = {key.decode(): int(size) for key, size in self._call("hgetall", self._sizes).items()}
        total = sum(sizes.values())
        if total <= self.max_bytes:
            return
        for member in self._call("zrange", self._lru, 0, -1):
            if total <= self.max_bytes:
                break
            key = member.decode()
            total -= sizes.get(key, 0)
            self.delete(key)

    def delete(self, key: str) -> None:
        pipe = self._call("pipeline")
        pipe.delete(self.prefix + key)
        pipe.zrem(self._lru, key)
        pipe.hdel(self._sizes, key)
        self._call("execute", pipe)

    def clear(self) -> None:
        keys = [self.prefix + member.decode() for member in self._call("zrange", self._lru, 0, -1)]
        self._call("delete", self._lru, self._sizes, *keys)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and bool(self._call("exists", self.prefix + key))
