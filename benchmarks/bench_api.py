"""Serving speed: ``lore api`` against the floor and the strongest peers, interleaved.

A throwaway project gets a model of 20 numeric features (a lore pipeline of ``Norm``
encoders and ``lore.estimators.XGBoost``). The same fitted booster is served by:

- ``lore``: ``lore api`` (one worker, micro-batching on, its default), sent raw rows;
- ``floor``: a minimal ASGI app (uvicorn, orjson, ``Booster.inplace_predict``, no
  validation, no encoding), sent the same raw rows: the physical floor of this stack;
- ``bentoml``: a BentoML service with adaptive batching (``batchable=True``), sent the
  rows already encoded by lore's pipeline (the same features the booster needs);
- ``mlflow``: ``mlflow models serve -w 2``, sent the same encoded rows (``dataframe_split``).

Peers come from throwaway virtualenvs (``$LORE_BENCH_VENVS/bentoml`` and
``/mlflow``, see ``benchmarks/harness.py``); a missing one is skipped with a reason.
Every server uses one OpenMP thread and 127.0.0.1; ``wrk`` (Debian package ``wrk``)
sends the load from the same machine. Each round runs every server in turn (rotated),
for single rows at concurrency 1 (p50, p99) and 32 (requests/s) and 1,000-row
batches at concurrency 1 (rows/s); figures are the median and best of ``--rounds``,
with lore's ratio to each other server and the load average. Prints JSON lines.

Two other modes leave the peers out:

- ``--against FOLDER``: this lore against another checkout's (``FOLDER/lore``), the
  same three wrk figures, A B A B for ``--rounds`` rounds; min, median and the ratio of
  medians, with the load average;
- ``--flood SECONDS``: rejected large bodies (too many rows or values, a 9 MB string of
  the wrong type, a value nested 1,000 deep) sent without pause by four threads, next
  to single-row traffic from wrk at concurrency 4: the server's resident memory every
  half second, and the p99 of the normal requests against a run without the flood.

``--pin`` puts every thread of ``lore api`` and of the floor on CPU 0 and wrk on CPU 1
(peers of several processes stay unpinned): on a shared 2-core machine, threads moving
between cores made one server's rounds differ by 30%; pinned, by a few percent.

    python benchmarks/bench_api.py [--duration 3] [--rounds 3] [--soak 0] [--pin]
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

import harness

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
    """A free port: any, or one of ``LORE_BENCH_PORTS`` (``FIRST-LAST``) when set (a shared machine)."""
    first, _, last = os.environ.get("LORE_BENCH_PORTS", "0-0").partition("-")
    for port in range(int(first), int(last or first) + 1):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise SystemExit(f"no free port in LORE_BENCH_PORTS={os.environ['LORE_BENCH_PORTS']}")


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
    command = [str(bin_dir / "mlflow"), "models", "serve", "-m", str(model), "--env-manager", "local"]
    process = subprocess.Popen(
        [*command, "-h", "127.0.0.1", "-p", str(port), "-w", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    wait_until(f"http://127.0.0.1:{port}/ping", process)
    return process, f"http://127.0.0.1:{port}/invocations"


FLOOR = """
import operator, os
import numpy as np, orjson, xgboost

FEATURES = [f"f{i}" for i in range(20)]
ROW = operator.itemgetter(*FEATURES)
booster = xgboost.Booster()
booster.load_model(os.environ["BOOSTER"])
booster.set_param({"nthread": 1})
HEADERS = [(b"content-type", b"application/json")]


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            await send({"type": message["type"] + ".complete"})
            if message["type"] == "lifespan.shutdown":
                return
    body, more = b"", True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    if scope["method"] == "GET":
        payload = b"ok"
    else:
        data = orjson.loads(body)
        rows = [data] if isinstance(data, dict) else data
        x = np.array(list(map(ROW, rows)), dtype=np.float32)
        p = booster.inplace_predict(x)
        payload = orjson.dumps(
            {"predictions": (p > 0.5).tolist(), "probabilities": np.column_stack((1 - p, p))},
            option=orjson.OPT_SERIALIZE_NUMPY,
        )
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": payload})
"""

BENTO = """
import os
import numpy as np
import bentoml
import xgboost


@bentoml.service(workers=1, traffic={"timeout": 30})
class Churn:
    def __init__(self):
        self.booster = xgboost.Booster()
        self.booster.load_model(os.environ["BOOSTER"])
        self.booster.set_param({"nthread": 1})

    @bentoml.api(batchable=True, max_batch_size=1024, max_latency_ms=1000)
    def predict(self, records: np.ndarray) -> np.ndarray:
        return self.booster.inplace_predict(records.astype(np.float32))
