"""``lore api``: options, and a clear error outside a project (the server itself: tests/server)."""

from __future__ import annotations

from click.testing import CliRunner

from lore.cli import COMMANDS, main
from lore.cli.api import api


def test_it_is_registered_and_documents_its_options():
    assert COMMANDS["api"][:2] == ("api", "api")
    output = CliRunner().invoke(api, ["--help"]).output
    for option in ("--host", "--port", "--workers", "--reload", "--graceful-timeout"):
        assert option in output


def test_outside_a_project_it_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["api", "--port", "0"]) == 1
    assert "not inside a lore project" in capsys.readouterr().err


def test_a_bad_port_is_a_usage_error(capsys):
    assert main(["api", "--port", "70000"]) == 2
    assert "--port" in capsys.readouterr().err


def test_without_the_api_extra_it_names_the_extra(monkeypatch, capsys):
    import sys

    monkeypatch.setitem(sys.modules, "fastapi", None)  # what an absent package looks like to import
    monkeypatch.delitem(sys.modules, "lore.server.app", raising=False)
    assert main(["api"]) == 1
    assert 'pip install "lore-ml[api]"' in capsys.readouterr().err


def test_a_bad_drift_threshold_is_one_line_before_serving(project, capsys):
    (project / "config" / "monitoring.cfg").write_text("[DRIFT]\ndistance: high\n")
    assert main(["api", "--port", "0"]) == 1
    error = capsys.readouterr().err
    assert "[DRIFT] distance='high' is not a number" in error and "Traceback" not in error
    assert len(error.strip().splitlines()) == 1
