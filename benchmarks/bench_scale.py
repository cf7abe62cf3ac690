"""One process against a 2-worker Dask cluster: encoding + XGBoost, and a 32-trial search.

Side by side, in one run, each case in its own subprocess (so each peak RSS is its own),
the two sides of a comparison in turn (A B A B ..., rotating who goes first) for
``--rounds`` rounds, each cluster run on a new ``LocalCluster`` (so each worker's peak
is that run's). Prints JSON lines (:mod:`harness`): min and median of each side, the
ratio cluster / single process (parallel / serial for the search) and the load average.

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
the shuffle-free parts lore runs and blind to network limits; from the medians.

    python benchmarks/bench_scale.py [--budget-mib 200] [--partitions 12] [--trials 32] [--rounds 3]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from harness import compare, emit, interleave, summary  # benchmarks/, the script's own folder

import lore.estimators
import lore.models
from lore.encoders import Norm, Quantile, Unique
from lore.pipelines import LowMemory

BENCHMARK = "scale"
COLUMNS = 8  # float features, plus a city and the target
WORKERS = 2


def level(metric: str, values: list[float], unit: str, **extra: object) -> None:
    """A figure with no alternative to run beside it (a peak, a loss): median and min over the rounds."""
    found = summary(values)
    emit(BENCHMARK, metric, found["median"], unit, min=found["min"], **extra)


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
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per comparison")
    parser.add_argument("--child", choices=["scale", "search"], help=argparse.SUPPRESS)
    for hidden in ("--project", "--data", "--address"):
        parser.add_argument(hidden, help=argparse.SUPPRESS)
    known = parser.parse_args()
    if known.child:
        child(known)
        return

    import distributed

    rounds = known.rounds
    scale: dict[str, list[dict]] = {"cluster": [], "single process": []}
    search: dict[str, list[dict]] = {"parallel": [], "serial": []}
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        rows = rows_for(known.budget_mib)
        big, small = folder / "big", folder / "small"
        big.mkdir()
        small.mkdir()
        write_data(big, rows, known.partitions)
        write_data(small, known.search_rows, 4)
        emit(BENCHMARK, "rows", rows, "rows", budget_mib=known.budget_mib, data_mib=round(rows * 132 / 2**20))
        projects = itertools.count()

        def side(found: list[dict], kind: str, data: Path, on_cluster: bool) -> Callable[[], None]:
            def run() -> None:
                project = project_in(folder / f"project-{next(projects)}")
                if not on_cluster:
                    found.append(spawn(kind, project, data, None, known.trials))
                    return
                with distributed.LocalCluster(
                    n_workers=WORKERS,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    memory_limit=0,
                ) as cluster:
                    found.append(spawn(kind, project, data, cluster.scheduler_address, known.trials))

            return run

        interleave(
            {name: side(runs, "scale", big, name == "cluster") for name, runs in scale.items()}, rounds
        )
        interleave(
            {name: side(runs, "search", small, name == "parallel") for name, runs in search.items()}, rounds
        )

    def each(results: list[dict], key: str) -> list[float]:
        return [result[key] for result in results]

    single, cluster_runs = scale["single process"], scale["cluster"]
    extra = {"rounds": rounds, "rows": rows}
    for phase in ("encode_s", "fit_s", "total_s"):
        times = {name: each(results, phase) for name, results in scale.items()}
        compare(BENCHMARK, f"{phase.removesuffix('_s')}_wall", times, ours="cluster", **extra)
    level("rss_after_imports_single_process", each(single, "baseline_mib"), "MiB")
    budget = {"budget_mib": known.budget_mib}
    level("peak_rss_single_process_encoding", each(single, "driver_encode_peak_mib"), "MiB", **budget)
    level("peak_rss_cluster_driver_encoding", each(cluster_runs, "driver_encode_peak_mib"), "MiB")
    for index, peaks in enumerate(zip(*each(cluster_runs, "worker_encode_peak_mib"))):
        level(f"peak_rss_cluster_worker_{index}_encoding", list(peaks), "MiB", **budget)
    level("peak_rss_single_process", each(single, "driver_peak_mib"), "MiB", **budget)
    level("peak_rss_cluster_driver", each(cluster_runs, "driver_peak_mib"), "MiB")
    for index, peaks in enumerate(zip(*each(cluster_runs, "worker_peak_mib"))):
        level(f"peak_rss_cluster_worker_{index}", list(peaks), "MiB", **budget)
    level("test_loss_single", each(single, "test_loss"), "loss")
    level("test_loss_cluster", each(cluster_runs, "test_loss"), "loss")
    single_s, cluster_s = (summary(each(results, "total_s")) for results in (single, cluster_runs))
    efficiency = single_s["median"] / (WORKERS * cluster_s["median"])
    lowest = single_s["min"] / (WORKERS * cluster_s["min"])
    emit(
        BENCHMARK,
        "scaling_efficiency",
        efficiency,
        "fraction",
        from_mins=lowest,
        workers=WORKERS,
        cores=os.cpu_count(),
    )

    trials = {"rounds": rounds, "trials": search["parallel"][0]["trials"]}
    compare(BENCHMARK, "search_wall", {name: each(found, "total_s") for name, found in search.items()},
            ours="parallel", **trials)  # fmt: skip
    level("search_best_loss_serial", each(search["serial"], "best_loss"), "loss")
    level("search_best_loss_parallel", each(search["parallel"], "best_loss"), "loss")
    serial_s, parallel_s = (summary(each(search[name], "total_s")) for name in ("serial", "parallel"))
    emit(BENCHMARK, "search_scaling_efficiency", serial_s["median"] / (WORKERS * parallel_s["median"]),
         "fraction", from_mins=serial_s["min"] / (WORKERS * parallel_s["min"]), workers=WORKERS)  # fmt: skip
    level("unreachable_scheduler_error", [unreachable_seconds() for _ in range(rounds)], "s", timeout_s=1)

    # projections: time at k times the data on N workers, from the single-process rate
    # and the efficiency measured here (a worker holds a core of its own at scale)
    rate = single_s["median"] / rows
    for data_scale in (10, 100):
        for nodes in (2, 8, 32):
            projected = rate * rows * data_scale / (nodes * min(max(efficiency, 0.05), 1.0))
            emit(BENCHMARK, "projected_total_wall", projected, "s", data_scale=data_scale, workers=nodes,
                 rows=rows * data_scale, assumes="linear in rows, measured efficiency (medians)")  # fmt: skip


if __name__ == "__main__":
    main()
