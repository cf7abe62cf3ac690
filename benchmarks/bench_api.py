"""Serving speed: ``lore api`` against ``mlflow models serve``, the same XGBoost booster.

A throwaway project gets a model of 20 numeric features (a lore pipeline of ``Norm``
encoders and ``lore.estimators.XGBoost``); the fitted booster is also saved with
``mlflow.xgboost`` and served by MLflow from a throwaway virtualenv (``--venv``,
created on first use). Both servers run one worker, one OpenMP thread, on
127.0.0.1; ``wrk`` (Debian package ``wrk``) sends the load from the same machine:

- single-row requests at concurrency 1 and 32: requests/s, p50 and p99 latency;
- 1,000-row batches at concurrency 1: rows/s and latency;
- a soak of ``--soak`` seconds (60) at concurrency 32 on lore: errors and the
  server's resident memory at start and end.

lore runs twice, without and with micro-batching (``LORE_API_BATCHING``), to measure
whether merging concurrent single rows pays. Prints one JSON line per figure.

Two other modes leave MLflow out:

- ``--against FOLDER``: this lore against another checkout's (``FOLDER/lore``), the
  same three wrk figures, A B A B for ``--rounds`` rounds; min, median and the ratio of
  medians, with the load average;
- ``--flood SECONDS``: rejected large bodies (too many rows or values, a 9 MB string of
  the wrong type, a value nested 1,000 deep) sent without pause by four threads, next
  to single-row traffic from wrk at concurrency 4: the server's resident memory every
  half second, and the p99 of the normal requests against a run without the flood.

    python benchmarks/bench_api.py [--duration 10] [--soak 60] [--venv /tmp/venv-mlflow]
    python benchmarks/bench_api.py --against /tmp/lore-before --rounds 3 --duration 5
    python benchmarks/bench_api.py --flood 60
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

FEATURES = [f"f{i}" for i in range(20)]

MODELS = """
import numpy as np
import pandas as pd

import lore.estimators
import lore.models
import lore.pipelines
from lore.encoders import Boolean, Norm

FEATURES = [f"f{i}" for i in range(20)]


class Events(lore.pipelines.TrainTestSplit):
    def get_data(self):
        rng = np.random.default_rng(0)
        frame = pd.DataFrame(rng.normal(size=(20_000, 20)), columns=FEATURES)
        signal = frame["f0"] + frame["f1"] * frame["f2"] - frame["f3"]
        frame["churned"] = (signal + rng.normal(size=20_000)) > 0
        return frame

    def get_encoders(self):
        return tuple(Norm(name) for name in FEATURES)

    def get_output_encoder(self):
        return Boolean("churned")


class Churn(lore.models.Base):
    def __init__(self):
        super().__init__(pipeline=Events(), estimator=lore.estimators.XGBoost(n_estimators=100, max_depth=6))
"""

FIT = """
from bench.models.churn import Churn
model = Churn()
model.fit()
model.estimator.native_.save_model("booster.ubj")
print(model.fitting)
"""

MLFLOW_SAVE = """
import sys, xgboost, mlflow.xgboost
booster = xgboost.Booster()
booster.load_model(sys.argv[1])
booster.feature_names = [f"f{i}" for i in range(20)]
mlflow.xgboost.save_model(booster, sys.argv[2])
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_venv(venv: Path) -> Path:
    if not (venv / "bin" / "mlflow").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", "mlflow", "xgboost", "pandas"], check=True
        )
    return venv / "bin"


def make_project(root: Path) -> dict[str, str]:
    """Write and fit the project; return the environment to run its commands in."""
    (root / "bench" / "models").mkdir(parents=True)
    for folder in ("config", "data", "models", "logs"):
        (root / folder).mkdir()
    (root / "runtime.txt").write_text("python-3.11.7\n")
    (root / "bench" / "__init__.py").write_text("")
    (root / "bench" / "models" / "__init__.py").write_text("")
    (root / "bench" / "models" / "churn.py").write_text(MODELS)
    lore = str(Path(__import__("lore").__file__).parents[1])  # the lore under test, a worktree's too
    path = f"{root}{os.pathsep}{lore}"
    env = {**os.environ, "LORE_ROOT": str(root), "PYTHONPATH": path, "OMP_NUM_THREADS": "1"}
    env.pop("LORE_ENV", None)
    subprocess.run([sys.executable, "-c", FIT], cwd=root, env=env, check=True, capture_output=True)
    return env


