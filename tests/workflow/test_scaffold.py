"""lore generate stage/step/workflow: the guide's layout, and an example whose tests pass."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lore.errors import LoreError
from lore.workflow.scaffold import generate_stage, generate_step, generate_workflow

LORE = str(Path(__file__).resolve().parents[2])


def run_tests(root: Path, *paths: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), LORE])}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--doctest-modules", *paths],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_stage_has_the_guides_layout_and_steps_register_themselves(tmp_path):
    generate_stage(tmp_path, "shop", "stage1")
    for part in (
        "stage1/main.py",
        "stage1/steps/__init__.py",
        "stage1/tests/test_main.py",
        "mock_data/README.txt",
        "workflow_test.py",
        "config.py",
        "constants.py",
    ):
        assert (tmp_path / "shop" / part).exists(), part
    generate_step(tmp_path, "shop", "stage1", "load_data")
    main = (tmp_path / "shop" / "stage1" / "main.py").read_text()
    assert "from shop.stage1.steps.load_data import LoadData" in main
    assert '"load_data": LoadData,' in main
    assert (tmp_path / "shop" / "stage1" / "tests" / "test_load_data.py").exists()
    (tmp_path / "shop" / "__init__.py").write_text("")
    result = run_tests(tmp_path, "shop")
    assert result.returncode == 0, result.stdout + result.stderr


def test_second_stage_keeps_shared_files(tmp_path):
    generate_stage(tmp_path, "shop", "stage1")
    (tmp_path / "shop" / "config.py").write_text("CONFIG = {'mine': {}}\n")
    generate_stage(tmp_path, "shop", "stage2")
    assert "mine" in (tmp_path / "shop" / "config.py").read_text()


def test_refusals(tmp_path):
    with pytest.raises(LoreError, match="no stage 'nowhere'.*lore generate stage nowhere"):
        generate_step(tmp_path, "shop", "nowhere", "load")
    generate_stage(tmp_path, "shop", "stage1")
    with pytest.raises(LoreError, match="refusing to overwrite"):
        generate_stage(tmp_path, "shop", "stage1")


@pytest.mark.slow
def test_example_workflow_tests_pass(tmp_path):
    written = generate_workflow(tmp_path, "shop", "recommender")
    assert tmp_path / "shop" / "recommender" / "mock_data" / "events.csv" in written
    result = run_tests(tmp_path, "shop")
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout
