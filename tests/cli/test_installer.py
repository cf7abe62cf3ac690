"""lore.cli.installer: pip or uv, chosen by $LORE_INSTALLER, and a real install with uv."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from lore.cli import virtualenv
from lore.cli.installer import Installer, choose
from lore.errors import ConfigError


def fake_uv(folder: Path) -> Path:
    uv = folder / "uv"
    uv.write_text("#!/bin/sh\n")
    uv.chmod(0o755)
    return uv


def test_auto_takes_uv_when_it_is_on_path_and_pip_otherwise(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert choose({"PATH": str(empty)}) == Installer("pip", None)
    uv = fake_uv(tmp_path)
    assert choose({"PATH": str(tmp_path)}) == Installer("uv", str(uv))
    assert choose({"PATH": str(tmp_path), "LORE_INSTALLER": "pip"}).name == "pip"


def test_asking_for_uv_without_it_says_how_to_get_it(tmp_path):
    with pytest.raises(ConfigError, match=r"^LORE_INSTALLER=uv but no uv is on PATH; `pip install uv`"):
        choose({"PATH": str(tmp_path), "LORE_INSTALLER": "uv"})


def test_both_installers_make_a_virtualenv_with_pip_and_honour_the_lock(tmp_path):
    python, lock, requirements = Path("/py"), Path("lock"), [Path("requirements.txt")]
    pip, uv = Installer("pip", None), Installer("uv", "/bin/uv")
    assert pip.venv(python, tmp_path, True)[1:] == ["-m", "venv", str(tmp_path), "--system-site-packages"]
    assert "--seed" in uv.venv(python, tmp_path, False)
    for installer in (pip, uv):
        command = installer.install(python, requirements, lock, upgrade=False)
        assert command[-2:] == ["-c", "lock"] and "--upgrade" not in command
        assert installer.install(python, requirements, lock, upgrade=True)[-1] == "--upgrade"
    assert uv.reinstall(python, "lore-ml @ file:///x")[-2:] == ["--reinstall", "lore-ml @ file:///x"]


def test_a_bad_installer_is_one_line_from_the_command(new_project, run_lore):
    result = run_lore(new_project, "install", LORE_INSTALLER="conda")
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "lore: LORE_INSTALLER='conda' is unknown; choose auto, pip or uv"
    ]


@pytest.mark.slow
def test_a_real_install_with_uv_locks_like_pip(new_project, run_lore):
    uv = shutil.which("uv") or shutil.which("uv", path=str(Path(sys.executable).parent))
    if uv is None:
        pytest.skip("uv is not installed (the test extra brings it)")
    env = {"LORE_INSTALLER": "uv", "PATH": f"{Path(uv).parent}:/usr/bin:/bin"}
    result = run_lore(new_project, "install", "--system-site-packages", **env)
    assert result.returncode == 0, result.stderr
    lock = (new_project / "requirements.lock").read_text().splitlines()
    assert any(line.lower().startswith(("xgboost==", "xgboost-cpu==")) for line in lock), lock
    assert any(line.startswith("lore-ml==") for line in lock)
    assert (virtualenv.bin_dir(new_project) / "pip").exists()  # seeded: pip works in a uv virtualenv
    assert json.loads((virtualenv.folder(new_project) / virtualenv.STATE).read_text())["python"]
    again = run_lore(new_project, "install", "--system-site-packages", **env)
    assert again.returncode == 0 and "is up to date" in again.stdout
