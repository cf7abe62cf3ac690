"""Watching models in production: profiles, drift, performance without labels, prediction logs.

For notebooks and for ``lore monitor``:

- :func:`profile` sketches a DataFrame, column by column, into a mergeable
  :class:`Profile` (saved as JSON);
- :func:`drift` compares a reference with new data (per column a distance, normed
  Wasserstein or Jensen-Shannon, PSI, a KS or chi-square test, and the change in
  missing values; thresholds in :class:`Thresholds`);
- :func:`estimate_performance` expects a classifier's accuracy from its confidence,
  calibrated on the labelled reference;
- :class:`Reference` is what each fitting saves (``reference.json``): the profiles of
  its raw inputs and predictions, and its test split's scores and labels;
- :class:`PredictionLog` records served predictions off the request path, into
  Parquet files or a PostgreSQL ``predictions`` table (:mod:`lore.monitoring.record`).

Nothing heavy is imported here; each name is loaded from its module on first use.

>>> import lore.monitoring
>>> lore.monitoring.psi([10, 10], [10, 10])
0.0
"""

from __future__ import annotations

from lore.util import lazy_exports

_EXPORTS = {
    "Profile": "lore.monitoring.sketches",
    "profile": "lore.monitoring.sketches",
    "drift": "lore.monitoring.compare",
    "psi": "lore.monitoring.compare",
    "wasserstein": "lore.monitoring.compare",
    "jensen_shannon": "lore.monitoring.compare",
    "Thresholds": "lore.monitoring.compare",
    "estimate_performance": "lore.monitoring.performance",
    "Reference": "lore.monitoring.reference",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
