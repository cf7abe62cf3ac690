"""The original Lore's ``lore.pipelines.time_series``: see :mod:`lore.compat`."""

from lore.compat import module_getattr

__getattr__ = module_getattr(__name__)
