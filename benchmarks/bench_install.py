"""``lore install`` against ``pip install -r`` and ``uv pip install -r`` of the same lock.

What a user sees: lore installed from its wheel in a virtualenv of its own, then, in
a new project, ``lore install`` (a new ``.venv`` from nothing, pip's cache warm) and a
second ``lore install`` with nothing changed (goal: under 0.2 s). Beside it, the same
``requirements.lock`` (the one the first ``lore install`` wrote) installed into a new
virtualenv by ``pip install -r`` and by ``uv pip install -r``, then again with nothing
to do. Runs are interleaved (lore, pip, uv, lore, pip, uv...), each tool reading the
same package sources (PyPI and this machine's configured mirror and wheel folders)
with its cache warm from a first, untimed round.

The project asks for ``lore-ml[EXTRAS]`` (``--extras``, default ``sql``; the template's
``api,names,sql,xgboost`` brings XGBoost's 300 MB of NCCL, minutes per install on a
loaded machine). uv lives in a throw-away virtualenv (``--uv``, default
``/work/bench-venvs/install/uv-venv/bin/uv``; ``pip install uv`` there if missing).

``lore install`` runs twice a round: with pip (``LORE_INSTALLER=pip``) and with uv
(``LORE_INSTALLER=uv``, :mod:`lore.cli.installer`). Prints JSON lines: min and median
per tool and ratios lore/pip, lore/uv, with the load average.
Run: ``python benchmarks/bench_install.py [--rounds 2] [--noop-rounds 7]``.

A whole run makes four virtualenvs of real packages: minutes on an idle machine, far
more on a loaded one. ``--project PATH`` measures only the no-op, cheaply, on a
project ``lore install`` already installed: ``lore install`` (the ``lore`` on
``PATH``), then ``pip install -r requirements.lock`` and ``uv pip install -r
requirements.lock`` into the same ``.venv``, each with nothing to do.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE_PYTHON = getattr(sys, "_base_executable", sys.executable)


def clean_env(venv: Path | None = None) -> dict[str, str]:
    dropped = ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LORE_") and k not in dropped}
    if venv is not None:
        env["PATH"] = os.pathsep.join([str(venv / "bin"), env.get("PATH", "")])
        env["VIRTUAL_ENV"] = str(venv)
    return env


#: CPU seconds (user + system) of each timed command, by tool, beside the wall times: on a loaded
#: machine the wall time of a short command is mostly waiting for a core.
CPU: dict[str, list[float]] = {}


def run(command: list[str], cwd: Path, env: dict[str, str], tool: str | None = None) -> float:
    before = os.times()
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    after = os.times()
    if tool is not None:
        cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
        CPU.setdefault(tool, []).append(cpu)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return elapsed


def pip_sources() -> list[str]:
    """uv does not read pip's configuration: the same indexes and wheel folders, as uv options."""
    done = subprocess.run([sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True)
    options: list[str] = []
    for line in done.stdout.splitlines():
        key, _, value = line.partition("=")
        value = value.strip().strip("'\"")
        if key.endswith("extra-index-url"):
            options += [f"--extra-index-url={url}" for url in value.split()]
        elif key.endswith("find-links"):
            options += [f"--find-links={url}" for url in value.split()]
    return [*dict.fromkeys(options), "--index-strategy=unsafe-best-match"]


def setup(work: Path, uv: Path) -> tuple[Path, Path]:
    """lore's wheel and a virtualenv with lore installed from it (as a user has)."""
    if not uv.exists():
        raise SystemExit(f"{uv} not found: python3 -m venv {uv.parent.parent} && {uv.parent}/pip install uv")
    dist = work / "dist"
    run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(ROOT)],
        ROOT,
        clean_env(),
    )
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    user = work / "user-venv"
    run([BASE_PYTHON, "-m", "venv", str(user)], work, clean_env())
    (wheel,) = dist.glob("lore_ml-*.whl")
    run([str(user / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)], work, clean_env(user))
    return dist, user


def lore_round(
    work: Path, user: Path, extras: str, name: str, uv: Path | None = None
) -> tuple[float, float, Path]:
    """``lore init`` then two ``lore install``: with pip, or with uv (``LORE_INSTALLER=uv``) when given."""
    env = clean_env(user)
    if uv is None:
        env["LORE_INSTALLER"] = "pip"
    else:
        env.update(LORE_INSTALLER="uv", PATH=os.pathsep.join([str(uv.parent), env["PATH"]]))
    run(["lore", "init", name], work, env)
    project = work / name
    requirements = project / "requirements.txt"
    lines = requirements.read_text().splitlines()
    requirements.write_text(
        "\n".join(f"lore-ml[{extras}]" if line.startswith("lore-ml") else line for line in lines) + "\n"
    )
    new = run(["lore", "install"], project, env)
    noop = run(["lore", "install"], project, env)
    return new, noop, project


def tool_round(
    tool: str, work: Path, lock: Path, dist: Path, uv: Path, sources: list[str]
) -> tuple[float, float]:
    venv = work / f"{tool}-venv-{time.monotonic_ns()}"
    env = clean_env()
    if tool == "pip":
        python = str(venv / "bin" / "python")
        install = [python, "-m", "pip", "install", "-q", "--find-links", str(dist), "-r", str(lock)]
        started = time.perf_counter()
        run([BASE_PYTHON, "-m", "venv", str(venv)], work, env)
        run(install, work, env)
        new = time.perf_counter() - started
        return new, run(install, work, env)
    install = [str(uv), "pip", "install", "-q", "--python", str(venv / "bin" / "python"),
               "--find-links", str(dist), *sources, "-r", str(lock)]  # fmt: skip
    started = time.perf_counter()
    run([str(uv), "venv", "-q", "--python", BASE_PYTHON, str(venv)], work, env)
    run(install, work, env)
    new = time.perf_counter() - started
    return new, run(install, work, env)


