"""Finding the Python that runtime.txt names, and the virtualenv's paths."""

from __future__ import annotations

import os
import sys

import pytest

from lore.cli import virtualenv
from lore.errors import ConfigError

VERSION = ".".join(map(str, sys.version_info[:3]))


@pytest.mark.parametrize("text", ["3.11.7", "python3.11", "python-3", "python-3.11.7.1", ""])
def test_malformed_runtime_is_a_config_error(text):
    with pytest.raises(ConfigError, match="python-3.11.7"):
        virtualenv.parse_runtime(text)


def test_versions_match_by_prefix():
    assert virtualenv.matches("3.11.7", "3.11.7") and virtualenv.matches("3.11.7", "3.11")
    assert not virtualenv.matches("3.11.7", "3.11.6") and not virtualenv.matches("3.1.7", "3.11")


def test_finds_this_python_and_not_a_missing_one():
    assert virtualenv.version_of(virtualenv.find_python(VERSION)) == VERSION
    assert virtualenv.find_python("3.99.1") is None


def test_finds_a_pyenv_python_by_version(tmp_path, monkeypatch):
    fake = tmp_path / "versions" / "3.42.0" / "bin" / "python"
    fake.parent.mkdir(parents=True)
    fake.write_text("#!/bin/sh\necho 3.42.0\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path))
    assert virtualenv.find_python("3.42") == fake
    assert virtualenv.find_python("3.42.1") is None


def test_paths_and_interpreter_without_a_virtualenv(tmp_path):
    assert virtualenv.python(tmp_path) == tmp_path / ".venv" / "bin" / "python"
    assert not virtualenv.exists(tmp_path) and not virtualenv.installed(tmp_path)
    assert virtualenv.interpreter(tmp_path) == sys.executable
    assert virtualenv.environ(tmp_path).get("VIRTUAL_ENV") == os.environ.get("VIRTUAL_ENV")  # untouched
