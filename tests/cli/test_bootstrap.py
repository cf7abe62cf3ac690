"""The bootstrap: lore re-executes itself in the project's virtualenv, once."""

from __future__ import annotations

import json

import pytest

from lore.cli import bootstrap, virtualenv


@pytest.fixture
def fake_installed(tmp_path):
    """A project whose .venv looks installed (a python file and the install record)."""
    python = virtualenv.python(tmp_path)
    python.parent.mkdir(parents=True)
    python.write_text("")
    (virtualenv.folder(tmp_path) / virtualenv.STATE).write_text(json.dumps({"fingerprint": "x"}))
    return tmp_path


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["fit", "x"], True),
        (["fit", "--help"], True),
        (["init", "x"], False),
        (["install"], False),
        (["--help"], False),
        (["--version"], False),
        ([], False),
    ],
)
def test_which_commands_re_execute(fake_installed, monkeypatch, args, expected):
    monkeypatch.delenv(bootstrap.MARK, raising=False)
    monkeypatch.delenv("LORE_NO_BOOTSTRAP", raising=False)
    assert bootstrap.should(args, fake_installed) is expected


def test_no_bootstrap_no_venv_and_the_loop_guard(fake_installed, tmp_path_factory, monkeypatch):
    monkeypatch.delenv(bootstrap.MARK, raising=False)
    monkeypatch.setenv("LORE_NO_BOOTSTRAP", "1")
    assert not bootstrap.should(["fit"], fake_installed)
    monkeypatch.delenv("LORE_NO_BOOTSTRAP")
    assert not bootstrap.should(["fit"], None)
    assert not bootstrap.should(["fit"], tmp_path_factory.mktemp("bare"))
    monkeypatch.setenv(bootstrap.MARK, str(virtualenv.folder(fake_installed)))
    assert not bootstrap.should(["fit"], fake_installed)


def test_an_unfinished_install_is_not_entered(fake_installed, monkeypatch):
    monkeypatch.delenv(bootstrap.MARK, raising=False)
    (virtualenv.folder(fake_installed) / virtualenv.STATE).unlink()
    assert not bootstrap.should(["fit"], fake_installed)


@pytest.mark.slow
def test_commands_run_in_the_project_virtualenv(installed_project, run_lore):
    code = "import sys, os; print(sys.prefix, os.environ['VIRTUAL_ENV'], os.environ.get('LORE_BOOTSTRAPPED'))"
    venv = str(installed_project / ".venv")
    result = run_lore(installed_project / "depot", "python", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [venv, venv, venv]  # lore itself re-executed in the venv
    plain = run_lore(installed_project, "python", "-c", code, LORE_NO_BOOTSTRAP="1")
    assert plain.stdout.split() == [venv, venv, "None"]  # lore stayed put; `lore python` is the venv's
