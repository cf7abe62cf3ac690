"""Where lore keeps fitted models: :class:`ModelStore`, on disk and on S3.

(The query caches live with the queries, in :mod:`lore.io`.)

Nothing heavy is imported here; each name is loaded from its module on first use.

>>> import lore.stores
>>> lore.stores.ModelStore.__name__
'ModelStore'
"""

from __future__ import annotations

from lore.util import lazy_exports

#: public name -> module that defines it. (The model store lives in ``modelstore.py``, not
#: ``model_store.py``: importing a submodule sets the package attribute of the same name,
#: which would hide the function ``lore.stores.model_store()``.)
_EXPORTS = {
    "Fitting": "lore.stores.modelstore",
    "ModelStore": "lore.stores.modelstore",
    "list_fittings": "lore.stores.modelstore",
    "model_store": "lore.stores.modelstore",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
