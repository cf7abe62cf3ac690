"""docs/migrating.rst: the original README's example, with the guide's diff applied, runs on lore."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import unittest
from pathlib import Path

import numpy as np
import pytest

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "migrating.rst"


def blocks(language: str) -> list[str]:
    """The guide's code blocks in ``language``, dedented (blank lines kept as they are)."""
    found = re.findall(rf"\.\. code-block:: {language}\n\n((?:(?:   .*)?\n)+)", GUIDE.read_text())
    return [textwrap.dedent(block) for block in found]


def test_the_guide_is_in_the_docs_index() -> None:
    assert "   migrating\n" in (GUIDE.parent / "index.rst").read_text()


def test_every_old_name_is_in_the_guide() -> None:
    from lore import compat

    text = GUIDE.read_text()
    for old in compat.NAMES:
        module, _, name = old.rpartition(".")
        short = module.removeprefix("lore.").split(".")[-1]
        assert name in text and (short in text or module in text), old
    for renames in compat.KEYWORDS.values():
        for keyword in renames:
            assert f"{keyword}=" in text, keyword


@pytest.fixture
def original_project(tmp_path, monkeypatch):
    """The original example's files (from the guide) in a project named ``app``, diff applied."""
    import pandas as pd
    import sqlalchemy as sa

    import lore.env

    root = tmp_path / "app"
    for package in ("app", "app/pipelines", "app/models", "tests", "tests/unit"):
        (root / package).mkdir(parents=True, exist_ok=True)
        (root / package / "__init__.py").touch()
    for code in [*blocks("sql"), *blocks("python")]:
        path = root / re.match(r"(?:--|#) (\S+)", code).group(1)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(code.rstrip("\n") + "\n")
    (root / "runtime.txt").write_text("python-3.11\n")
    (root / "config").mkdir()
    (root / "config" / "database.cfg").write_text("[MAIN]\nurl: $DATABASE_URL\n")
    (diff,) = blocks("diff")
    patch = "\n".join(line or " " for line in diff.splitlines()) + "\n"
    subprocess.run(["git", "apply", "-"], input=patch, text=True, cwd=root, check=True)
    database = root / "data" / "users.sqlite"
    database.parent.mkdir()
    rng = np.random.default_rng(0)
    names = np.array(["Emily", "Jessica", "Ashley", "Sarah", "Michael", "Christopher", "Matthew", "Joshua"])
    users = pd.DataFrame({"first_name": names[rng.integers(0, len(names), 300)]})
    users["has_subscription"] = users["first_name"].isin(names[:4]) & (rng.random(300) < 0.8)
    users.to_sql("users", sa.create_engine(f"sqlite:///{database}"), index=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.setenv("LORE_ROOT", str(root))
    monkeypatch.setenv("LORE_APP", "app")
    monkeypatch.chdir(root)
    monkeypatch.syspath_prepend(str(root))
    lore.env.reset()
    for name in [module for module in sys.modules if module.split(".")[0] in ("app", "tests")]:
        monkeypatch.delitem(sys.modules, name)  # the example's own app and tests packages
    yield root
    for name in [module for module in sys.modules if module.split(".")[0] in ("app", "tests")]:
        del sys.modules[name]


@pytest.mark.slow
def test_the_migrated_cute_little_example_runs(original_project) -> None:
    import importlib

    module = importlib.import_module("tests.unit.subscribers")
    assert Path(module.__file__).is_relative_to(original_project)
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(module.TestSubscribers)
    result = unittest.TextTestRunner(stream=sys.stderr, verbosity=0).run(suite)
    assert result.wasSuccessful(), result.errors + result.failures
