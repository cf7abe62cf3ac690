"""The documentation builds without warnings and covers every command."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from lore.cli import COMMANDS

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_is_documented(command):
    pages = "\n".join(page.read_text() for page in (ROOT / "docs").glob("*.rst"))
    # the whole word: "lore environment" does not document `lore env`
    assert re.search(rf"\blore {re.escape(command)}(?![\w-])", pages), (
        f"`lore {command}` appears in no page of docs/"
    )


@pytest.mark.slow
def test_docs_build_without_warnings(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", "docs", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
