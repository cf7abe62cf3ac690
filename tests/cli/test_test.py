"""lore test: pytest on the project's tests, in the test environment."""

from __future__ import annotations

import pytest

from lore.cli import main


@pytest.fixture(autouse=True)
def _no_plugins(monkeypatch):
    """The project's pytest need not load every plugin installed here (faster)."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")


ENVIRONMENT_TEST = """
import lore.env


def test_runs_in_the_test_environment():
    env = lore.env.current()
    assert env.name == "test"
    assert env.models_dir == env.root / "tests" / "models"
    assert env.data_dir == env.root / "tests" / "data"
"""


def test_runs_the_projects_tests_with_lore_env_test(new_project, capfd):
    (new_project / "tests" / "unit" / "test_environment.py").write_text(ENVIRONMENT_TEST)
    assert main(["test", "tests/unit/test_environment.py", "-q", "-p", "no:cacheprovider"]) == 0
    assert "1 passed" in capfd.readouterr().out


def test_pytest_arguments_pass_through_and_failures_exit_non_zero(new_project, capfd):
    (new_project / "tests" / "unit" / "test_fails.py").write_text("def test_fails():\n    assert False\n")
    assert main(["test", "-k", "fails", "-q", "-p", "no:cacheprovider"]) == 1
    out = capfd.readouterr().out
    assert "1 failed" in out and "deselected" in out
