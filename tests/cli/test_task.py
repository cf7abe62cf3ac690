"""lore task: functions of the app's tasks, with typed arguments."""

from __future__ import annotations

import sqlite3

from lore.cli import main


def test_sample_task_rebuilds_the_database_with_typed_arguments(new_project, capsys):
    assert main(["task", "sample", "--rows", "30", "--seed", "2"]) == 0
    assert "wrote 30 sample users" in capsys.readouterr().out
    with sqlite3.connect(new_project / "data" / "main.sqlite") as db:
        assert db.execute("SELECT count(*) FROM users").fetchone() == (30,)


def test_positional_arguments_and_classes(new_project, capsys):
    (new_project / "shop/tasks/__init__.py").write_text(
        "def add(a: int, b: int = 1):\n    return a + b\n\n"
        "class Greet:\n    def __init__(self, who='you'):\n        self.who = who\n"
        "    def run(self):\n        return 'hi ' + self.who\n"
    )
    assert main(["task", "add", "2", "--b", "5"]) == 0
    assert main(["task", "Greet", "--who", "ann"]) == 0
    assert capsys.readouterr().out == "7\nhi ann\n"


def test_bad_task_input_is_one_line(new_project, capsys):
    assert main(["task", "nope"]) == 1
    assert "shop.tasks has no 'nope'; it defines: sample" in capsys.readouterr().err
    assert main(["task", "sample", "--rows", "many"]) == 2
    assert "--rows expects int, got 'many'" in capsys.readouterr().err
    assert main(["task", "sample", "--colour", "red"]) == 2
    assert "unexpected keyword argument 'colour'" in capsys.readouterr().err


def test_original_lore_tasks_run_by_their_full_path(new_project, capsys):
    import pytest

    (new_project / "shop/tasks/__init__.py").write_text("")
    (new_project / "shop/tasks/report.py").write_text(
        "import lore.tasks.base\n\n"
        "class Totals(lore.tasks.base.Base):\n"
        "    def main(self, days: int = 1, label='total'):\n"
        "        return f'{label} {days * 2}'\n"
    )
    with pytest.warns(DeprecationWarning, match=r"lore.tasks.base.Base .* use lore.cli.task.Task"):
        assert main(["task", "shop.tasks.report.Totals", "--days", "4"]) == 0
    assert capsys.readouterr().out == "total 8\n"