def emit(metric: str, lore: list[float], other: dict[str, list[float]]) -> None:
    line = {
        "benchmark": "install",
        "metric": metric,
        "unit": "s",
        "lore_min": round(min(lore), 3),
        "lore_median": round(statistics.median(lore), 3),
        "runs": len(lore),
        "load_average": [round(value, 2) for value in os.getloadavg()],
    }
    for tool, values in other.items():
        line[f"{tool}_min"] = round(min(values), 3)
        line[f"{tool}_median"] = round(statistics.median(values), 3)
        line[f"lore/{tool}"] = round(statistics.median(lore) / statistics.median(values), 2)
    print(json.dumps(line), flush=True)


def noop_only(project: Path, rounds: int, uv: Path) -> None:
    """The no-op figures on an installed project: lore, pip and uv on its .venv, interleaved."""
    lock = project / "requirements.lock"
    python = project / ".venv" / "bin" / "python"
    lore_cmd = shutil.which("lore")
    if lore_cmd is None or not python.exists() or not lock.is_file():
        raise SystemExit(f"--project needs `lore` on PATH and {project} installed by `lore install`")
    sources = pip_sources()
    env = clean_env()
    commands = {
        "lore": [lore_cmd, "install"],
        "pip": [str(python), "-m", "pip", "install", "-q", "-r", str(lock)],
        "uv": [str(uv), "pip", "install", "-q", "--python", str(python), *sources, "-r", str(lock)],
    }
    run(commands["lore"], project, env)  # settles the fingerprint
    times: dict[str, list[float]] = {tool: [] for tool in commands}
    for _ in range(rounds):
        for tool, command in commands.items():
            times[tool].append(run(command, project, env, tool))
    emit("second install, nothing to change (goal: lore under 0.2 s)", times["lore"],
         {"pip": times["pip"], "uv": times["uv"]})  # fmt: skip
    emit("second install, nothing to change: CPU seconds (user + system)", CPU["lore"],
         {"pip": CPU["pip"], "uv": CPU["uv"]})  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1, help="timed new-project installs per tool")
    parser.add_argument("--noop-rounds", type=int, default=7, help="extra no-op installs per tool")
    parser.add_argument("--extras", default="sql", help="the project's lore-ml extras")
    parser.add_argument("--uv", type=Path, default=Path("/work/bench-venvs/install/uv-venv/bin/uv"))
    parser.add_argument("--project", type=Path, help="only the no-op, on this installed project")
    args = parser.parse_args()
    if args.project is not None:
        return noop_only(args.project.resolve(), args.noop_rounds, args.uv)
    work = Path(tempfile.mkdtemp(prefix="lore-bench-install-"))
    try:
        dist, user = setup(work, args.uv)
        sources = pip_sources()
        # untimed: fills pip's and uv's caches, and writes the lock every tool installs
        _, _, first = lore_round(work, user, args.extras, "warm")
        lock = first / "requirements.lock"
        for tool in ("pip", "uv"):
            tool_round(tool, work, lock, dist, args.uv, sources)
        lore_round(work, user, args.extras, "warm_uv", args.uv)
        new: dict[str, list[float]] = {"lore": [], "pip": [], "uv": [], "lore-uv": []}
        noop: dict[str, list[float]] = {"lore": [], "pip": [], "uv": []}
        for index in range(args.rounds):
            a_new, a_noop, project = lore_round(work, user, args.extras, f"shop{index}")
            new["lore"].append(a_new)
            noop["lore"].append(a_noop)
            new["lore-uv"].append(lore_round(work, user, args.extras, f"shop_uv{index}", args.uv)[0])
            for tool in ("pip", "uv"):
                b_new, b_noop = tool_round(tool, work, lock, dist, args.uv, sources)
                new[tool].append(b_new)
                noop[tool].append(b_noop)
        pip_venv = next(work.glob("pip-venv-*"))
        uv_venv = next(work.glob("uv-venv-*"))
        lore_env = clean_env(user)
        pip_again = [str(pip_venv / "bin" / "python"), "-m", "pip", "install", "-q",
                     "--find-links", str(dist), "-r", str(lock)]  # fmt: skip
        uv_again = [str(args.uv), "pip", "install", "-q", "--python", str(uv_venv / "bin" / "python"),
                    "--find-links", str(dist), *sources, "-r", str(lock)]  # fmt: skip
        for _ in range(args.noop_rounds):
            noop["lore"].append(run(["lore", "install"], project, lore_env))
            noop["pip"].append(run(pip_again, work, clean_env()))
            noop["uv"].append(run(uv_again, work, clean_env()))
        emit(
            f"new project, warm cache: lore install vs pip/uv install -r its lock (lore-ml[{args.extras}])",
            new["lore"], {"pip": new["pip"], "uv": new["uv"]},
        )  # fmt: skip
        emit(
            f"new project, warm cache: lore install with LORE_INSTALLER=uv vs uv install -r its lock "
            f"(lore-ml[{args.extras}])",
            new["lore-uv"], {"uv": new["uv"], "lore-with-pip": new["lore"]},
        )  # fmt: skip
        emit("second install, nothing to change (goal: lore under 0.2 s)", noop["lore"],
             {"pip": noop["pip"], "uv": noop["uv"]})  # fmt: skip
        packages = sum(1 for line in lock.read_text().splitlines() if "==" in line)
        print(json.dumps({"benchmark": "install", "metric": "packages in the lock", "value": packages}))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
