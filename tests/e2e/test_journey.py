"""The whole journey of a new user, through real subprocesses, as typed in a terminal.

1. From this tree: init -> install (--system-site-packages, for speed) -> fit the
   example -> test -> generate all -> fit the generated model -> test again -> a
   second install is a no-op.
2. From the wheel, on a clean machine: build lore's wheel, install it into a new
   virtualenv (no system site packages, nothing of this process's environment), then
   ``lore init shop``, ``lore install`` (no flags), ``lore fit``, ``lore test``,
   ``lore api`` and one prediction over HTTP, and ``dataframe()`` on PostgreSQL in
   the project's virtualenv, which must hold this lore's version. pip gets packages
   from its configured index (a local mirror, on the machine CI runs on) and cache.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from lore import __version__

# two real virtualenvs each: far beyond pytest-timeout's default on a loaded machine
pytestmark = [pytest.mark.slow, pytest.mark.timeout(2400)]


def lore(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LORE_")}
    result = subprocess.run(
        [sys.executable, "-m", "lore", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"lore {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result


def test_new_project_from_init_to_a_second_fitted_model(tmp_path):
    started = time.perf_counter()
    lore(tmp_path, "init", "journey")
    root = tmp_path / "journey"

    lore(root, "install", "--system-site-packages")
    assert (root / ".venv" / "bin" / "python").exists() and (root / "requirements.lock").is_file()

    fitted = lore(root, "fit", "journey.models.subscribers.BoostedName", "--num-boost-round", "20")
    assert (
        "validation" in fitted.stdout
        and "Saved fitting 1 of journey.models.subscribers.BoostedName" in fitted.stdout
    )
    assert (root / "models" / "journey.models.subscribers.BoostedName" / "1" / "manifest.json").is_file()

    tested = lore(root, "test", "-q", "-p", "no:cacheprovider")
    assert "1 passed" in tested.stdout
    assert (root / "tests" / "models" / "journey.models.subscribers.BoostedName").is_dir()

    generated = lore(root, "generate", "all", "churn")
    assert "created journey/models/churn.py" in generated.stdout
    refit = lore(root, "fit", "journey.models.churn.Churn", "--n-estimators", "20")
    assert "Saved fitting 1 of journey.models.churn.Churn" in refit.stdout

    tested = lore(root, "test", "-q", "-p", "no:cacheprovider")
    assert "2 passed" in tested.stdout

    again = lore(root, "install", "--system-site-packages")
    assert "is up to date" in again.stdout
    print(f"journey took {time.perf_counter() - started:.0f}s")  # 117 s measured at a load average near 8


ROOT = Path(__file__).resolve().parent.parent.parent


def clean_environment(venv: Path) -> dict[str, str]:
    """A user's shell: the virtualenv's bin first on PATH, nothing of lore's or this process's Python."""
    dropped = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PIP_USER")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LORE_") and k not in dropped}
    here = str(Path(sys.executable).parent)  # this process's tools (uv, pip) are not the user's
    rest = [folder for folder in env.get("PATH", "").split(os.pathsep) if folder and folder != here]
    env["PATH"] = os.pathsep.join([str(venv / "bin"), *rest])
    return env


def shell(command: list[str], cwd: Path, env: dict[str, str], timeout: int = 900) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, (
        f"{' '.join(command)} (exit {done.returncode}):\n{done.stdout}\n{done.stderr}"
    )
    return done.stdout


def wait_ready(base: str, server: subprocess.Popen, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, server.stderr.read()
        try:
            with urllib.request.urlopen(f"{base}/ready", timeout=2) as response:
                if json.load(response).get("ready"):
                    return
        except (OSError, urllib.error.URLError, ValueError):
            pass
        time.sleep(0.5)
    raise AssertionError(f"lore api was not ready within {seconds}s")


def test_a_new_user_from_the_wheel_in_a_clean_virtualenv(tmp_path, postgres_url, unused_port):
    started = time.perf_counter()
    dist = tmp_path / "dist"
    shell(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist), str(ROOT)],
        ROOT,
        dict(os.environ),
    )
    (wheel,) = dist.glob("lore_ml-*.whl")
    assert wheel.name.startswith(f"lore_ml-{__version__}-")

    user = tmp_path / "user-venv"
    base_python = getattr(sys, "_base_executable", sys.executable)
    shell([base_python, "-m", "venv", str(user)], tmp_path, dict(os.environ))
    env = clean_environment(user)
    shell([str(user / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)], tmp_path, env)

    shell(["lore", "init", "shop"], tmp_path, env)
    project = tmp_path / "shop"
    installed = shell(["lore", "install"], project, env)
    assert "Installed requirements.txt" in installed
    lock = (project / "requirements.lock").read_text().splitlines()
    assert f"lore-ml=={__version__}" in lock and any(line.startswith("pytest==") for line in lock)
    where = shell(
        [str(project / ".venv" / "bin" / "python"), "-c",
         "import importlib.metadata as m, lore; print(m.version('lore-ml'), lore.__file__)"],
        project, env,
    ).split()  # fmt: skip
    assert where[0] == __version__ and where[1].startswith(str(project / ".venv"))

    fitted = shell(
        ["lore", "fit", "shop.models.subscribers.BoostedName", "--num-boost-round", "20"], project, env
    )
    assert "Saved fitting 1 of shop.models.subscribers.BoostedName" in fitted
    tested = shell(["lore", "test", "-q", "-p", "no:cacheprovider"], project, env)
    assert " passed" in tested and "failed" not in tested

    port = unused_port
    server = subprocess.Popen(
        ["lore", "api", "--port", str(port)], cwd=project, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(base, server)
        request = urllib.request.Request(
            f"{base}/models/subscribers.BoostedName/predict",
            data=json.dumps({"first_name": "Anna"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            answer = json.load(response)
        assert answer["fitting"] == 1 and len(answer["predictions"]) == 1
    finally:
        server.terminate()
        server.wait(timeout=30)

    read = (
        "import sys; from lore.io.database import Connection; "
        "print(Connection('pg', sys.argv[1]).dataframe('SELECT 41 + 1 AS answer')['answer'].tolist())"
    )
    done = subprocess.run(
        ["lore", "python", "-c", read, postgres_url],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0 and done.stdout.strip() == "[42]", done.stderr
    assert "adbc" not in done.stderr.lower()  # the fast path is installed: no fallback warning

    again = shell(["lore", "install"], project, env)
    assert "is up to date" in again
    print(f"the journey from the wheel took {time.perf_counter() - started:.0f}s")
