"""Start-up time of ``lore --help`` and ``import lore`` against kedro and mlflow.

Each command is a real subprocess, run once untimed (to warm the file cache), then
in turn with the others for ``--runs`` rounds (A B C A B C ..., rotating who goes
first): ``lore --help``, ``python -c 'import lore'``, the floor ``python -c pass``,
and ``kedro --help`` and ``mlflow --help``. Prints JSON lines (:mod:`harness`): min
and median of each side, the ratio lore / other (goal beside kedro and mlflow: at
most 0.2, i.e. five times faster), and the load average.

kedro and mlflow live in throw-away virtualenvs so they cannot slow lore's own
environment down: ``$LORE_BENCH_VENVS/kedro`` and ``$LORE_BENCH_VENVS/mlflow``
(:func:`harness.peer`), or one virtualenv holding both given as ``--venv``. A
missing one is skipped with a printed reason; none is created.

    python benchmarks/bench_startup.py [--runs 20] [--venv /tmp/venv-clis]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from harness import compare, interleave, peer  # benchmarks/, the script's own folder

PEERS = ("kedro", "mlflow")
FLOOR = "python -c pass (interpreter floor)"


def command(argv: list[str]) -> Callable[[], None]:
    """A side that runs ``argv`` to completion, after one untimed run to warm the file cache."""

    def run() -> None:
        subprocess.run(argv, capture_output=True, check=True)

    run()
    return run


def peer_bin(tool: str, venv: Path | None) -> Path | None:
    """The ``bin`` folder holding ``tool``: in ``--venv`` when given, else the harness's peer venv."""
    if venv is None:
        return peer(tool, tool)
    if (venv / "bin" / tool).exists():
        return venv / "bin"
    reason = f"no {venv / 'bin' / tool}: {venv / 'bin' / 'pip'} install {tool} (or drop --venv)"
    print(json.dumps({"skipped": tool, "reason": reason}), flush=True)
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="interleaved rounds")
    parser.add_argument("--venv", type=Path, help="one venv with kedro and mlflow (default: peer venvs)")
    args = parser.parse_args()

    # the console script itself, not a version-manager shim in front of it
    lore_bin = str(Path(sys.executable).with_name("lore"))
    if not Path(lore_bin).exists():
        lore_bin = shutil.which("lore") or "lore"
    sides = {
        "lore --help": command([lore_bin, "--help"]),
        "python -c 'import lore'": command([sys.executable, "-c", "import lore"]),
        FLOOR: command([sys.executable, "-c", "pass"]),
    }
    for tool in PEERS:
        folder = peer_bin(tool, args.venv)
        if folder is not None:
            sides[f"{tool} --help"] = command([str(folder / tool), "--help"])

    times = interleave(sides, rounds=args.runs)
    importing = "python -c 'import lore'"
    compare("startup", "lore --help", {k: v for k, v in times.items() if k != importing}, ours="lore --help",
            rounds=args.runs, goal="< 0.150 s; ratio <= 0.2 beside kedro and mlflow")  # fmt: skip
    floor = {importing: times[importing], FLOOR: times[FLOOR]}
    compare("startup", importing, floor, ours=importing, rounds=args.runs)


if __name__ == "__main__":
    main()
