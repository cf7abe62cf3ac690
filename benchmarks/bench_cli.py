"""The project workflow's speed: lore init, a no-op lore install, and the bootstrap.

Prints JSON lines (:mod:`harness`): each figure from real subprocesses, lore and its
floor run in turn (A B A B ..., rotating who goes first) for ``--rounds`` rounds,
with min and median of each side, the ratio lore / floor and the load average:

- ``lore init`` vs copying the same template folder with ``shutil.copytree`` (the
  floor: what rendering, the sample database and ``git init`` add);
- a second ``lore install`` with nothing to change vs ``pip install -r
  requirements.txt`` in the same virtualenv with nothing to change (goal: < 2 s),
  after one first ``lore install --system-site-packages`` (timed once, printed);
- ``lore fit --help`` started outside the virtualenv, which re-executes itself in
  it, vs the virtualenv's ``python -m lore fit --help`` directly and vs one bare
  ``python -c pass`` start, the floor of any re-execution (the rest is importing
  click and finding the project); then the bootstrap's overhead, bootstrap minus
  direct in each round (goal: < 100 ms).

Run: ``python benchmarks/bench_cli.py [--rounds 5]``.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from harness import compare, emit, interleave, summary  # benchmarks/, the script's own folder

import lore.scaffold

ENV = {k: v for k, v in os.environ.items() if not k.startswith("LORE_")}


def side(command: list[str] | Callable[[], list[str]], cwd: Path) -> Callable[[], None]:
    """Run ``command`` (or the one it returns, for a new one each round) to completion in ``cwd``."""

    def run() -> None:
        argv = command() if callable(command) else command
        subprocess.run(argv, cwd=cwd, env=ENV, check=True, capture_output=True)

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds per figure")
    rounds = parser.parse_args().rounds

    work = Path(tempfile.mkdtemp(prefix="lore-bench-cli-"))
    lore_cmd = [sys.executable, "-m", "lore"]
    try:
        counter = itertools.count()
        template = lore.scaffold.templates() / "project"
        copy_code = "import shutil, sys; shutil.copytree(sys.argv[1], sys.argv[2])"

        def copy() -> list[str]:
            return [sys.executable, "-c", copy_code, str(template), str(work / f"copy{next(counter)}")]

        times = interleave(
            {
                "lore init": side(lambda: [*lore_cmd, "init", f"bench_app_{next(counter)}"], work),
                "python shutil.copytree of the template": side(copy, work),
            },
            rounds,
        )
        compare("cli", "lore init", times, ours="lore init", rounds=rounds)

        subprocess.run([*lore_cmd, "init", "bench_app"], cwd=work, env=ENV, check=True, capture_output=True)
        root = work / "bench_app"
        started = time.perf_counter()
        side([*lore_cmd, "install", "--system-site-packages"], root)()
        emit("cli", "first lore install --system-site-packages", time.perf_counter() - started, "s", rounds=1)
        venv_python = str(root / ".venv" / "bin" / "python")
        times = interleave(
            {
                "second lore install, nothing to change": side(
                    [*lore_cmd, "install", "--system-site-packages"], root
                ),
                "pip install -r requirements.txt (no-op)": side(
                    [venv_python, "-m", "pip", "install", "-q", "-r", "requirements.txt"], root
                ),
            },
            rounds,
        )
        compare("cli", "second lore install, nothing to change", times,
                ours="second lore install, nothing to change", rounds=rounds, goal="< 2 s")  # fmt: skip

        script = Path(sys.executable).parent / "lore"  # the console script itself, not a pyenv shim
        host = [str(script)] if script.exists() else lore_cmd
        bootstrap, direct = "lore fit --help through the bootstrap", "venv python -m lore fit --help"
        times = interleave(
            {
                bootstrap: side([*host, "fit", "--help"], root),
                direct: side([venv_python, "-m", "lore", "fit", "--help"], root),
                "bare python -c pass (the floor of any re-exec)": side([sys.executable, "-c", "pass"], root),
            },
            rounds,
        )
        compare("cli", bootstrap, times, ours=bootstrap, rounds=rounds)
        overhead = summary([(a - b) * 1000 for a, b in zip(times[bootstrap], times[direct])])
        emit("cli", "bootstrap overhead (bootstrap - direct, per round)", overhead["median"], "ms",
             min=overhead["min"], vs="goal 100 ms", ratio=overhead["median"] / 100,
             rounds=rounds)  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
