"""``lore api``: the project's models over HTTP (FastAPI on uvicorn).

Nothing heavy is imported here; each name is loaded from its module on first use,
and FastAPI only by :mod:`lore.server.app`.

>>> import lore.server
>>> lore.server.Settings().max_rows
10000
"""

from __future__ import annotations

import importlib
from typing import Any

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


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'lore.server' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
