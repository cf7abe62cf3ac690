"""lore console: the project loaded, the prompt coloured by environment."""

from __future__ import annotations

import os
import subprocess
import sys

from lore.cli.console import prompt


def test_prompt_colours():
    assert prompt("shop", "production").startswith("\x1b[1;31m")
    assert prompt("shop", "development").startswith("\x1b[1;32m")
    assert "shop[test]" in prompt("shop", "test")


def test_plain_console_has_the_project_loaded(new_project):
    env = {**os.environ, "LORE_NO_BOOTSTRAP": "1", "LORE_ENV": "production"}
    done = subprocess.run(
        [sys.executable, "-m", "lore", "console", "--plain"],
        input="print(shop.__name__, env.name, lore.io.main.name)\n",
        capture_output=True,
        text=True,
        cwd=new_project,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "shop production main" in done.stdout
    assert "loaded: lore (lore.io imported), env, shop" in done.stdout
    assert "\x1b[1;31mshop[production]" in done.stdout


def test_ipython_console_runs_input(new_project):
    env = {**os.environ, "LORE_NO_BOOTSTRAP": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "lore", "console"],
        input="print(shop.__name__ + '!')\n",
        capture_output=True,
        text=True,
        cwd=new_project,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "shop!" in done.stdout
