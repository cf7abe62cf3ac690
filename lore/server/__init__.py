"""``lore api``: the project's models over HTTP (FastAPI on uvicorn).

Nothing heavy is imported here; each name is loaded from its module on first use,
and FastAPI only by :mod:`lore.server.app`.

>>> import lore.server
>>> lore.server.Settings().max_rows
10000
"""

from __future__ import annotations

from lore.util import lazy_exports

#: public name -> module that defines it
_EXPORTS = {
    "Metrics": "lore.server.metrics",
    "MicroBatcher": "lore.server.batching",
    "ServedModel": "lore.server.registry",
    "Settings": "lore.server.settings",
    "create_app": "lore.server.app",
    "discover": "lore.server.registry",
    "parse": "lore.server.validation",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
