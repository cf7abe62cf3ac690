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


def test_collects_the_workflow_tests_in_the_app_and_reads_dotenv_test(new_project, capfd, monkeypatch):
    monkeypatch.delenv("LORE_T_DATABASE", raising=False)
    (new_project / ".env").write_text("LORE_T_DATABASE=development\n")
    (new_project / ".env.test").write_text("LORE_T_DATABASE=test\n")
    workflow = new_project / "shop" / "recommend"
    workflow.mkdir()
    (workflow / "__init__.py").write_text("")
    (workflow / "workflow_test.py").write_text(
        "import os\n\nimport lore.env\n\n\ndef test_settings_of_the_test_environment():\n"
        "    lore.env.current()\n    assert os.environ['LORE_T_DATABASE'] == 'test'\n"
    )
    assert main(["test", "-q", "-p", "no:cacheprovider"]) == 0
    out = capfd.readouterr().out
    assert "2 passed" in out  # the example's test and the workflow's


def test_without_pytest_says_where_to_list_it(new_project, capsys, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "pytest" else real(name, *a)
    )
    assert main(["test"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "requirements-dev.txt" in err[0] and "lore install" in err[0]
