"""Which metric heads a fitting's summary, and which of two values is better.

Shared by ``lore models``, ``lore compare`` and ``lore ui`` so that they agree. The
headline is the validation split's ``auc``, else ``r2``, else ``accuracy``, else
``loss``; losses and errors are better low, the rest high.

>>> headline({"validation": {"loss": 0.4, "auc": 0.91}})
('auc', 0.91)
>>> better("loss", 0.3, 0.4), better("auc", 0.3, 0.4)
(True, False)
"""

from __future__ import annotations

from typing import Any

#: Metrics in the order one is picked as the headline.
HEADLINES = ("auc", "r2", "accuracy", "loss")
#: Metrics that are better when lower.
LOWER_IS_BETTER = ("loss", "rmse", "mae")


def headline(metrics: dict[str, Any], split: str = "validation") -> tuple[str, float] | None:
    """``(name, value)`` of the headline metric of ``split``, or ``None``."""
    values = metrics.get(split) or {}
    for name in HEADLINES:
        value = values.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return name, float(value)
    return None


def better(name: str, a: float, b: float) -> bool:
    """Whether value ``a`` of metric ``name`` beats ``b``."""
    return a < b if name in LOWER_IS_BETTER else a > b
