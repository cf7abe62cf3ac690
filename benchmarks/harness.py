"""What every bench script shares: interleaved rounds, min/median, the load average, peers.

A figure is only as good as its conditions, so every JSON line carries the load
average of the machine (``os.getloadavg()``) when it was measured, and timings come
from both sides run in turn (A B A B ...) for several rounds, reported as min and
median. Peers (connectorx, BentoML, MLflow) live in throwaway virtualenvs, never in
lore's own: ``$LORE_BENCH_VENVS/<name>`` (default ``/work/bench-venvs``, made with
``python -m venv DIR/<name> && DIR/<name>/bin/pip install <peer>``); a missing one is
skipped with a printed reason.

>>> sides = interleave({"a": lambda: None, "b": lambda: None}, rounds=3)
>>> sorted(sides), len(sides["a"])
(['a', 'b'], 3)
"""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

VENVS = Path(os.environ.get("LORE_BENCH_VENVS", "/work/bench-venvs"))


def load() -> list[float]:
    """The 1, 5 and 15 minute load averages, rounded."""
    return [round(value, 2) for value in os.getloadavg()]


def emit(benchmark: str, metric: str, value: float, unit: str, **extra: Any) -> None:
    """Print one JSON line: the figure, what it is compared with, and the load average."""
    entry = {"benchmark": benchmark, "metric": metric, "value": round(value, 4), "unit": unit}
    entry.update({key: round(val, 4) if isinstance(val, float) else val for key, val in extra.items()})
    entry["load"] = load()
    print(json.dumps(entry), flush=True)


def interleave(sides: dict[str, Callable[[], Any]], rounds: int) -> dict[str, list[float]]:
    """Seconds of each side per round, the sides run in turn (A B A B ...), rotating the first."""
    names = list(sides)
    times: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(rounds):
        for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
            start = time.perf_counter()
            sides[name]()
            times[name].append(time.perf_counter() - start)
    return times


def milliseconds(times: dict[str, list[float]]) -> dict[str, list[float]]:
    """:func:`interleave`'s seconds as milliseconds (for figures too small to read in seconds)."""
    return {name: [value * 1000 for value in values] for name, values in times.items()}


def summary(values: list[float]) -> dict[str, float]:
    """``{"min": ..., "median": ...}`` of a list of figures."""
    return {"min": min(values), "median": statistics.median(values)}


def compare(
    benchmark: str, metric: str, times: dict[str, list[float]], ours: str, unit: str = "s", **extra: Any
) -> None:
    """One line per peer: our median and min, theirs, and the ratios (ours / theirs)."""
    mine = summary(times[ours])
    for name, values in times.items():
        if name == ours:
            continue
        theirs = summary(values)
        emit(
            benchmark,
            metric,
            mine["median"],
            unit,
            min=mine["min"],
            vs=name,
            vs_median=theirs["median"],
            vs_min=theirs["min"],
            ratio=mine["median"] / theirs["median"],
            ratio_min=mine["min"] / theirs["min"],
            **extra,
        )


def peer(name: str, check: str) -> Path | None:
    """The ``bin`` folder of peer venv ``name`` if ``bin/<check>`` exists, else ``None`` (printed)."""
    folder = VENVS / name / "bin"
    if (folder / check).exists():
        return folder
    print(
        json.dumps(
            {
                "skipped": name,
                "reason": f"no {folder / check}: python -m venv {VENVS / name} && "
                f"{folder / 'pip'} install {name} (or set LORE_BENCH_VENVS)",
            }
        ),
        flush=True,
    )
    return None
