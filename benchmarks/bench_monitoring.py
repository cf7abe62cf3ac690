"""Monitoring costs: the reference profile at fit time, and ``lore monitor`` over millions of logged rows.

- **profile at fit time**: a throwaway project fits an XGBoost classifier on
  ``--rows`` rows (numbers and strings); the share of ``fit()`` spent on the reference
  profile (``timings["reference"]`` over the whole call), per round;
- **lore monitor**: ``--logged`` rows of predictions (a week, one Parquet file per
  million rows, written column-wise as the prediction log writes them) checked by
  ``lore monitor`` in process (read, profile, drift, estimate, report with plots),
  min and median of ``--rounds`` runs.

- **lore monitor against another checkout** (``--against FOLDER``): the whole command
  in a subprocess (imports included), this lore's and ``FOLDER``'s (its ``lore``
  package first on ``PYTHONPATH``), interleaved for ``--rounds`` rounds over the same
  logged rows; min and median of each, and the ratios this / other.

- **the prediction log in lore api** (``--api ROUNDS``, instead of the above): the
  model of ``bench_api.py`` served with the log off and on (every request logged to
  Parquet, the rate cap lifted), alternating for ROUNDS rounds; single rows at
  concurrency 32 from ``wrk`` for ``--duration`` seconds; requests/s and p99, median
  of the rounds, as ratios on / off, the server's CPU time per request (user and
  system, all threads: the cost itself, steadier than times on a busy machine), and
  the rows the log wrote. A third side has the log on but samples out every request
  (its thread and imports without its work); ``--against FOLDER`` adds a fourth: the
  log on with another checkout's lore (``FOLDER/lore``), say before a change.

Prints JSON lines with the load average.

    python benchmarks/bench_monitoring.py [--rows 200000] [--logged 10000000] [--rounds 2]
    python benchmarks/bench_monitoring.py --api 3 --duration 8 [--against /tmp/lore-before]
    python benchmarks/bench_monitoring.py --rounds 5 --against /tmp/lore-before
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MODELS = """
import numpy as np
import pandas as pd

import lore.estimators
import lore.models
import lore.pipelines
from lore.encoders import Boolean, Norm, Unique

ROWS = int({rows})


def users(rows, rng):
    frame = pd.DataFrame(
        {{
            "age": rng.normal(40, 12, rows).round(),
            "income": rng.lognormal(10, 0.5, rows),
            "visits": rng.poisson(3, rows).astype(float),
            "city": rng.choice(["paris", "lima", "oslo", "pune", "kyiv", "rome"], rows),
            "plan": rng.choice(["free", "pro", "team"], rows, p=[0.6, 0.25, 0.15]),
            "device": rng.choice(["ios", "android", "web"], rows),
        }}
    )
    logit = (frame["age"] - 40) / 6 + np.log(frame["income"]) - 10 + (frame["plan"] == "pro") * 1.5
    frame["subscribed"] = rng.random(rows) < 1 / (1 + np.exp(-logit))
    return frame


class Users(lore.pipelines.TrainTestSplit):
    def get_data(self):
        return users(ROWS, np.random.default_rng(0))

    def get_encoders(self):
        return (
            Norm("age"), Norm("income"), Norm("visits"), Unique("city"), Unique("plan"), Unique("device")
        )

    def get_output_encoder(self):
        return Boolean("subscribed")


class Subscribers(lore.models.Base):
    def __init__(self):
        super().__init__(pipeline=Users(), estimator=lore.estimators.XGBoost(n_estimators=50, max_depth=6))
