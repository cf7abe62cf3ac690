"""The lore command: help, version, lazy subcommands, one-line errors."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from lore.cli import COMMANDS, cli, main

HEAVY = ("pandas", "numpy", "sklearn", "tensorflow", "keras", "xgboost", "boto3", "sqlalchemy")


def run_lore(*args: str, cwd=None, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lore", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=60
    )


def test_help_lists_every_command_without_importing_them():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output


def test_version():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("lore, version ")


@pytest.mark.parametrize("code", ["import lore", "from lore.cli import main; main(['--help'])"])
def test_startup_imports_no_heavy_library(code):
    probe = f"{code}\nimport sys\nprint('HEAVY:', *(m for m in {HEAVY!r} if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "HEAVY:", result.stdout.splitlines()[-1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no-such-command"], "No such command 'no-such-command'"),
        (["--no-such-option"], "No such option '--no-such-option'"),
    ],
)
def test_usage_errors_are_one_line_on_stderr(args, message):
    result = run_lore(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in result.stderr


def test_bad_environment_name_is_one_line(tmp_path):
    import os

    env = {**os.environ, "LORE_ENV": "staging"}
    result = run_lore("env", cwd=tmp_path, env=env)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "lore: LORE_ENV='staging' is not an environment lore knows; use one of development, test, production"
    ]


def test_env_shows_sources_and_masks_secrets(project, monkeypatch):
    (project / ".env").write_text("LORE_T_DB_URL=postgresql://app:hunter2@db/main\nLORE_T_API_TOKEN=abc\n")
    (project / "config" / "database.cfg").write_text("[MAIN]\nurl: $LORE_T_DB_URL\n")
    monkeypatch.delenv("LORE_T_DB_URL", raising=False)
    monkeypatch.delenv("LORE_T_API_TOKEN", raising=False)
    result = CliRunner().invoke(cli, ["env"])
    monkeypatch.delenv("LORE_T_DB_URL", raising=False)
    monkeypatch.delenv("LORE_T_API_TOKEN", raising=False)
    assert result.exit_code == 0, result.output
    assert f"root:        {project}" in result.output
    assert "environment: development" in result.output
    assert "LORE_T_API_TOKEN=****  (.env)" in result.output
    assert "url = postgresql://app:****@db/main  (database.cfg: $LORE_T_DB_URL)" in result.output
    assert "hunter2" not in result.output


def test_env_masks_every_kind_of_secret(project, monkeypatch):
    names = ["LORE_T_DB_PASS", "LORE_T_MYSQL_PWD", "LORE_T_SECRET_X", "LORE_T_SIGNING_KEY", "LORE_T_TOKENS"]
    lines = [f"{name}=hunter2" for name in names]
    lines += ["LORE_T_URL=postgresql://app:p@ss@db/main?sslmode=require&password=hunter2"]
    (project / ".env").write_text("\n".join(lines) + "\n")
    for name in [*names, "LORE_T_URL"]:
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(cli, ["env"])
    for name in [*names, "LORE_T_URL"]:
        monkeypatch.delenv(name, raising=False)
    assert result.exit_code == 0, result.output
    assert all(f"{name}=****  (.env)" in result.output for name in names), result.output
    assert "LORE_T_URL=postgresql://app:****@db/main?sslmode=require&password=****" in result.output
    assert "hunter2" not in result.output and "p@ss" not in result.output


def test_config_errors_exit_non_zero_with_one_line(project, capsys):
    (project / "config" / "database.cfg").write_text("[MAIN]\nurl: $LORE_T_NOT_SET_ANYWHERE\n")
    assert main(["env"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "$LORE_T_NOT_SET_ANYWHERE" in err[0]


def test_malformed_dotenv_exits_non_zero_with_one_line(project, capsys):
    (project / ".env").write_text("not a setting\n")
    assert main(["env"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and ".env:1: cannot parse" in err[0]


def test_importing_lore_main_does_not_run_the_command():
    result = subprocess.run(
        [sys.executable, "-c", "import lore.__main__; print('imported')"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and result.stdout == "imported\n", result.stderr
