"""The prediction log writer's CPU per flush with the live drift gauges, against another checkout's.

One flush is what ``lore api``'s writer thread does each second: the Arrow record of
``--entries`` queued entries of ``--rows`` rows of ``--columns`` float inputs and a
two-class prediction (:func:`lore.monitoring.record.arrow`), the Parquet write, and
:meth:`LiveDrift.update_from_log <lore.monitoring.live.LiveDrift.update_from_log>`
(``PredictionLog.write`` does all three). Each side is the same writer with its own
``LiveDrift``: this checkout's, and the ``lore/monitoring/live.py`` of ``--against
FOLDER`` (a checkout before, or a folder holding that one file). The sides run in
turn (A B A B, rotated each round), ``--flushes`` flushes each per round; a round's
figure is the median CPU of its flushes (``time.thread_time``). One more line gives
this checkout's scrape: ``LiveDrift.snapshot()`` after new traffic (the scores it now
computes when ``/metrics`` is read, not per flush), and again with nothing new.

    git show main:lore/monitoring/live.py > /tmp/before/lore/monitoring/live.py  # (mkdir -p first)
    python benchmarks/bench_live_drift.py --against /tmp/before [--rounds 6] [--minutes 60]

``--minutes 60`` first fills each side's window with an hour of traffic, one flush a
minute (by a clock both modules read): the steady state of a busy server, where the
code before merged every minute's profile again at each flush.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from harness import emit, interleave, summary  # benchmarks/, the script's own folder

MODEL = "bench.Model"
#: Seconds since the epoch of the first flush.
START = 1_800_000_000.0


class Clock:
    """``time.time`` of both ``live`` modules: the minutes of traffic go by at once."""

    now = START

    def time(self) -> float:
        return self.now


def live_drift_class(folder: Path) -> Any:
    """``LiveDrift`` from ``folder/lore/monitoring/live.py`` (beside this checkout's lore)."""
    spec = importlib.util.spec_from_file_location("before_live", folder / "lore" / "monitoring" / "live.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.LiveDrift


def main() -> None:
    import numpy as np
    import pandas as pd

    from lore.monitoring.compare import Thresholds
    from lore.monitoring.live import BUCKET, LiveDrift
    from lore.monitoring.log import ParquetSink, PredictionLog
    from lore.monitoring.record import Logged, arrow
    from lore.monitoring.reference import build

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", type=Path, required=True, help="checkout with the other live.py")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--flushes", type=int, default=10, help="flushes per side and round")
    parser.add_argument("--entries", type=int, default=10, help="queued entries per flush")
    parser.add_argument("--rows", type=int, default=1000, help="rows per entry")
    parser.add_argument("--columns", type=int, default=20, help="float inputs")
    parser.add_argument(
        "--minutes", type=int, default=1, help="minutes of traffic in the window (60: an hour's steady state)"
    )
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    names = [f"x{index}" for index in range(args.columns)]
    reference = build(
        pd.DataFrame({name: rng.normal(0, 1, 20_000) for name in names}), rng.random(20_000) > 0.5
    )
    entries = [
        Logged(
            MODEL,
            1,
            f"r{index}",
            time.time(),
            {name: rng.normal(0.1, 1, args.rows) for name in names},
            rng.random(args.rows) > 0.5,
            rng.random((args.rows, 2)),
        )
        for index in range(args.entries)
    ]
    classes = {"after": LiveDrift, "before": live_drift_class(args.against)}
    folder = Path(tempfile.mkdtemp(prefix="bench-live-"))
    cpu: dict[str, list[float]] = {name: [] for name in classes}
    lives = {}

    clock = Clock()
    for live_class in classes.values():  # both modules' time.time: the minutes filled below
        sys.modules[live_class.__module__].time = clock  # type: ignore[attr-defined]

    def side(name: str) -> Any:
        live = classes[name](lambda model, fitting: reference, *([Thresholds()] if name == "after" else []))
        lives[name] = live
        log = PredictionLog(ParquetSink(folder / name), on_batch=live.update_from_log)
        for minute in range(args.minutes):  # traffic of the minutes before, one flush each
            clock.now = START + minute * BUCKET
            log.write(entries)

        def run() -> None:
            flushes = []
            for _ in range(args.flushes):
                start = time.thread_time()
                log.write(entries)
                flushes.append(time.thread_time() - start)
            cpu[name].append(statistics.median(flushes))

        return run

    interleave({name: side(name) for name in classes}, rounds=args.rounds)
    mine, theirs = summary(cpu["after"]), summary(cpu["before"])
    flush = f"{args.entries} x {args.rows} rows, {args.columns} float inputs"
    emit(
        "live_drift",
        "writer CPU per flush",
        mine["median"] * 1000,
        "ms",
        min=mine["min"] * 1000,
        vs="before",
        vs_median=theirs["median"] * 1000,
        vs_min=theirs["min"] * 1000,
        ratio=mine["median"] / theirs["median"],
        ratio_min=mine["min"] / theirs["min"],
        rounds=args.rounds,
        flush=flush,
        minutes=args.minutes,
    )
    live = lives["after"]
    scrapes: dict[str, list[float]] = {"after new traffic": [], "nothing new": []}
    for _ in range(args.rounds):
        live.update_from_log(MODEL, 1, arrow(entries))
        for what in scrapes:
            start = time.thread_time()
            live.snapshot()
            scrapes[what].append(time.thread_time() - start)
    for what, values in scrapes.items():
        found = summary(values)
        emit(
            "live_drift",
            f"scrape CPU, {what}",
            found["median"] * 1000,
            "ms",
            min=found["min"] * 1000,
            per_flush_before=found["median"] / theirs["median"],
            rounds=args.rounds,
            minutes=args.minutes,
        )


if __name__ == "__main__":
    main()
