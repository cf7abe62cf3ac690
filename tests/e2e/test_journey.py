"""The whole journey of a new user, through real subprocesses, as typed in a terminal.

init -> install (--system-site-packages, for speed) -> fit the example -> test ->
generate all -> fit the generated model -> test again -> a second install is a no-op.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


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
