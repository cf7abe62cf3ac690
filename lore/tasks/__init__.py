"""The original Lore's ``lore.tasks`` package; tasks now live in the app (see ``lore task``)."""
