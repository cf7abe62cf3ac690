"""A seeded synthetic event log (visitor, item, event), for examples, tests and benchmarks.

No package ships a visitor/item/event log, so lore makes one shaped like a shop's:
item popularity falls off like a power law, most events are views, fewer are
add-to-carts, fewest transactions.

>>> frame = mock_events(1000, seed=1)
>>> list(frame.columns)
['timestamp', 'visitorid', 'event', 'itemid']
>>> sorted(frame.event.unique())
['addtocart', 'transaction', 'view']

``python -m lore.workflow.mock PATH [EVENTS]`` writes one as CSV.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

EVENTS = ("view", "addtocart", "transaction")
EVENT_SHARES = (0.9, 0.07, 0.03)


def mock_events(
    events: int = 20_000, visitors: int | None = None, items: int | None = None, seed: int = 0
) -> Any:
    """A DataFrame of ``events`` rows: timestamp (ms), visitorid, event, itemid."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    visitors = visitors or max(10, events // 10)
    items = items or max(10, events // 40)
    popularity = 1.0 / np.arange(1, items + 1) ** 0.8
    popularity /= popularity.sum()
    start = 1_433_221_332_000  # mid-2015, in milliseconds, like the classic shop logs
    return pd.DataFrame(
        {
            "timestamp": np.sort(start + rng.integers(0, 90 * 86_400_000, events)),
            "visitorid": rng.integers(0, visitors, events),
            "event": pd.Categorical.from_codes(rng.choice(3, events, p=EVENT_SHARES), EVENTS).astype(str),
            "itemid": rng.choice(items, events, p=popularity) + 100_000,
        }
    )


def write_events(path: str | Path, events: int = 20_000, seed: int = 0) -> Path:
    """Write :func:`mock_events` to ``path`` as CSV (atomically) and return the path."""
    from lore.util import atomic_path

    target = Path(path)
    with atomic_path(target) as temporary:
        mock_events(events, seed=seed).to_csv(temporary, index=False)
    return target


if __name__ == "__main__":  # pragma: no cover - a convenience for users
    print(write_events(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 20_000))
