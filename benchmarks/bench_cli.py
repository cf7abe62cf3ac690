"""The project workflow's speed: lore init, a no-op lore install, and the bootstrap.

Prints JSON lines. Each figure is the median of several runs of a real subprocess:

- ``lore init`` vs copying the same template folder with ``shutil.copytree`` (the
  floor: what rendering, the sample database and ``git init`` add);
- a second ``lore install`` with nothing to change vs ``pip install -r
  requirements.txt`` in the same virtualenv with nothing to change (goal: < 2 s);
- ``lore fit --help`` started outside the virtualenv, which re-executes itself in
  it, vs the virtualenv's ``python -m lore fit --help`` directly (the bootstrap's
  overhead; goal: < 100 ms), next to one bare ``python -c pass`` start, the floor of
  any re-execution (the rest is importing click and finding the project).

Run: ``python benchmarks/bench_cli.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import lore.scaffold

REPEAT = 5


def seconds(command: list[str], cwd: Path, repeat: int = REPEAT, before=None) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LORE_")}
    times = []
    for _ in range(repeat):
        if before:
            before()
        started = time.perf_counter()
        subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def emit(benchmark: str, metric: str, value: float, vs: str, other: float, unit: str = "s") -> None:
    line = {"benchmark": benchmark, "metric": metric, "value": round(value, 4), "unit": unit, "vs": vs,
            "vs_value": round(other, 4), "ratio": round(value / other, 2) if other else None}  # fmt: skip
    print(json.dumps(line), flush=True)


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="lore-bench-cli-"))
    lore_cmd = [sys.executable, "-m", "lore"]
    try:
        counter = iter(range(1000))

        def fresh() -> None:
            shutil.rmtree(work / "bench_app", ignore_errors=True)

        init = seconds([*lore_cmd, "init", "bench_app"], work, before=fresh)
        template = lore.scaffold.templates() / "project"
        copy_code = f"import shutil; shutil.copytree({str(template)!r}, {str(work)!r} + '/copy%d')"
        copy = statistics.median(
            seconds([sys.executable, "-c", copy_code % next(counter)], work, repeat=1) for _ in range(REPEAT)
        )
        emit("cli", "lore init (median)", init, "python shutil.copytree of the template", copy)

        fresh()
        subprocess.run([*lore_cmd, "init", "bench_app"], cwd=work, check=True, capture_output=True)
        root = work / "bench_app"
        started = time.perf_counter()
        subprocess.run(
            [*lore_cmd, "install", "--system-site-packages"], cwd=root, check=True, capture_output=True
        )
        first = time.perf_counter() - started
        print(json.dumps({"benchmark": "cli", "metric": "first lore install --system-site-packages",
                          "value": round(first, 2), "unit": "s", "vs": None, "ratio": None}))  # fmt: skip
        again = seconds([*lore_cmd, "install", "--system-site-packages"], root)
        venv_python = str(root / ".venv" / "bin" / "python")
        pip = seconds([venv_python, "-m", "pip", "install", "-q", "-r", "requirements.txt"], root, repeat=3)
        emit(
            "cli",
            "second lore install, nothing to change",
            again,
            "pip install -r requirements.txt (no-op)",
            pip,
        )

        script = Path(sys.executable).parent / "lore"  # the console script itself, not a pyenv shim
        host = [str(script)] if script.exists() else lore_cmd
        bootstrapped = seconds([*host, "fit", "--help"], root, repeat=9)
        direct = seconds([venv_python, "-m", "lore", "fit", "--help"], root, repeat=9)
        emit(
            "cli",
            "lore fit --help through the bootstrap",
            bootstrapped,
            "venv python -m lore fit --help",
            direct,
        )
        overhead = (bootstrapped - direct) * 1000
        bare = seconds([sys.executable, "-c", "pass"], root, repeat=9)
        emit("cli", "one bare interpreter start (the floor of any re-exec)", bare, "bootstrap overhead",
             overhead / 1000)  # fmt: skip
        print(json.dumps({"benchmark": "cli", "metric": "bootstrap overhead", "value": round(overhead, 1),
                          "unit": "ms", "vs": "goal 100 ms", "ratio": round(overhead / 100, 2)}))  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
