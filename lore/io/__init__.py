"""Data in and out: database connections declared in ``config/database.cfg``, their query
caches (``RamCache``, ``DiskCache``, ``RedisCache``), and project files on S3.

Each section of ``config/database.cfg`` is a connection, ``lore.io.<section in lower
case>``; ``[MAIN]`` with no ``url`` is the embedded SQLite file ``data/main.sqlite``::

    [MAIN]
    url: $DATABASE_URL

    [WAREHOUSE]
    url: postgresql://reader:${WAREHOUSE_PASSWORD}@warehouse:5432/analytics

Connections are lazy: nothing connects before the first query.

>>> import lore.io
>>> conn = lore.io.connection("scratch", url="sqlite://")
>>> conn.select("SELECT %(greeting)s", greeting="hello")
[('hello',)]
"""

from __future__ import annotations

import importlib.util
import threading
from typing import TYPE_CHECKING, Any

from lore.errors import ConfigError, ConnectionNotConfigured
from lore.io.recorder import recording
from lore.util import lazy_exports

if TYPE_CHECKING:
    from lore.io.database import Connection

#: public name -> module that defines it, imported on first use
_EXPORTS = {
    "Cache": "lore.io.cache",
    "Connection": "lore.io.database",
    "DiskCache": "lore.io.disk_cache",
    "RamCache": "lore.io.cache",
    "RedisCache": "lore.io.redis_cache",
    "download": "lore.io.s3",
    "prefix_remote_root": "lore.io.s3",
    "remote_from_local": "lore.io.s3",
    "upload": "lore.io.s3",
}
__all__ = [
    "Cache",
    "Connection",
    "DiskCache",
    "RamCache",
    "RedisCache",
    "connection",
    "connections",
    "download",
    "prefix_remote_root",
    "recording",
    "remote_from_local",
    "upload",
]

#: Keys a [SECTION] of config/database.cfg may hold.
KEYS = frozenset({"url"})
_open: dict[tuple[Any, ...], Connection] = {}
_lock = threading.Lock()


def connections() -> dict[str, str | None]:
    """Connection name -> configured URL (``None`` for the embedded ``main``)."""
    import lore.config

    found: dict[str, str | None] = {"main": None}
    for section_name, section in lore.config.read("database").items():
        section.check_keys(KEYS)
        found[section_name.lower()] = section.get("url") or None
    return found


def _default_url() -> str:
    import lore.env

    return f"sqlite:///{lore.env.current().data_dir / 'main.sqlite'}"


def connection(name: str = "main", url: str | None = None) -> Connection:
    """The connection ``name`` of ``config/database.cfg`` (or at ``url``), created once."""
    import lore.env
    from lore.io.database import Connection

    if url is None:
        configured = connections()
        if name.lower() not in configured:
            known = ", ".join(sorted(configured))
            raise ConfigError(
                f"no connection {name!r}: config/database.cfg has no [{name.upper()}] section "
                f"(connections: {known}); add one with a url"
            )
        url = configured[name.lower()]
        if url is None:
            if name.lower() != "main":
                raise ConfigError(f"[{name.upper()}] in config/database.cfg has no url; add url: ...")
            url = _default_url()
    env = lore.env.current()
    key = (env.root, env.name, name.lower(), url)
    with _lock:
        if key not in _open:
            _open[key] = Connection(name.lower(), url)
        return _open[key]


def _named_connection(name: str) -> Connection:
    """``lore.io.<name>``: the connection of section ``[NAME]``."""
    if name.startswith("_") or importlib.util.find_spec(f"lore.io.{name}") is not None:
        raise AttributeError(f"module 'lore.io' has no attribute {name!r}")
    try:
        return connection(name)
    except ConfigError as error:  # a user's mistake: one line from the CLI, not a traceback
        raise ConnectionNotConfigured(str(error)) from None


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, fallback=_named_connection)
