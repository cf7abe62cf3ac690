"""lore.env: project root, app, environment name, .env and ENV_DIRECTORY."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import lore.env
from lore.errors import ConfigError, EnvironmentNameError, NotInProject


def test_outside_a_project_paths_fall_back_to_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    env = lore.env.load()
    assert env.root is None and env.app is None
    assert env.data_dir == tmp_path / "data"
    with pytest.raises(NotInProject, match="lore init"):
        env.require_root()


def test_root_is_the_nearest_folder_upward_with_runtime_txt(project: Path, monkeypatch):
    monkeypatch.delenv("LORE_ROOT")
    nested = project / "demo_app" / "extracts"
    monkeypatch.chdir(nested)
    env = lore.env.load()
    assert env.root == project
    assert env.app == "demo_app"
    assert env.models_dir == project / "models"


def test_lore_root_and_lore_app_override_discovery(tmp_path, monkeypatch):
    monkeypatch.setenv("LORE_ROOT", str(tmp_path))
    monkeypatch.setenv("LORE_APP", "other")
    env = lore.env.load()
    assert env.root == tmp_path.resolve() and env.app == "other"


def test_test_environment_keeps_data_and_models_under_tests(project: Path, monkeypatch):
    monkeypatch.setenv("LORE_ENV", "test")
    env = lore.env.load()
    assert env.data_dir == project / "tests" / "data"
    assert env.models_dir == project / "tests" / "models"
    assert env.logs_dir == project / "logs"


def test_unknown_environment_name_is_one_clear_error(monkeypatch):
    monkeypatch.setenv("LORE_ENV", "staging")
    with pytest.raises(EnvironmentNameError, match="development, test, production"):
        lore.env.load()


def test_dotenv_sets_variables_without_overriding(project: Path, monkeypatch):
    (project / ".env").write_text("LORE_T_A=from-file\nLORE_T_B='quoted value'\n# comment\n")
    monkeypatch.setenv("LORE_T_A", "from-process")
    monkeypatch.delenv("LORE_T_B", raising=False)
    env = lore.env.load()
    assert os.environ["LORE_T_A"] == "from-process"
    assert os.environ["LORE_T_B"] == "quoted value"
    assert env.sources == {"LORE_T_B": lore.env.FROM_DOTENV}
    monkeypatch.delenv("LORE_T_B")


def test_the_test_environment_reads_dotenv_test_before_dotenv(project: Path, monkeypatch):
    (project / ".env").write_text("LORE_T_URL=development-db\nLORE_T_ONLY_DEV=1\n")
    (project / ".env.test").write_text("LORE_T_URL=test-db\n")
    for name in ("LORE_T_URL", "LORE_T_ONLY_DEV"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LORE_ENV", "test")
    env = lore.env.load()
    assert os.environ["LORE_T_URL"] == "test-db" and os.environ["LORE_T_ONLY_DEV"] == "1"
    assert env.sources == {"LORE_T_URL": ".env.test", "LORE_T_ONLY_DEV": lore.env.FROM_DOTENV}
    for name in ("LORE_T_URL", "LORE_T_ONLY_DEV"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("LORE_ENV", "development")  # .env.test is for the tests only
    lore.env.load()
    assert os.environ["LORE_T_URL"] == "development-db"
    monkeypatch.delenv("LORE_T_URL")
    monkeypatch.delenv("LORE_T_ONLY_DEV")


def test_malformed_dotenv_line_names_file_and_line(project: Path):
    (project / ".env").write_text("GOOD=1\nthis is not a setting\n")
    with pytest.raises(ConfigError, match=r"\.env:2: cannot parse"):
        lore.env.load()


def test_malformed_dotenv_line_is_not_echoed(project: Path):
    (project / ".env").write_text("GOOD=1\nDB_PASSWORD='hunter2 and more\n")
    with pytest.raises(ConfigError, match=r"\.env:2: cannot parse this line \(variable DB_PASS") as caught:
        lore.env.load()
    assert "hunter2" not in str(caught.value)


def test_non_utf8_dotenv_and_env_directory(project: Path, tmp_path, monkeypatch):
    (project / ".env").write_bytes(b"GOOD=1\nNAME=caf\xe9\n")
    with pytest.raises(ConfigError, match=r"\.env:2: byte 0xe9 is not UTF-8"):
        lore.env.load()
    (project / ".env").unlink()
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "TOKEN").write_bytes(b"\xff\xfe")
    monkeypatch.setenv("ENV_DIRECTORY", str(tmp_path / "secrets"))
    with pytest.raises(ConfigError, match=r"TOKEN:1: byte 0xff is not UTF-8"):
        lore.env.load()


def test_env_directory_provides_one_variable_per_file(project: Path, tmp_path, monkeypatch):
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "LORE_T_SECRET").write_text("s3cret\n")
    (secrets / ".hidden").write_text("ignored")
    monkeypatch.setenv("ENV_DIRECTORY", str(secrets))
    monkeypatch.delenv("LORE_T_SECRET", raising=False)
    env = lore.env.load()
    assert os.environ.pop("LORE_T_SECRET") == "s3cret"
    assert env.sources["LORE_T_SECRET"] == lore.env.FROM_DIRECTORY


def test_env_directory_that_is_not_a_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("ENV_DIRECTORY", str(tmp_path / "missing"))
    with pytest.raises(ConfigError, match="is not a folder"):
        lore.env.load()


def test_current_is_cached_until_reset(project: Path):
    assert lore.env.current() is lore.env.current()
    first = lore.env.current()
    lore.env.reset()
    assert lore.env.current() is not first
