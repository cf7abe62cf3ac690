"""``lore ui``: a local web app over the model store, rendered on the server.

The models, a model's fittings, a fitting with its report, a comparison of two or
more fittings (metrics side by side, curves overlaid) and, when enabled, promote.
Built on Starlette (the ``api`` extra); the pages are :mod:`lore.reports` pages, so
they need no JavaScript and load nothing from the network.

>>> import lore.ui
>>> lore.ui.create_app.__module__
'lore.ui.app'
"""

from __future__ import annotations

from lore.util import lazy_exports

_EXPORTS = {"create_app": "lore.ui.app"}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
