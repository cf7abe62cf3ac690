from __future__ import annotations

import subprocess

from lore.models.provenance import PACKAGES, code_version
from lore.util import package_versions


def test_commit_of_a_git_project(tmp_path) -> None:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True, text=True).stdout

    git("init", "-q")
    (tmp_path / "a.txt").write_text("1")
    git("add", "a.txt")
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "first")
    head = git("rev-parse", "HEAD").strip()
    assert code_version(tmp_path) == head
    (tmp_path / "a.txt").write_text("2")
    assert code_version(tmp_path) == f"{head}-dirty"
    git("add", "a.txt")  # staged is changed too
    assert code_version(tmp_path) == f"{head}-dirty"
    (tmp_path / "new.txt").write_text("untracked files do not count")
    git("reset", "-q", "--hard")
    assert code_version(tmp_path) == head


def test_a_repository_without_a_commit_is_none(tmp_path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    assert code_version(tmp_path) is None


def test_no_git_is_none(tmp_path) -> None:
    assert code_version(tmp_path) is None


def test_a_fitting_records_the_installed_distributions() -> None:
    versions = package_versions(PACKAGES)
    assert {"python", "lore-ml", "numpy", "scikit-learn"} <= set(versions)
    assert {"xgboost", "xgboost-cpu"} & set(versions)  # the full build, or the CPU-only one
