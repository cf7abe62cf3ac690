"""Where lore keeps things: fitted models (:class:`ModelStore`) and query caches.

Nothing heavy is imported here; each name is loaded from its module on first use.

>>> import lore.stores
>>> lore.stores.ModelStore.__name__
'ModelStore'
"""

from __future__ import annotations

import importlib
from typing import Any

#: public name -> module that defines it. (The model store lives in ``modelstore.py``, not
#: ``model_store.py``: importing a submodule sets the package attribute of the same name,
#: which would hide the function ``lore.stores.model_store()``.)
_EXPORTS = {
    "Cache": "lore.stores.cache",
    "DiskCache": "lore.stores.disk_cache",
    "RamCache": "lore.stores.cache",
    "RedisCache": "lore.stores.redis_cache",
    "Fitting": "lore.stores.modelstore",
    "ModelStore": "lore.stores.modelstore",
    "list_fittings": "lore.stores.modelstore",
    "model_store": "lore.stores.modelstore",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'lore.stores' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