def wait_until(url: str, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {seconds}s")


def rss_mib(pid: int) -> float:
    """Resident memory of ``pid`` and its children (uvicorn may fork), in MiB."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(child) for child in children.read_text().split()]
    for one in pids:
        status = Path(f"/proc/{one}/status").read_text()
        total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
    return total / 1024


def wrk(url: str, body: bytes, connections: int, seconds: int, folder: Path) -> dict[str, float]:
    """Run wrk with a POST body; return requests/s, p50/p99 in ms and the error count."""
    script = folder / f"post-{len(body)}.lua"
    text = body.decode()
    assert "]==]" not in text
    script.write_text(
        f'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [==[{text}]==]\n'
    )
    threads = min(2, connections)
    output = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "--timeout",
            "10s",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def latency(label: str) -> float:
        value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", output).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(match.group(1))
    if match := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):
        errors += sum(int(n) for n in match.groups())
    total = int(re.search(r"(\d+) requests in", output).group(1))
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency("50"),
        "p99": latency("99"),
        "errors": errors,
        "requests": total,
    }


def emit(
    metric: str, value: float, unit: str, vs: str | None = None, ratio: float | None = None, **extra
) -> None:
    entry = {
        "benchmark": "api",
        "metric": metric,
        "value": round(value, 3),
        "unit": unit,
        "vs": vs,
        "ratio": None if ratio is None else round(ratio, 2),
        **extra,
    }
    print(json.dumps(entry), flush=True)


def start_lore(
    root: Path, env: dict[str, str], batching: bool, lore: Path | None = None
) -> tuple[subprocess.Popen, str]:
    """``lore api`` on a free port (from the checkout ``lore`` when given); its predict URL."""
    port = free_port()
    settings = {**env, "LORE_API_BATCHING": "1" if batching else "0", "LORE_LOG_LEVEL": "WARNING"}
    if lore is not None:
        settings["PYTHONPATH"] = f"{root}{os.pathsep}{lore}"
    process = subprocess.Popen(
        [sys.executable, "-m", "lore", "api", "--port", str(port)],
        cwd=root,
        env=settings,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_until(f"http://127.0.0.1:{port}/ready", process)
    return process, f"http://127.0.0.1:{port}/models/churn.Churn/predict"


def start_mlflow(bin_dir: Path, model: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    # MLflow starts `uvicorn` from PATH: its virtualenv's, not ours
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    process = subprocess.Popen(
        [
            str(bin_dir / "mlflow"),
            "models",
            "serve",
            "-m",
            str(model),
            "--env-manager",
            "local",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-w",
            "1",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    wait_until(f"http://127.0.0.1:{port}/ping", process)
    return process, f"http://127.0.0.1:{port}/invocations"


def stop(process: subprocess.Popen) -> None:
    """Stop a server this script started (MLflow's runs in its own process group)."""
    try:
        if os.getpgid(process.pid) == process.pid:
            os.killpg(process.pid, signal.SIGTERM)
        else:
            process.terminate()
        process.wait(timeout=30)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        process.kill()


def measure(name: str, url: str, row: bytes, batch: bytes, seconds: int, folder: Path) -> dict[str, dict]:
    wrk(url, row, 4, 2, folder)  # warm up
    return {
        "c1": wrk(url, row, 1, seconds, folder),
        "c32": wrk(url, row, 32, seconds, folder),
        "batch": wrk(url, batch, 1, seconds, folder),
    }


def validation_figures(records: list[dict[str, float]], repeat: int = 200) -> None:
    """Checking a request in process: lore's column checks against a pydantic body model.

    The pydantic side is what a FastAPI endpoint declaring ``rows: list[Row]`` does:
    validate the JSON into models, then turn them into the frame a pipeline needs.
    """
    import pandas as pd
    import pydantic

    from lore.server.validation import parse

    schema = dict.fromkeys(FEATURES, "number")
    row_model = pydantic.create_model("Row", **{name: (float | None, ...) for name in FEATURES})
    adapter = pydantic.TypeAdapter(list[row_model])

    def with_pydantic(body: bytes) -> pd.DataFrame:
        return pd.DataFrame([row.model_dump() for row in adapter.validate_json(body)])

    for label, rows in (("1 row", records[:1]), ("1,000 rows", records)):
        body = json.dumps(rows).encode()
        timings = {}
        for name, check in (
            ("lore", lambda body=body: parse(body, schema, 10_000)),
            ("pydantic", with_pydantic),
        ):
            check(body)
            start = time.perf_counter()
            for _ in range(repeat if len(rows) == 1 else repeat // 10):
                check(body)
            timings[name] = (time.perf_counter() - start) / (repeat if len(rows) == 1 else repeat // 10)
        emit(
            f"request validation to a DataFrame, {label}",
            timings["lore"] * 1000,
            "ms",
            "pydantic body model (FastAPI's way)",
            timings["lore"] / timings["pydantic"],
            pydantic=round(timings["pydantic"] * 1000, 3),
        )


def against(root: Path, env: dict[str, str], other: Path, rounds: int, seconds: int, folder: Path) -> None:
    """This lore (A) against the checkout ``other`` (B), interleaved, batching on (the default)."""
    row, batch = bodies()
    figures: dict[str, dict[str, list[float]]] = {"A": {}, "B": {}}
    for _ in range(rounds):
        for side, lore in (("A", None), ("B", other)):
            process, url = start_lore(root, env, True, lore)
            try:
                got = measure(side, url, row, batch, seconds, folder)
            finally:
                stop(process)
            for load, result in got.items():
                for key in ("rps", "p50", "p99"):
                    figures[side].setdefault(f"{load} {key}", []).append(result[key])
    for name, values in figures["A"].items():
        before = figures["B"][name]
        emit(
            f"lore against {other}: {name}",
            statistics.median(values),
            "requests/s" if name.endswith("rps") else "ms",
            str(other),
            statistics.median(values) / statistics.median(before),
            min=min(values),
            other_min=min(before),
            other_median=statistics.median(before),
            rounds=rounds,
            loadavg=[round(load, 2) for load in os.getloadavg()],
        )


def rejected() -> list[bytes]:
    """Bodies under the 10 MB limit that ``lore api`` refuses (413 or 422), the largest 9 MB."""
    record = b'{"f0": 1.0}'
    deep = b"[" * 1000 + b"1" + b"]" * 1000
    return [
        b"[" + b",".join([record] * 10_001) + b"]",  # one row over LORE_API_MAX_ROWS
        b"[" + b"{}," * 3_000_000 + b"{}]",  # 3 million empty records
        b'[{"junk": [' + b"[]," * 3_000_000 + b"[]]}]",  # 3 million values in one row
        b'{"f0": "' + b"x" * 9_000_000 + b'"}',  # a 9 MB string where a number belongs
        b'{"f0": ' + deep + b"}",  # a value nested 1,000 deep
    ]


def flood(root: Path, env: dict[str, str], seconds: int, folder: Path) -> None:
    """Normal single rows (wrk, concurrency 4) with and without a flood of rejected large bodies."""
    import http.client

    row, _ = bodies()
    process, url = start_lore(root, env, True)
    try:
        wrk(url, row, 4, 2, folder)
        calm = wrk(url, row, 4, max(5, seconds // 4), folder)
        idle = rss_mib(process.pid)
        port = int(url.split(":")[2].split("/")[0])
        path = "/" + url.split("/", 3)[3]
        done = threading.Event()
        sent = {"requests": 0, "5xx": 0}

        def flooder(offset: int) -> None:
            bodies = rejected()
            while not done.is_set():
                body = bodies[(offset + sent["requests"]) % len(bodies)]
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                connection.request("POST", path, body, {"Content-Type": "application/json"})
                status = connection.getresponse().status
                connection.close()
                sent["requests"] += 1
                sent["5xx"] += status >= 500

        curve: list[float] = []

        def sampler() -> None:
            while not done.is_set():
                curve.append(rss_mib(process.pid))
                time.sleep(0.5)

        threads = [threading.Thread(target=flooder, args=(n,)) for n in range(4)]
        threads.append(threading.Thread(target=sampler))
        for thread in threads:
            thread.start()
        try:
            stormy = wrk(url, row, 4, seconds, folder)
        finally:
            done.set()
            for thread in threads:
                thread.join()
    finally:
        stop(process)
    emit(
        f"{seconds}s flood of rejected bodies: server RSS, peak over idle",
        max(curve) / idle,
        "x idle",
        idle_mib=round(idle, 1),
        peak_mib=round(max(curve), 1),
        curve_mib=[round(value) for value in curve],
        rejected=sent["requests"],
        server_errors=sent["5xx"],
        loadavg=[round(load, 2) for load in os.getloadavg()],
    )
    emit(
        f"{seconds}s flood of rejected bodies: p99 of single rows at concurrency 4",
        stormy["p99"],
        "ms",
        "the same traffic without the flood",
        stormy["p99"] / calm["p99"],
        calm_p99=calm["p99"],
        rps=stormy["rps"],
        calm_rps=calm["rps"],
        errors=stormy["errors"],
    )


def bodies() -> tuple[bytes, bytes]:
    """One record and 1,000 records of the benchmark's 20 features, as JSON."""
    import numpy as np

    rng = np.random.default_rng(1)
    records = [dict(zip(FEATURES, map(float, values))) for values in rng.normal(size=(1000, 20)).round(4)]
    return json.dumps(records[0]).encode(), json.dumps(records).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--soak", type=int, default=60, help="seconds of the concurrency-32 soak")
    parser.add_argument("--venv", type=Path, default=Path("/tmp/venv-mlflow"))
    parser.add_argument("--against", type=Path, help="another checkout to compare lore with (no MLflow)")
    parser.add_argument("--rounds", type=int, default=3, help="A B rounds of --against")
    parser.add_argument("--flood", type=int, help="seconds of the rejected-body flood (no MLflow)")
    args = parser.parse_args()

    if args.against or args.flood:
        folder = Path(tempfile.mkdtemp(prefix="bench-api-"))
        root = folder / "bench"
        env = make_project(root)
        if args.against:
            against(root, env, args.against, args.rounds, args.duration, folder)
        if args.flood:
            flood(root, env, args.flood, folder)
        return

    import numpy as np

    bin_dir = ensure_venv(args.venv)
    folder = Path(tempfile.mkdtemp(prefix="bench-api-"))
    root = folder / "bench"
    env = make_project(root)
    subprocess.run(
        [str(bin_dir / "python"), "-c", MLFLOW_SAVE, str(root / "booster.ubj"), str(folder / "mlflow")],
        check=True,
        capture_output=True,
    )

    rng = np.random.default_rng(1)
    records = [dict(zip(FEATURES, map(float, values))) for values in rng.normal(size=(1000, 20)).round(4)]
    lore_row, lore_batch = json.dumps(records[0]).encode(), json.dumps(records).encode()
    mlflow_row = json.dumps({"dataframe_records": records[:1]}).encode()
    mlflow_batch = json.dumps({"dataframe_records": records}).encode()

    validation_figures(records)
    results: dict[str, dict[str, dict]] = {}
    process, url = start_mlflow(bin_dir, folder / "mlflow")
    try:
        results["mlflow"] = measure("mlflow", url, mlflow_row, mlflow_batch, args.duration, folder)
    finally:
        stop(process)
    for batching in (False, True):
        name = "lore batching" if batching else "lore"
        process, url = start_lore(root, env, batching)
        try:
            results[name] = measure(name, url, lore_row, lore_batch, args.duration, folder)
        finally:
            stop(process)

    mlflow = results["mlflow"]
    for name in ("lore", "lore batching"):
        figures = results[name]
        for load in ("c1", "c32"):
            concurrency = load[1:]
            emit(
                f"{name}: single rows at concurrency {concurrency}",
                figures[load]["rps"],
                "requests/s",
                "mlflow models serve",
                figures[load]["rps"] / mlflow[load]["rps"],
                mlflow=mlflow[load]["rps"],
                errors=figures[load]["errors"],
                mlflow_errors=mlflow[load]["errors"],
            )
            for pct in ("p50", "p99"):
                emit(
                    f"{name}: single rows at concurrency {concurrency}, {pct} latency",
                    figures[load][pct],
                    "ms",
                    "mlflow models serve",
                    figures[load][pct] / mlflow[load][pct],
                    mlflow=mlflow[load][pct],
                )
        rows = figures["batch"]["rps"] * 1000
        emit(
            f"{name}: 1,000-row batches, rows predicted",
            rows,
            "rows/s",
            "mlflow models serve",
            rows / (mlflow["batch"]["rps"] * 1000),
            mlflow=mlflow["batch"]["rps"] * 1000,
            errors=figures["batch"]["errors"],
            mlflow_errors=mlflow["batch"]["errors"],
        )
        emit(
            f"{name}: 1,000-row batches, p99 latency",
            figures["batch"]["p99"],
            "ms",
            "mlflow models serve",
            figures["batch"]["p99"] / mlflow["batch"]["p99"],
            mlflow=mlflow["batch"]["p99"],
        )

    best = (
        "lore batching" if results["lore batching"]["c32"]["rps"] > results["lore"]["c32"]["rps"] else "lore"
    )
    process, url = start_lore(root, env, best == "lore batching")
    try:
        wrk(url, lore_row, 4, 2, folder)
        before = rss_mib(process.pid)
        soak = wrk(url, lore_row, 32, args.soak, folder)
        after = rss_mib(process.pid)
    finally:
        stop(process)
    emit(
        f"{best}: {args.soak}s soak at concurrency 32, errors",
        soak["errors"],
        "errors",
        requests=soak["requests"],
        rps=soak["rps"],
        p99_ms=soak["p99"],
    )
    emit(f"{best}: {args.soak}s soak, server RSS at start", before, "MiB")
    emit(f"{best}: {args.soak}s soak, server RSS at end", after, "MiB", ratio=after / before)


if __name__ == "__main__":
    main()