"""


def emit(metric: str, values: list[float], unit: str, **extra: object) -> None:
    record = {
        "benchmark": "monitoring",
        "metric": metric,
        "unit": unit,
        "min": round(min(values), 4),
        "median": round(statistics.median(values), 4),
        "rounds": [round(value, 4) for value in values],
        "loadavg_1m": round(os.getloadavg()[0], 2),
        "load": [round(value, 2) for value in os.getloadavg()],
        **extra,
    }
    print(json.dumps(record), flush=True)


def make_project(root: Path, rows: int) -> None:
    for folder in ("config", "data", "models", "logs", "bench/models"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / "runtime.txt").write_text("python-3.11.7\n")
    (root / "bench" / "__init__.py").write_text("")
    (root / "bench" / "models" / "__init__.py").write_text("")
    (root / "bench" / "models" / "users.py").write_text(MODELS.format(rows=rows))
    os.environ["LORE_ROOT"] = str(root)
    os.environ["OMP_NUM_THREADS"] = "1"
    sys.path.insert(0, str(root))
    import lore.env

    lore.env.reset()


def write_log(root: Path, model: object, rows: int, chunk: int = 1_000_000) -> None:
    """``rows`` logged predictions over the last week, as the prediction log writes them."""
    import numpy as np
    from bench.models.users import users

    from lore.monitoring.log import ParquetSink
    from lore.monitoring.record import Logged, arrow

    sink = ParquetSink(root / "data" / "predictions")
    rng = np.random.default_rng(1)
    start = datetime.datetime.now(datetime.timezone.utc).timestamp() - 7 * 86_400
    frame = users(chunk, rng)[["age", "income", "visits", "city", "plan", "device"]]
    probabilities = np.asarray(model.predict_proba(frame))
    predictions = np.asarray(model.pipeline.decode(probabilities.argmax(axis=1)))
    for number in range(rows // chunk):
        # one "request" of a million rows per file: the record is built column-wise either way
        moment = start + number * (7 * 86_400 / (rows // chunk))
        item = Logged(
            model.name(), model.fitting, f"bench-{number}", moment, frame, predictions, probabilities
        )
        sink.write(model.name(), model.fitting, arrow([item]))


def monitor_against(root: Path, other: Path, rounds: int, logged: int) -> None:
    """``lore monitor`` in a subprocess, this checkout's against ``other``'s, interleaved."""
    sys.path.insert(0, str(Path(__file__).parent))
    import harness

    here = Path(__file__).resolve().parent.parent
    command = [sys.executable, "-m", "lore", "monitor", "bench.models.users.Subscribers", "--since", "8d"]

    cpu: dict[str, list[float]] = {"lore": [], str(other): []}

    def run(side: str, checkout: Path) -> None:
        env = {**os.environ, "PYTHONPATH": f"{checkout}{os.pathsep}{root}", "LORE_ROOT": str(root)}
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu[side].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        assert done.returncode in (0, 3), done.stdout + done.stderr

    times = harness.interleave(
        {"lore": lambda: run("lore", here), str(other): lambda: run(str(other), other)}, rounds
    )
    harness.compare("monitoring", f"lore monitor over {logged:,} logged rows", times, "lore", goal_s=10)
    # CPU seconds (user + system) move less than wall time on a shared machine
    harness.compare("monitoring", f"lore monitor over {logged:,} logged rows, CPU time", cpu, "lore")


#: What --api compares, and in what unit.
METRICS = (("rps", "requests/s"), ("p99", "ms latency"), ("cpu", "server CPU us a request"))


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user and system, all threads) ``pid`` has used: steadier than times under load."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def api_logging(rounds: int, seconds: int, against: Path | None) -> None:
    """lore api at concurrency 32 with the prediction log off and on, in turn (rotated each round)."""
    import numpy as np
    import pyarrow.parquet as pq

    sys.path.insert(0, str(Path(__file__).parent))
    import bench_api

    folder = Path(tempfile.mkdtemp(prefix="bench-api-logging-"))
    env = bench_api.make_project(folder / "bench")
    row = json.dumps(
        dict(zip(bench_api.FEATURES, np.random.default_rng(1).normal(size=20).round(4).tolist()))
    )
    on = {
        "LORE_PREDICTION_LOG": "parquet",
        "LORE_PREDICTION_LOG_RATE": "1000000",
        "LORE_PREDICTION_LOG_ROWS": "1000000000",
    }
    modes: dict[str, tuple[dict[str, str], Path | None]] = {"off": ({"LORE_PREDICTION_LOG": "off"}, None)}
    modes["on"] = (on, None)
    # the log started (its thread, its imports) but sampling out every request: what
    # logging costs apart from having the log at all
    modes["on, none sampled"] = ({**on, "LORE_PREDICTION_LOG_SAMPLE": "1e-9"}, None)
    if against is not None:
        modes["on, before"] = (on, against)
    names = list(modes)
    figures: dict[str, list[dict]] = {mode: [] for mode in modes}
    for number in range(rounds):
        for mode in names[number % len(names) :] + names[: number % len(names)]:
            settings, checkout = modes[mode]
            logs = folder / f"predictions-{number}-{len(figures[mode])}-{mode}"
            process, url = bench_api.start_lore(
                folder / "bench", {**env, **settings, "LORE_PREDICTION_LOG_PATH": str(logs)}, True, checkout
            )
            try:
                bench_api.wrk(url, row.encode(), 4, 2, folder)  # warm up
                before = cpu_seconds(process.pid)
                figure = bench_api.wrk(url, row.encode(), 32, seconds, folder)
                figure["cpu"] = (cpu_seconds(process.pid) - before) / figure["requests"] * 1e6
            finally:
                bench_api.stop(process)  # SIGTERM: the log writes what is queued
            figure["logged"] = sum(pq.ParquetFile(f).metadata.num_rows for f in logs.rglob("*.parquet"))
            figures[mode].append(figure)
    pairs = [("on", "off"), ("on, none sampled", "off"), ("on", "on, none sampled")]
    if against is not None:
        pairs += [("on, before", "off"), ("on", "on, before")]
    for mode, base in pairs:
        for metric, unit in METRICS:
            mine = [figure[metric] for figure in figures[mode]]
            theirs = [figure[metric] for figure in figures[base]]
            emit(
                f"lore api, single rows at concurrency 32, prediction log {mode} / {base}: {metric}",
                [a / b for a, b in zip(mine, theirs)],
                f"ratio of {unit}, per round",
                mine=[round(value, 2) for value in mine],
                base=[round(value, 2) for value in theirs],
                median_ratio=round(statistics.median(mine) / statistics.median(theirs), 3),
                logged_rows=[figure["logged"] for figure in figures[mode]],
                answered=[figure["requests"] for figure in figures[mode]],
                errors=sum(figure["errors"] for figure in figures[mode] + figures[base]),
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000, help="rows of the fit")
    parser.add_argument("--logged", type=int, default=10_000_000, help="logged rows to monitor")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--api", type=int, metavar="ROUNDS", help="only the prediction log in lore api")
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run (--api)")
    parser.add_argument(
        "--against",
        type=Path,
        metavar="FOLDER",
        help="another checkout: lore monitor against it; with --api, the log on with it as a third side",
    )
    args = parser.parse_args()
    if args.api:
        api_logging(args.api, args.duration, args.against)
        return

    root = Path(tempfile.mkdtemp(prefix="bench-monitoring-")) / "bench"
    make_project(root, args.rows)
    from bench.models.users import Subscribers

    shares, seconds = [], []
    for _ in range(args.rounds):
        model = Subscribers()
        start = time.perf_counter()
        model.fit()
        total = time.perf_counter() - start
        shares.append(model.timings["reference"] / total)
        seconds.append(model.timings["reference"])
    emit(
        "reference profile at fit time, share of fit()",
        shares,
        "ratio",
        rows=args.rows,
        reference_seconds=[round(value, 3) for value in seconds],
        fit_seconds=round(total, 2),
    )

    from click.testing import CliRunner

    from lore.cli import cli

    write_log(root, model, args.logged)
    if args.against:
        monitor_against(root, args.against, args.rounds, args.logged)
        return
    runs = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        result = CliRunner().invoke(cli, ["monitor", "bench.models.users.Subscribers", "--since", "8d"])
        runs.append(time.perf_counter() - start)
        assert result.exit_code in (0, 3), result.output
    emit(f"lore monitor over {args.logged:,} logged rows", runs, "s", goal_s=10, output=result.output[-400:])


if __name__ == "__main__":
    main()
