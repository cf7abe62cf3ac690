"""Model store speed: S3 transfer throughput against plain boto3, and model load times.

Starts moto's S3 server (``ThreadedMotoServer``) on 127.0.0.1 in this process, then:

- uploads and downloads a fitting of ``--megabytes`` MB in four files (the largest
  three quarters of it) with ``ModelStore.upload`` / ``ModelStore.download``, and the
  same files with boto3's ``upload_file`` / ``download_file`` at default settings,
  one file after the other, which is what ``aws s3 cp`` does per file. lore's figure
  includes verifying every SHA-256 after the download. Runs alternate between the two
  and the median of ``--runs`` is reported, as MB/s and as CPU seconds of this process
  (client plus moto server), which other jobs on the machine disturb less;
- loads a fitted scikit-learn, XGBoost and Keras model, cold (the first load in a
  fresh Python process, imports included) and warm (the next load in that process);
- with ``--before DIR`` (a checkout of the code to compare with, e.g. ``git worktree add
  /tmp/before main``), saves small fittings beside 10 and 1,000 others with this tree's
  store and with that one's, each in its own Python process, the two in turn for
  ``--rounds`` rounds (see ``harness.py``): the milliseconds per save, ratio new / old;
- with ``--before DIR`` too, finds and downloads the latest fitting, and the one an
  alias points at, among 10 and 500 fittings (``--fittings``) of five objects each on moto, with this
  tree's store and that one's in turn, each in a fresh process (``--only s3-latest``):
  the milliseconds per download, and the S3 list requests and entries it took.

Prints one JSON line per figure.

    python benchmarks/bench_store.py [--megabytes 200] [--runs 3]
    python benchmarks/bench_store.py --only saves --before /tmp/before [--rounds 5] [--saves 20]
    python benchmarks/bench_store.py --only s3-latest --before /tmp/before [--rounds 5] [--saves 3] \\
        [--fittings 10 500]
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

MB = 1024 * 1024
NAME = "bench.models.Big"


def emit(metric: str, value: float, unit: str, vs: str | None = None, other: float | None = None) -> None:
    entry: dict[str, object] = {
        "benchmark": "store",
        "metric": metric,
        "value": round(value, 4),
        "unit": unit,
    }
    if vs is not None and other is not None:
        entry.update(vs=vs, vs_value=round(other, 4), ratio=round(value / other, 3))
    print(json.dumps(entry), flush=True)


def start_moto() -> tuple[object, str]:
    import logging
    import socket

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    return server, f"http://127.0.0.1:{port}"


def make_fitting(store: object, megabytes: int) -> list[Path]:
    sizes = [int(megabytes * share * MB) for share in (0.75, 0.15, 0.075, 0.025)]
    with store.new_fitting(NAME, {"metrics": {"auc": 0.5}}) as fitting:
        for index, size in enumerate(sizes):
            (fitting.path / f"part{index}.bin").write_bytes(os.urandom(size))
    return sorted(fitting.path.glob("part*.bin"))


def medians(runs: int, *actions) -> list[tuple[float, float]]:
    """Median (wall, CPU) seconds of each action, run in turn so drift hits all alike.

    CPU is this process's, so it covers the client and the in-process moto server;
    it is steadier than wall time when other jobs share the machine.
    """
    times: list[list[tuple[float, float]]] = [[] for _ in actions]
    for run in range(runs):
        for action, spent in zip(actions, times):
            wall, cpu = time.perf_counter(), time.process_time()
            action(run)
            spent.append((time.perf_counter() - wall, time.process_time() - cpu))
    return [
        (statistics.median(w for w, _ in spent), statistics.median(c for _, c in spent)) for spent in times
    ]


def transfers(args: argparse.Namespace, endpoint: str, work: Path) -> None:
    import shutil

    import boto3

    from lore.s3 import Remote, Settings
    from lore.stores.modelstore import ModelStore

    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket="bench")
    local = ModelStore(work / "local")
    files = make_fitting(local, args.megabytes)
    total = sum(path.stat().st_size for path in files) / MB

    def remote(run: int) -> Remote:
        settings = Settings(bucket="bench", prefix=f"lore{run}", endpoint_url=endpoint, environment="bench")
        return Remote(settings, **({"part_size": args.part_size * MB} if args.part_size else {}))

    def lore_upload(run: int) -> None:
        ModelStore(local.root, remote=remote(run)).upload(NAME, 1)

    def lore_download(run: int) -> None:
        target = work / f"down{run}"
        ModelStore(target, remote=remote(run)).download(NAME, 1)
        shutil.rmtree(target)

    def plain_upload(run: int) -> None:
        client = boto3.client("s3", endpoint_url=endpoint)  # lore's figure includes its client too
        for path in files:
            client.upload_file(str(path), "bench", f"plain{run}/{path.name}")

    def plain_download(run: int) -> None:
        client = boto3.client("s3", endpoint_url=endpoint)
        target = work / f"plain{run}"
        target.mkdir()
        for path in files:
            client.download_file("bench", f"plain{run}/{path.name}", str(target / path.name))
        shutil.rmtree(target)

    for verb, ours, theirs, plain in (
        ("upload", lore_upload, plain_upload, "boto3 upload_file, default settings"),
        ("download", lore_download, plain_download, "boto3 download_file, default settings"),
    ):
        (wall, cpu), (plain_wall, plain_cpu) = medians(args.runs, ours, theirs)
        what = f"{verb} {total:.0f} MB fitting" + (
            " (with SHA-256 verification)" if verb == "download" else ""
        )
        emit(what, total / wall, "MB/s", plain, total / plain_wall)
        emit(f"{what}: CPU seconds, client and moto server", cpu, "s", plain, plain_cpu)


MODELS = textwrap.dedent(
    """
    import lore.models

    class Forest(lore.models.SKLearn):
        pass

    class Boosted(lore.models.XGBoost):
        pass

    class Network(lore.models.Keras):
        pass
    """
)

FIT = textwrap.dedent(
    """
    import numpy as np, pandas as pd
    import bench_models
    from sklearn.ensemble import RandomForestClassifier
    from lore.estimators import XGBoost, Keras

    rng = np.random.default_rng(0)
    x = pd.DataFrame(rng.normal(size=(2000, 10)), columns=[f"f{i}" for i in range(10)])
    y = (x["f0"] + x["f1"] > 0).astype(int).to_numpy()
    models = [
        bench_models.Forest(pipeline={"bench": True}, estimator=RandomForestClassifier(n_estimators=100)),
        bench_models.Boosted(pipeline={"bench": True}, estimator=XGBoost(n_estimators=100)),
        bench_models.Network(pipeline={"bench": True}, estimator=Keras(epochs=1)),
    ]
    for model in models:
        model.estimator.fit(x, y)
        model.save()
    """
)

LOAD = textwrap.dedent(
    """
    import importlib, json, sys, time
    start = time.perf_counter()
    import bench_models
    model = getattr(bench_models, sys.argv[1])
    importlib.import_module(sys.argv[2])
    imports = time.perf_counter() - start
    model.load()
    cold = time.perf_counter() - start
    start = time.perf_counter()
    model.load()
    print(json.dumps({"cold": cold, "imports": imports, "warm": time.perf_counter() - start}))
    """
)
#: model class in MODELS -> (label, the library module its load imports)
KINDS = {
    "Forest": ("scikit-learn", "sklearn.ensemble"),
    "Boosted": ("XGBoost", "xgboost"),
    "Network": ("Keras", "keras"),
}


def loads(work: Path, runs: int) -> None:
    project = work / "project"
    (project / "models").mkdir(parents=True)
    (project / "runtime.txt").write_text("python-3.11\n")
    (project / "bench_models.py").write_text(MODELS)
    env = {**os.environ, "LORE_ROOT": str(project), "PYTHONPATH": str(project), "TF_CPP_MIN_LOG_LEVEL": "3"}
    subprocess.run([sys.executable, "-c", FIT], cwd=project, env=env, check=True, capture_output=True)
    for kind, (label, library) in KINDS.items():
        figures = []
        for _ in range(runs):
            done = subprocess.run(
                [sys.executable, "-c", LOAD, kind, library],
                cwd=project,
                env=env,
                check=True,
                capture_output=True,
            )
            figures.append(json.loads(done.stdout.decode().strip().splitlines()[-1]))
        cold, imports, warm = (
            statistics.median(f[key] for f in figures) for key in ("cold", "imports", "warm")
        )
        emit(f"Model.load() {label}, cold (fresh process, imports included)", cold, "s")
        emit(f"Model.load() {label}, cold: of which importing lore.models and {library}", imports, "s")
        emit(f"Model.load() {label}, warm (second load in the process)", warm, "s")


SAVE = textwrap.dedent(
    """
    import json, sys, time
    import lore
    from lore.stores.modelstore import ModelStore

    store, saves = ModelStore(sys.argv[1]), int(sys.argv[2])

    def save():
        with store.new_fitting("bench.models.Many", {"metrics": {"auc": 0.5}}) as fitting:
            (fitting.path / "weights.txt").write_text("0.5")

    save()  # the process's first (on a store without a counter: its one listing of the fittings)
    times = []
    for _ in range(saves):
        start = time.perf_counter()
        save()
        times.append(time.perf_counter() - start)
    print(json.dumps({"lore": lore.__file__, "times": times}))
    """
)
HERE = Path(__file__).resolve().parents[1]


def timed_saves(tree: Path, folder: Path, saves: int, count: int, into: list[float]) -> None:
    """Append the median seconds per save with the lore of ``tree`` (a fresh process) to ``into``.

    Then the fittings it made are deleted, leaving ``count`` for the next round.
    """
    done = subprocess.run(
        [sys.executable, "-c", SAVE, str(folder.parent), str(saves)],
        cwd=tree,  # ``-c`` puts the working folder first on sys.path
        env={**os.environ, "PYTHONPATH": str(tree)},
        check=True,
        capture_output=True,
    )
    result = json.loads(done.stdout.decode().strip().splitlines()[-1])
    assert result["lore"].startswith(str(tree)), result["lore"]
    for entry in folder.iterdir():  # the same number of fittings for the next round
        if entry.name.isdigit() and int(entry.name) > count:
            shutil.rmtree(entry)
    into.append(statistics.median(result["times"]))


def save_costs(args: argparse.Namespace, work: Path) -> None:
    """Milliseconds per save beside ``10`` and ``1,000`` fittings: this tree against ``--before``."""
    import harness

    from lore.stores.modelstore import ModelStore

    if args.before is None:
        print(json.dumps({"skipped": "saves", "reason": "no --before DIR to compare with"}), flush=True)
        return
    trees = {"new": HERE, "old": Path(args.before).resolve()}
    with ModelStore(work / "template").new_fitting("bench.models.Many") as fitting:
        (fitting.path / "weights.txt").write_text("0.5")
    for count in (10, 1000):
        folders = {side: work / side / str(count) / "bench.models.Many" for side in trees}
        for folder in folders.values():  # a store as an older lore left it: fittings 1..count, no counter
            for number in range(1, count + 1):
                shutil.copytree(fitting.path, folder / str(number))
        times: dict[str, list[float]] = {side: [] for side in trees}
        runs = {
            side: functools.partial(timed_saves, trees[side], folders[side], args.saves, count, times[side])
            for side in trees
        }
        harness.interleave(runs, rounds=args.rounds)
        harness.compare(
            "store",
            f"save a fitting beside {count:,} others: ms per save (median of {args.saves} in a process)",
            harness.milliseconds(times),
            "new",
            unit="ms",
            rounds=args.rounds,
            old_tree=str(trees["old"]),
        )


FETCH = textwrap.dedent(
    """
    import json, sys, tempfile, time
    import lore
    from lore.s3 import Remote, Settings
    from lore.stores.modelstore import ModelStore

    endpoint, prefix, fitting, downloads = sys.argv[1], sys.argv[2], sys.argv[3] or None, int(sys.argv[4])
    remote = Remote(Settings(bucket="bench", prefix=prefix, endpoint_url=endpoint, environment="bench"))
    listed = {"requests": 0, "entries": 0}

    def count(parsed, **_):
        listed["requests"] += 1
        listed["entries"] += len(parsed.get("Contents", [])) + len(parsed.get("CommonPrefixes", []))

    def download():
        with tempfile.TemporaryDirectory() as root:
            ModelStore(root, remote=remote).download("bench.models.Many", fitting)

    download()  # the process's first: the client and its connections
    remote.client.meta.events.register("after-call.s3.ListObjectsV2", count)
    times = []
    for _ in range(downloads):
        start = time.perf_counter()
        download()
        times.append(time.perf_counter() - start)
    listed = {key: value / downloads for key, value in listed.items()}
    print(json.dumps({"lore": lore.__file__, "times": times, **listed}))
    """
)


def timed_fetches(tree: Path, args: list[str], into: list[float], listed: dict[str, float]) -> None:
    """Append the median seconds per download with the lore of ``tree`` (a fresh process) to ``into``."""
    done = subprocess.run(
        [sys.executable, "-c", FETCH, *args],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        check=True,
        capture_output=True,
    )
    result = json.loads(done.stdout.decode().strip().splitlines()[-1])
    assert result["lore"].startswith(str(tree)), result["lore"]
    into.append(statistics.median(result["times"]))
    listed.update(requests=result["requests"], entries=result["entries"])


def many_fittings(endpoint: str, work: Path, prefix: str, count: int) -> None:
    """``count`` fittings of ``bench.models.Many`` (five small objects each) under ``prefix``, aliased 1."""
    from concurrent.futures import ThreadPoolExecutor

    import boto3

    from lore.s3 import Remote, Settings
    from lore.stores.modelstore import ModelStore

    store = ModelStore(work / prefix, remote=Remote(Settings("bench", prefix, endpoint, environment="bench")))
    with store.new_fitting("bench.models.Many", {"metrics": {"auc": 0.5}}) as fitting:
        for name in ("weights.npy", "weights.serializer.json", "reference.json"):
            (fitting.path / name).write_bytes(os.urandom(2048))
    store.upload("bench.models.Many", 1)
    store.alias("bench.models.Many", 1, "production", remote=True)
    client = boto3.client("s3", endpoint_url=endpoint)
    folder = f"{prefix}/bench/bench.models.Many"
    names = sorted((p.name for p in fitting.path.iterdir()), key=lambda name: name == "manifest.json")
    bodies = {name: (fitting.path / name).read_bytes() for name in names}

    def copy(number: int) -> None:
        for name in names:  # the manifest last, as an upload does
            client.put_object(Bucket="bench", Key=f"{folder}/{number}/{name}", Body=bodies[name])

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(copy, range(2, count + 1)))


def latest_costs(args: argparse.Namespace, endpoint: str, work: Path) -> None:
    """Milliseconds per download of the latest fitting and of an alias's among ``--fittings``: new, old."""
    import boto3
    import harness

    if args.before is None:
        print(json.dumps({"skipped": "s3-latest", "reason": "no --before DIR to compare with"}), flush=True)
        return
    trees = {"new": HERE, "old": Path(args.before).resolve()}
    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket="bench")
    for count in args.fittings:
        prefix = f"many{count}"
        many_fittings(endpoint, work, prefix, count)
        for fitting in ("", "production"):
            times: dict[str, list[float]] = {side: [] for side in trees}
            listed: dict[str, dict[str, float]] = {side: {} for side in trees}
            fetch = [endpoint, prefix, fitting, str(args.saves)]
            runs = {
                side: functools.partial(timed_fetches, trees[side], fetch, times[side], listed[side])
                for side in trees
            }
            harness.interleave(runs, rounds=args.rounds)
            harness.compare(
                "store",
                f"download the {'latest' if not fitting else 'aliased'} fitting among {count:,} on S3 "
                f"(moto): ms (median of {args.saves} in a process)",
                harness.milliseconds(times),
                "new",
                unit="ms",
                rounds=args.rounds,
                list_requests=listed["new"]["requests"],
                listed_entries=listed["new"]["entries"],
                old_list_requests=listed["old"]["requests"],
                old_listed_entries=listed["old"]["entries"],
                old_tree=str(trees["old"]),
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--part-size", type=int, default=0, help="MB per part (default: lore's)")
    parser.add_argument("--skip-loads", action="store_true")
    parser.add_argument(
        "--only",
        choices=["transfers", "loads", "saves", "s3-latest"],
        help="run one part (default: all that apply)",
    )
    parser.add_argument("--before", help="a checkout of the code to compare saves with")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the saves comparison")
    parser.add_argument(
        "--saves", type=int, default=20, help="saves (or s3-latest downloads) timed per process and round"
    )
    parser.add_argument(
        "--fittings", type=int, nargs="+", default=[10, 500], help="s3-latest: how many fittings on S3"
    )
    args = parser.parse_args()
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    everything = {"transfers", "saves", "s3-latest"} | (set() if args.skip_loads else {"loads"})
    wanted = {args.only} if args.only else everything
    with tempfile.TemporaryDirectory() as folder:
        os.environ.setdefault("XDG_CONFIG_HOME", folder)  # lore's per-user signing key, not the real one
        if "saves" in wanted:
            save_costs(args, Path(folder) / "saves")
        if wanted & {"transfers", "s3-latest"}:
            server, endpoint = start_moto()
            try:
                if "s3-latest" in wanted:
                    latest_costs(args, endpoint, Path(folder) / "latest")
                if "transfers" in wanted:
                    transfers(args, endpoint, Path(folder))
            finally:
                server.stop()
        if "loads" in wanted:
            loads(Path(folder), args.runs)


if __name__ == "__main__":
    main()
