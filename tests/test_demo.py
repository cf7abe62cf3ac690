"""python -m lore.demo: the main job end to end, in a temporary folder it names and removes."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest


@pytest.mark.slow
def test_the_demo_says_where_it_worked_and_removes_it(reports_on, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LORE_")}
    env["TMPDIR"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "lore.demo"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    folder = re.search(r"^working in (\S+)$", done.stdout, re.MULTILINE).group(1)
    assert folder.startswith(str(tmp_path)) and "4. loaded fitting 1 back" in done.stdout
    assert re.search(r"^   its report: \S+/1/report/report.html$", done.stdout, re.MULTILINE)
    assert f"removed {folder} (python -m lore.demo --keep keeps it)" in done.stdout
    assert not os.path.exists(folder)
