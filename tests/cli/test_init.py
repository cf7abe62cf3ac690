"""lore init: the project tree, its sample data, and refusals that leave nothing behind."""

from __future__ import annotations

import sqlite3
import subprocess

import pytest
from click.testing import CliRunner

import lore.cli.init
from lore.cli import cli, main

TREE = [
    ".env.template", ".gitignore", ".github/workflows/ci.yml", "README.rst", "requirements.txt",
    "runtime.txt", "config/database.cfg", "data/main.sqlite", "docs/index.rst", "logs", "models",
    "notebooks", "shop/__init__.py", "shop/api/__init__.py", "shop/extracts/subscribers.sql",
    "shop/estimators/__init__.py", "shop/models/__init__.py", "shop/models/subscribers.py",
    "shop/pipelines/__init__.py", "shop/pipelines/subscribers.py", "shop/tasks/__init__.py",
    "tests/conftest.py", "tests/unit/test_subscribers.py", "tests/data/main.sqlite", "tests/models",
]  # fmt: skip


def test_init_renders_the_project_tree(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["init", "shop", "--python-version", "3.11.7"])
    assert result.exit_code == 0, result.output
    root = tmp_path / "shop"
    for path in TREE:
        assert (root / path).exists(), path
    assert (root / "runtime.txt").read_text() == "python-3.11.7\n"
    assert "\nlore-ml[api,names,sql,xgboost]\n" in (root / "requirements.txt").read_text()
    assert "pytest" in (root / "requirements-dev.txt").read_text()
    ignored = (root / ".gitignore").read_text().splitlines()
    assert {".env", "/data/*", "/models/*", ".venv/"} <= set(ignored)
    model = (root / "shop/models/subscribers.py").read_text()
    assert "from shop.pipelines.subscribers import TrainTestSplit" in model
    assert not list(root.rglob("*.tmpl"))
    assert "lore fit shop.models.subscribers.BoostedName" in result.output
    assert oct(root.stat().st_mode & 0o777) != oct(0o700)  # not the private temp folder's mode


def test_init_makes_a_git_repository_that_ignores_data_and_secrets(tmp_path, monkeypatch):
    root = lore.cli.init.create(tmp_path / "shop", "3.11.7")
    (root / ".env").write_text("SECRET=1\n")
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"], cwd=root, capture_output=True, text=True
    )
    listed = status.stdout
    assert "shop/models/subscribers.py" in listed and "tests/data/main.sqlite" in listed
    assert ".env\n" not in listed and "data/main.sqlite" not in listed.replace("tests/data/main.sqlite", "")


def test_sample_database_has_users_in_development_and_test(tmp_path):
    root = lore.cli.init.create(tmp_path / "shop", "3.11.7")
    for path in (root / "data/main.sqlite", root / "tests/data/main.sqlite"):
        with sqlite3.connect(path) as db:
            count, subscribers = db.execute("SELECT count(*), sum(has_subscription) FROM users").fetchone()
        assert count == 2000 and 0 < subscribers < count


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("1shop", "cannot name a project"),
        ("my-shop", "cannot name a project"),
        ("class", "is a Python keyword"),
        ("json", "would shadow the module 'json'"),
        ("lore", "would shadow the module 'lore'"),
        ("numpy", "would shadow the module 'numpy'"),
        ("", "the project name is empty"),
        ("  ", "the project name is empty"),
        (
            "apps/shop",
            "is a path, not a project name; cd into the folder it should go in and run `lore init shop`",
        ),
        ("../shop", "is a path, not a project name"),
        ("s" * 65, "the project name is 65 characters long; use at most 64"),
    ],
)
def test_invalid_names_are_refused_in_one_line(tmp_path, monkeypatch, capsys, name, message):
    monkeypatch.chdir(tmp_path)
    assert main(["init", name]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]
    assert list(tmp_path.iterdir()) == []


def test_existing_non_empty_folder_is_left_alone(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "notes.txt").write_text("mine")
    assert main(["init", "shop"]) == 1
    assert "already exists and is not empty" in capsys.readouterr().err
    assert [p.name for p in (tmp_path / "shop").iterdir()] == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shop"]


def test_existing_empty_folder_is_filled(tmp_path):
    (tmp_path / "shop").mkdir()
    root = lore.cli.init.create(tmp_path / "shop", "3.11.7")
    assert (root / "shop" / "models" / "subscribers.py").exists()


def test_failure_half_way_leaves_nothing_behind(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("lore.cli.sample.write_sample", broken)
    with pytest.raises(OSError, match="disk full"):
        lore.cli.init.create(tmp_path / "shop", "3.11.7")
    assert list(tmp_path.iterdir()) == []


def test_bad_python_version_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["init", "shop", "--python-version", "three"]) == 1
    assert "python-3.11.7" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("version", ["3.6.3", "3.9", "2.7.18"])
def test_a_python_older_than_lore_supports_is_refused(tmp_path, monkeypatch, capsys, version):
    monkeypatch.chdir(tmp_path)
    assert main(["init", "shop", "--python-version", version]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert (
        len(err) == 1
        and f"lore runs on Python 3.10 or newer, so a project cannot ask for {version}" in err[0]
    )
    assert list(tmp_path.iterdir()) == []


def test_init_through_a_real_subprocess(tmp_path, run_lore):
    made = run_lore(tmp_path, "init", "shop")
    assert made.returncode == 0, made.stderr
    again = run_lore(tmp_path, "init", "shop")
    assert again.returncode == 1 and again.stderr.count("\n") == 1 and "Traceback" not in again.stderr
