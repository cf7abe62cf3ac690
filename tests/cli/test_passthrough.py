"""lore pip / python / exec pass every argument through and keep the exit status."""

from __future__ import annotations

import sys

from lore.cli import main


def test_python_passes_arguments_and_exit_status(new_project, capfd):
    assert main(["python", "-c", "import sys; print(sys.argv[1:]); sys.exit(3)", "--flag", "x"]) == 3
    assert capfd.readouterr().out == "['--flag', 'x']\n"


def test_pip_runs_pip(new_project, capfd):
    assert main(["pip", "--version"]) == 0
    assert capfd.readouterr().out.startswith("pip ")


def test_exec_runs_a_command_with_its_options(new_project, capfd):
    assert main(["exec", sys.executable, "-c", "import os; print(os.getcwd())"]) == 0
    assert capfd.readouterr().out.strip() == str(new_project)
    assert main(["exec", "no-such-command-anywhere"]) == 1
    assert "no-such-command-anywhere: command not found" in capfd.readouterr().err


def test_outside_a_project(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["python", "-c", "pass"]) == 1
    assert "not inside a lore project" in capsys.readouterr().err


def test_exec_help_is_lores_help_and_a_commands_help_is_the_commands(new_project, capfd):
    assert main(["exec", "--help"]) == 0
    assert "Usage: lore exec [OPTIONS] COMMAND..." in capfd.readouterr().out
    assert main(["exec", sys.executable, "--help"]) == 0
    assert "usage:" in capfd.readouterr().out.lower()
