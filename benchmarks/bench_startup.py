"""Start-up time of ``lore --help`` and ``import lore`` against kedro and mlflow.

Prints one JSON line per measurement: the median wall time over RUNS runs of each
command, and lore's ratio to each alternative. kedro and mlflow are installed in a
throwaway virtualenv (``--venv``, created on first use) so they cannot slow lore's
own environment down.

    python benchmarks/bench_startup.py [--runs 20] [--venv /tmp/venv-clis]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def median_seconds(command: list[str], runs: int) -> float:
    subprocess.run(command, capture_output=True, check=True)  # warm the file cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def ensure_venv(venv: Path) -> Path:
    if not (venv / "bin" / "kedro").exists() or not (venv / "bin" / "mlflow").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "kedro", "mlflow"], check=True)
    return venv / "bin"


def emit(metric: str, value: float, **extra: object) -> None:
    entry = {"benchmark": "startup", "metric": metric, "value": round(value, 4), "unit": "s", **extra}
    print(json.dumps(entry))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--venv", type=Path, default=Path("/tmp/venv-clis"))
    args = parser.parse_args()

    # the console script itself, not a version-manager shim in front of it
    lore_bin = str(Path(sys.executable).with_name("lore"))
    if not Path(lore_bin).exists():
        lore_bin = shutil.which("lore") or "lore"
    lore_help = median_seconds([lore_bin, "--help"], args.runs)
    import_lore = median_seconds([sys.executable, "-c", "import lore"], args.runs)
    bare_python = median_seconds([sys.executable, "-c", "pass"], args.runs)
    emit("lore --help", lore_help, goal="< 0.150")
    emit("python -c 'import lore'", import_lore)
    emit("python -c 'pass' (interpreter floor)", bare_python)

    bin_dir = ensure_venv(args.venv)
    for tool in ("kedro", "mlflow"):
        seconds = median_seconds([str(bin_dir / tool), "--help"], args.runs)
        ratio = round(seconds / lore_help, 1)
        emit(f"{tool} --help", seconds, vs="lore --help", ratio=ratio, goal="ratio >= 5")


if __name__ == "__main__":
    main()
