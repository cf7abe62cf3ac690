"""Interleaved timing rounds for the benchmarks: A B A B ..., min and median, load average.

>>> result = interleaved({"a": lambda: None, "b": lambda: None}, rounds=3)
>>> sorted(result["a"])
['median', 'min']
"""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Callable


def interleaved(cases: dict[str, Callable[[], object]], rounds: int) -> dict[str, dict[str, float]]:
    """Seconds of each case, run in turn ``rounds`` times (a shared machine drifts)."""
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, function in cases.items():
            start = time.perf_counter()
            function()
            samples[name].append(time.perf_counter() - start)
    return {name: {"min": min(times), "median": statistics.median(times)} for name, times in samples.items()}


def emit_pair(benchmark: str, metric: str, ours: dict[str, float], vs: str, theirs: dict[str, float]) -> None:
    """One JSON line: our min/median in ms, the neighbour's, the ratios (ours / theirs), the load."""
    record = {
        "benchmark": benchmark,
        "metric": metric,
        "unit": "ms",
        "min": round(ours["min"] * 1000, 4),
        "median": round(ours["median"] * 1000, 4),
        "vs": vs,
        "vs_min": round(theirs["min"] * 1000, 4),
        "vs_median": round(theirs["median"] * 1000, 4),
        "ratio_min": round(ours["min"] / theirs["min"], 3),
        "ratio_median": round(ours["median"] / theirs["median"], 3),
        "loadavg_1m": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(record), flush=True)
