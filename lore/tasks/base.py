"""The original Lore's ``lore.tasks.base``: see :mod:`lore.compat`."""

from lore.compat import module_getattr

__getattr__ = module_getattr(__name__)