"""


def start_floor(folder: Path, booster: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    (folder / "floor_app.py").write_text(FLOOR)
    env = {**os.environ, "OMP_NUM_THREADS": "1", "BOOSTER": str(booster), "PYTHONPATH": str(folder)}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "floor_app:app", "--port", str(port), "--log-level", "warning"],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_until(f"http://127.0.0.1:{port}/", process)
    return process, f"http://127.0.0.1:{port}/"


def start_bentoml(bin_dir: Path, folder: Path, booster: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    (folder / "bento_service.py").write_text(BENTO)
    env = {
        **os.environ,
        "OMP_NUM_THREADS": "1",
        "BOOSTER": str(booster),
        "BENTOML_HOME": str(folder / "bentoml"),
        "BENTOML_DO_NOT_TRACK": "True",
    }
    process = subprocess.Popen(
        [
            str(bin_dir / "bentoml"),
            "serve",
            "bento_service:Churn",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    wait_until(f"http://127.0.0.1:{port}/readyz", process)
    return process, f"http://127.0.0.1:{port}/predict"


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


def pin(process: subprocess.Popen) -> None:
    """Every thread of ``process`` on CPU 0 (``--pin``; wrk, a child of this script, runs on CPU 1)."""
    subprocess.run(["taskset", "-a", "-p", "-c", "0", str(process.pid)], check=True, capture_output=True)


def emit(
    metric: str, value: float, unit: str, vs: str | None = None, ratio: float | None = None, **extra
) -> None:
    harness.emit("api", metric, value, unit, vs=vs, ratio=ratio, **extra)


def measure(name: str, url: str, row: bytes, batch: bytes, seconds: int, folder: Path) -> dict[str, dict]:
    wrk(url, row, 4, 2, folder)  # warm up
    return {
        "c1": wrk(url, row, 1, seconds, folder),
        "c32": wrk(url, row, 32, seconds, folder),
        "batch": wrk(url, batch, 1, seconds, folder),
    }


def against(
    root: Path, env: dict[str, str], other: Path, rounds: int, seconds: int, folder: Path, pinned: bool
) -> None:
    """This lore (A) against the checkout ``other`` (B), interleaved, batching on (the default)."""
    row, batch = bodies()
    figures: dict[str, dict[str, list[float]]] = {"A": {}, "B": {}}
    if pinned:
        os.sched_setaffinity(0, {1})  # this script, and so wrk; each server goes to CPU 0
    for _ in range(rounds):
        for side, lore in (("A", None), ("B", other)):
            process, url = start_lore(root, env, True, lore)
            if pinned:
                pin(process)
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
            pinned=pinned,
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
        repeat_here = repeat if len(rows) == 1 else repeat // 10

        def many(check, body=body, repeat_here=repeat_here) -> None:
            for _ in range(repeat_here):
                check(body)

        times = harness.interleave(
            {
                "lore": lambda many=many: many(lambda data: parse(data, schema, 10_000)),
                "pydantic": lambda many=many: many(with_pydantic),
            },
            rounds=5,
        )
        per_call = {name: [value / repeat_here * 1000 for value in got] for name, got in times.items()}
        harness.compare("api", f"request validation to a DataFrame, {label}", per_call, "lore", unit="ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=3, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over every server")
    parser.add_argument(
        "--soak", type=int, default=0, help="seconds of a concurrency-32 soak of lore (0: none)"
    )
    parser.add_argument("--against", type=Path, help="another checkout: its lore against this one, alone")
    parser.add_argument("--flood", type=int, default=0, help="seconds of rejected bodies, beside rows")
    parser.add_argument(
        "--pin",
        action="store_true",
        help="lore and the floor on CPU 0, wrk on CPU 1 (peers of several processes stay unpinned)",
    )
    args = parser.parse_args()

    import numpy as np

    folder = Path(tempfile.mkdtemp(prefix="bench-api-"))
    root = folder / "bench"
    env = make_project(root)
    if args.against:
        against(root, env, args.against.resolve(), args.rounds, args.duration, folder, args.pin)
        return
    if args.flood:
        flood(root, env, args.flood, folder)
        return
    booster = root / "booster.ubj"

    rng = np.random.default_rng(1)
    records = [dict(zip(FEATURES, map(float, values))) for values in rng.normal(size=(1000, 20)).round(4)]
    encoded = encode(root, env, records)
    bodies = {
        "lore": (json.dumps(records[0]).encode(), json.dumps(records).encode()),
        "floor": (json.dumps(records[0]).encode(), json.dumps(records).encode()),
        "bentoml": tuple(json.dumps({"records": rows}).encode() for rows in (encoded[:1], encoded)),
        "mlflow": tuple(
            json.dumps({"dataframe_split": {"columns": FEATURES, "data": rows}}).encode()
            for rows in (encoded[:1], encoded)
        ),
    }
    validation_figures(records)

    servers: dict[str, tuple[subprocess.Popen, str]] = {}
    try:
        servers["lore"] = start_lore(root, env, batching=True)
        servers["floor"] = start_floor(folder, booster)
        bento = harness.peer("bentoml", "bentoml")
        if bento is not None:
            servers["bentoml"] = start_bentoml(bento, folder, booster)
        mlflow = harness.peer("mlflow", "mlflow")
        if mlflow is not None:
            subprocess.run(
                [str(mlflow / "python"), "-c", MLFLOW_SAVE, str(booster), str(folder / "mlflow")],
                check=True,
                capture_output=True,
            )
            servers["mlflow"] = start_mlflow(mlflow, folder / "mlflow")
        for name, (_, url) in servers.items():
            row, batch = bodies[name]
            check = subprocess.run(
                ["curl", "-s", "-H", "Content-Type: application/json", "--data-binary", "@-", url],
                input=row,
                capture_output=True,
            )
            print(json.dumps({"server": name, "answer to one row": check.stdout.decode()[:200]}), flush=True)
            wrk(url, row, 4, 1, folder)  # warm up
        if args.pin:
            pin(servers["lore"][0])
            pin(servers["floor"][0])
            os.sched_setaffinity(0, {1})  # this script, and so the wrk it starts from now on
        figures: dict[str, dict[str, list[float]]] = {name: {} for name in servers}
        names = list(servers)
        for round_ in range(args.rounds):
            for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
                url = servers[name][1]
                row, batch = bodies[name]
                one = wrk(url, row, 1, args.duration, folder)
                many = wrk(url, row, 32, args.duration, folder)
                big = wrk(url, batch, 1, args.duration, folder)
                for key, value in (
                    ("c1_p50_ms", one["p50"]),
                    ("c1_p99_ms", one["p99"]),
                    ("c1_rps", one["rps"]),
                    ("c32_rps", many["rps"]),
                    ("c32_p99_ms", many["p99"]),
                    ("batch_rows_per_s", big["rps"] * 1000),
                    ("errors", one["errors"] + many["errors"] + big["errors"]),
                ):
                    figures[name].setdefault(key, []).append(value)
        report(figures, args.pin)
        if args.soak:
            soak(servers["lore"], bodies["lore"][0], args.soak, folder)
    finally:
        for process, _ in servers.values():
            stop(process)


ENCODE = """
import json, sys
import pandas as pd
from bench.models.churn import Churn
model = Churn.load()
rows = pd.DataFrame(json.load(sys.stdin))
print(json.dumps(model.pipeline.encode_x(rows).to_numpy().tolist()))
"""


def encode(root: Path, env: dict[str, str], records: list[dict[str, float]]) -> list[list[float]]:
    """The rows as the booster's features (lore's pipeline encodes them once, for the peers)."""
    output = subprocess.run(
        [sys.executable, "-c", ENCODE],
        cwd=root,
        env=env,
        input=json.dumps(records),
        text=True,
        capture_output=True,
        check=True,
    ).stdout
    return json.loads(output)


#: For each figure: whether higher is better (ratios are lore / other either way).
FIGURES = {
    "c1_p50_ms": False,
    "c1_p99_ms": False,
    "c1_rps": True,
    "c32_rps": True,
    "c32_p99_ms": False,
    "batch_rows_per_s": True,
}


def report(figures: dict[str, dict[str, list[float]]], pinned: bool = False) -> None:
    """One line per figure and server: medians and bests, and lore's ratio to it."""
    lore = figures["lore"]
    for key, higher in FIGURES.items():
        ours = statistics.median(lore[key])
        best = max if higher else min
        for name, theirs_all in figures.items():
            theirs = statistics.median(theirs_all[key])
            harness.emit(
                "api",
                key,
                ours,
                key.rsplit("_", 1)[-1] if not key.endswith("per_s") else "rows/s",
                best=best(lore[key]),
                vs=name,
                vs_median=theirs,
                vs_best=best(theirs_all[key]),
                ratio=ours / theirs,
                errors=sum(theirs_all["errors"]),
                pinned=pinned and name in ("lore", "floor"),
            )


def soak(server: tuple[subprocess.Popen, str], row: bytes, seconds: int, folder: Path) -> None:
    process, url = server
    before = rss_mib(process.pid)
    result = wrk(url, row, 32, seconds, folder)
    after = rss_mib(process.pid)
    harness.emit(
        "api",
        f"lore: {seconds}s soak at concurrency 32, errors",
        result["errors"],
        "errors",
        requests=result["requests"],
        rps=result["rps"],
        rss_start_mib=before,
        rss_end_mib=after,
    )


if __name__ == "__main__":
    main()
