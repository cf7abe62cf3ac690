"""lore: a framework that takes a data-science team from a SQL query on a laptop to a
fitted model served in production.

Importing ``lore`` is cheap: it reads no files and imports no data library. The
layers are imported as they are used: :mod:`lore.io`, :mod:`lore.pipelines`,
:mod:`lore.encoders`, :mod:`lore.transformers`, :mod:`lore.models`,
:mod:`lore.estimators`, :mod:`lore.serializers`, :mod:`lore.stores` and
:mod:`lore.workflow`.

>>> import lore
>>> lore.__version__
'0.1.0'
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
