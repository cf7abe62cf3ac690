"""Fixtures for the lore command's tests: fresh projects made by ``lore init``."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from lore.cli.init import create
from tests.conftest import current

VERSION = ".".join(map(str, sys.version_info[:3]))


@pytest.fixture
def new_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A project ``shop`` made by ``lore init`` in a temporary folder, made current."""
    with current(create(tmp_path / "shop", VERSION), monkeypatch) as root:
        yield root


@pytest.fixture(scope="session")
def installed_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project ``depot`` with its virtualenv (``lore install --system-site-packages``)."""
    root = create(tmp_path_factory.mktemp("installed") / "depot", VERSION)
    lore_cli(root, "install", "--system-site-packages", check=True)
    return root


def lore_cli(cwd: Path, *args: str, check: bool = False, **env: str) -> subprocess.CompletedProcess:
    """Run ``python -m lore ARGS`` in a real subprocess, as a user would."""
    variables = {k: v for k, v in os.environ.items() if not k.startswith("LORE_")}
    variables["PATH"] = without_this_python(variables.get("PATH", ""))
    result = subprocess.run(
        [sys.executable, "-m", "lore", *args],
        cwd=cwd,
        env={**variables, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"lore {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def without_this_python(path: str) -> str:
    """``PATH`` without the folder of this process's Python: its tools (uv, pip) are not a user's."""
    here = str(Path(sys.executable).parent)
    return os.pathsep.join(folder for folder in path.split(os.pathsep) if folder and folder != here)


@pytest.fixture
def run_lore():
    """``run_lore(cwd, *args, **env)``: the lore command as a subprocess."""
    return lore_cli
