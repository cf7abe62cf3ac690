"""One process against a 2-worker Dask cluster: encoding + XGBoost, and a 32-trial search.

Side by side, in one run, each case in its own subprocess (so each peak RSS is its own):

- **scale**: a generated data set written as Parquet partitions whose in-memory size
  is 3x a stated single-process memory budget (``--budget-mib``). ``single``: a
  ``LowMemory`` pipeline streams the partitions in this process and XGBoost trains on
  the memory-mapped encoded rows. ``cluster``: the same pipeline and model with
  ``LORE_CLUSTER`` pointing at a ``LocalCluster`` of 2 worker processes (encoders
  fitted by map/reduce, partitions encoded on the workers, ``xgboost.dask``). Peak RSS
  is measured per process (``ru_maxrss``): the driver, and each worker, after encoding
  and after the fit (XGBoost holds its training matrix in memory, so the fit's peak is
  the larger; the memory-mapped splits count in RSS as their pages are read).
- **search**: 32 trials of a small XGBoost model, serial vs. on the 2 workers
  (one Optuna study in the project's SQLite database).
- how long an unreachable scheduler takes to be a ``ClusterError`` with
  ``LORE_CLUSTER_TIMEOUT=1``.

Then, from these figures, the projected wall time at 10x and 100x the data on N
workers, assuming the work per row stays what it was (``time * scale / (N * efficiency)``,
where efficiency is the measured speed-up per worker): a linear model, optimistic for
the shuffle-free parts lore runs and blind to network limits.

    python benchmarks/bench_scale.py [--budget-mib 200] [--partitions 12] [--trials 32]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import lore.estimators
import lore.models
from lore.encoders import Norm, Quantile, Unique
from lore.pipelines import LowMemory

BENCHMARK = "scale"
COLUMNS = 8  # float features, plus a city and the target


def emit(metric: str, value: float, unit: str, **extra: object) -> None:
    record = {"benchmark": BENCHMARK, "metric": metric, "value": round(value, 4), "unit": unit, **extra}
    print(json.dumps(record), flush=True)


def rows_for(budget_mib: int) -> int:
    """Rows whose in-memory frame is 3x the budget (8 float64 + a target + a short string)."""
    return int(3 * budget_mib * 2**20 / (8 * (COLUMNS + 1) + 60))


def write_data(folder: Path, rows: int, partitions: int) -> None:
    import numpy as np
    import pandas as pd

    cities = np.array([f"city_{i}" for i in range(300)], dtype=object)
    for index, start in enumerate(range(0, rows, -(-rows // partitions))):
        size = min(-(-rows // partitions), rows - start)
        rng = np.random.default_rng(index)
        features = rng.normal(size=(size, COLUMNS))
        frame = pd.DataFrame(features, columns=[f"f{i}" for i in range(COLUMNS)])
        frame["city"] = cities[rng.zipf(1.5, size) % 300]
        frame["target"] = features[:, 0] * 2 + np.sin(features[:, 1]) + rng.normal(scale=0.1, size=size)
        frame.to_parquet(folder / f"part-{index:04d}.parquet")


# -- what runs in each subprocess --------------------------------------------------


class Scaled(LowMemory):
    """The generated partitions (``BENCH_SCALE_DATA``), encoded like a real project would."""

    def get_data(self):
        import dask.dataframe as dd

        files = sorted(Path(os.environ["BENCH_SCALE_DATA"]).glob("part-*.parquet"))
        return dd.read_parquet([str(path) for path in files])

    def get_encoders(self):
        numeric = [Norm(f"f{i}") for i in range(COLUMNS - 1)]
        return (*numeric, Quantile(f"f{COLUMNS - 1}"), Unique("city"))

    def get_output_encoder(self):
        return Norm("target")


class Boosted(lore.models.XGBoost):
    def __init__(self, rounds: int = 20):
        estimator = lore.estimators.XGBoost(num_boost_round=rounds, max_depth=6, early_stopping_rounds=None)
        super().__init__(pipeline=Scaled(), estimator=estimator)


def _peak_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _workers_peak(client) -> list[float]:
    return sorted(client.run(_peak_mib).values())


def run_scale(address: str | None) -> dict:
    import dask.dataframe  # noqa: F401 - counted in the baseline, like lore's own imports
    import xgboost  # noqa: F401

    import lore.cluster

    baseline = _peak_mib()
    model = Boosted()
    started = time.perf_counter()
    model.pipeline.training_data  # noqa: B018 - prepares (encodes) the splits
    encoded = time.perf_counter()
    encode_peak = _peak_mib()
    workers_encode_peak = _workers_peak(lore.cluster.client()) if address else []
    metrics = model.fit()
    done = time.perf_counter()
    result = {
        "encode_s": encoded - started,
        "fit_s": done - encoded,
        "total_s": done - started,
        "driver_peak_mib": _peak_mib(),
        "driver_encode_peak_mib": encode_peak,
        "baseline_mib": baseline,
        "worker_encode_peak_mib": workers_encode_peak,
        "rows": model.pipeline.data_signature["rows"]["data"],
        "test_loss": metrics["test"]["loss"],
    }
    if address:
        result["worker_peak_mib"] = _workers_peak(lore.cluster.client())
    return result


def run_search(address: str | None, trials: int) -> dict:
    import lore.cluster

    model = Boosted(rounds=30)
    model.pipeline.training_data  # noqa: B018 - encoded once, before the clock starts
    started = time.perf_counter()
    result = model.hyper_parameter_search(
        {"max_depth": (2, 8), "learning_rate": (0.05, 0.3)},
        trials=trials,
        seed=1,
        study_name=f"s{os.getpid()}",
    )
    elapsed = time.perf_counter() - started
    found = {
        "total_s": elapsed,
        "trials": result.trials,
        "best_loss": result.value,
        "driver_peak_mib": _peak_mib(),
    }
    if address:
        found["worker_peak_mib"] = _workers_peak(lore.cluster.client())
    return found


def child(arguments: argparse.Namespace) -> None:
    os.environ["LORE_ROOT"] = arguments.project
    os.environ["BENCH_SCALE_DATA"] = arguments.data
    if arguments.address:
        os.environ["LORE_CLUSTER"] = arguments.address
    # the classes by their importable name, as a project's would be (workers import it too)
    import bench_scale

    if arguments.child == "scale":
        result = bench_scale.run_scale(arguments.address)
    else:
        result = bench_scale.run_search(arguments.address, arguments.trials)
    print("RESULT " + json.dumps(result), flush=True)


def spawn(kind: str, project: Path, data: Path, address: str | None, trials: int = 0) -> dict:
    command = [sys.executable, __file__, "--child", kind, "--project", str(project), "--data", str(data)]
    command += ["--trials", str(trials)] + (["--address", address] if address else [])
    output = subprocess.run(command, capture_output=True, text=True, check=False)
    lines = [line for line in output.stdout.splitlines() if line.startswith("RESULT ")]
    if not lines:
        raise SystemExit(f"{kind} failed:\n{output.stderr[-3000:]}")
    return json.loads(lines[-1].removeprefix("RESULT "))


def project_in(folder: Path) -> Path:
    root = folder / "bench_app"
    for name in ("config", "bench_app", "data", "models"):
        (root / name).mkdir(parents=True, exist_ok=True)
    (root / "runtime.txt").write_text(f"python-{sys.version.split()[0]}\n")
    (root / "bench_app" / "__init__.py").write_text("")
    return root


def unreachable_seconds() -> float:
    """How long ``lore.cluster.client()`` takes to fail on a closed port with ``LORE_CLUSTER_TIMEOUT=1``."""
    import socket

    import lore.cluster
    from lore.errors import ClusterError

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    os.environ.update(LORE_CLUSTER=f"tcp://127.0.0.1:{port}", LORE_CLUSTER_TIMEOUT="1")
    started = time.perf_counter()
    try:
        lore.cluster.client()
    except ClusterError:
        pass
    finally:
        del os.environ["LORE_CLUSTER"], os.environ["LORE_CLUSTER_TIMEOUT"]
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget-mib", type=int, default=200)
    parser.add_argument("--partitions", type=int, default=12)
    parser.add_argument("--trials", type=int, default=32)
    parser.add_argument("--search-rows", type=int, default=20_000)
    parser.add_argument("--child", choices=["scale", "search"], help=argparse.SUPPRESS)
    for hidden in ("--project", "--data", "--address"):
        parser.add_argument(hidden, help=argparse.SUPPRESS)
    known = parser.parse_args()
    if known.child:
        child(known)
        return

    import distributed

    workers = 2
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        rows = rows_for(known.budget_mib)
        big, small = folder / "big", folder / "small"
        big.mkdir()
        small.mkdir()
        write_data(big, rows, known.partitions)
        write_data(small, known.search_rows, 4)
        emit("rows", rows, "rows", budget_mib=known.budget_mib, data_mib=round(rows * 132 / 2**20))
        cluster = distributed.LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, memory_limit=0
        )
        try:
            address = cluster.scheduler_address
            single = spawn("scale", project_in(folder / "single"), big, None)
            cluster_run = spawn("scale", project_in(folder / "cluster"), big, address)
            serial = spawn("search", project_in(folder / "serial"), small, None, known.trials)
            parallel = spawn("search", project_in(folder / "parallel"), small, address, known.trials)
        finally:
            cluster.close()
    for phase in ("encode_s", "fit_s", "total_s"):
        ratio = single[phase] / cluster_run[phase]
        name = phase.removesuffix("_s")
        emit(f"{name}_wall_cluster", cluster_run[phase], "s", vs="single process", ratio=round(ratio, 3))
        emit(f"{name}_wall_single", single[phase], "s")
    emit("rss_after_imports_single_process", single["baseline_mib"], "MiB")
    emit(
        "peak_rss_single_process_encoding",
        single["driver_encode_peak_mib"],
        "MiB",
        budget_mib=known.budget_mib,
    )
    emit("peak_rss_cluster_driver_encoding", cluster_run["driver_encode_peak_mib"], "MiB")
    for index, peak in enumerate(cluster_run["worker_encode_peak_mib"]):
        emit(f"peak_rss_cluster_worker_{index}_encoding", peak, "MiB", budget_mib=known.budget_mib)
    emit("peak_rss_single_process", single["driver_peak_mib"], "MiB", budget_mib=known.budget_mib)
    emit("peak_rss_cluster_driver", cluster_run["driver_peak_mib"], "MiB")
    for index, peak in enumerate(cluster_run["worker_peak_mib"]):
        emit(f"peak_rss_cluster_worker_{index}", peak, "MiB", budget_mib=known.budget_mib)
    emit("test_loss_single", single["test_loss"], "loss")
    emit("test_loss_cluster", cluster_run["test_loss"], "loss")
    efficiency = single["total_s"] / (workers * cluster_run["total_s"])
    emit("scaling_efficiency", efficiency, "fraction", workers=workers, cores=os.cpu_count())
    search_ratio = serial["total_s"] / parallel["total_s"]
    emit("search_wall_parallel", parallel["total_s"], "s", vs="serial", ratio=round(search_ratio, 3),
         trials=parallel["trials"])  # fmt: skip
    emit("search_wall_serial", serial["total_s"], "s", trials=serial["trials"])
    emit("search_best_loss_serial", serial["best_loss"], "loss")
    emit("search_best_loss_parallel", parallel["best_loss"], "loss")
    emit("unreachable_scheduler_error", unreachable_seconds(), "s", timeout_s=1)

    emit("search_scaling_efficiency", search_ratio / workers, "fraction", workers=workers)
    # projections: time at k times the data on N workers, from the single-process rate
    # and the efficiency measured here (a worker holds a core of its own at scale)
    rate = single["total_s"] / rows
    for scale in (10, 100):
        for nodes in (2, 8, 32):
            projected = rate * rows * scale / (nodes * min(max(efficiency, 0.05), 1.0))
            emit("projected_total_wall", projected, "s", data_scale=scale, workers=nodes,
                 rows=rows * scale, assumes="linear in rows, measured efficiency")  # fmt: skip


if __name__ == "__main__":
    main()
