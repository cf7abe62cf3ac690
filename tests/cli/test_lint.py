"""``lore lint``: the workflow docstring conventions, then ruff, one line per miss."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from lore.cli import main
from lore.cli.lint import lint

COMPLIANT = '''\
"""Split events into training and test sets.

Example usage:
>>> from shop.stage1.steps.split import Split
>>> Split().execute([1, 2])
[1, 2]
"""

import pickle

from lore.workflow import Step


class Split(Step):
    """Splits an event stream in two.

    Init parameters:
        train_percentile: share of the rows in the training set

    Execution Args:
        df: the events

    Execution Returns:
        tuple of (training, test) frames

    persistence strategy:
        pickle the tuple
    """

    def __init__(self, train_percentile=90):
        self.train_percentile = train_percentile

    def execute(self, df):
        return df

    def persist(self, path, data):
        with open(path, "wb") as f:
            pickle.dump(data, f)
'''


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def run(*args: str):
    return CliRunner().invoke(lint, list(args))


def test_compliant_step_passes(tmp_path):
    path = write(tmp_path, "split.py", COMPLIANT)
    result = run(str(path))
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "lint: no problems in 1 files"


def test_missing_module_docstring(tmp_path):
    path = write(tmp_path, "helpers.py", "VALUE = 1\n")
    result = run(str(path))
    assert result.exit_code == 1
    assert f"{path}:1: module has no docstring" in result.output
    assert result.output.strip().splitlines()[-1] == "lint: 1 convention problem in 1 files"


def test_empty_init_needs_no_docstring(tmp_path):
    write(tmp_path, "pkg/__init__.py", "")
    assert run(str(tmp_path)).exit_code == 0


def test_step_module_without_example(tmp_path):
    text = COMPLIANT.replace("\nExample usage:\n>>> from shop.stage1.steps.split import Split\n", "\n")
    text = text.replace(">>> Split().execute([1, 2])\n[1, 2]\n", "")
    path = write(tmp_path, "split.py", text)
    result = run(str(path))
    assert result.exit_code == 1
    assert f"{path}:1: module docstring has no usage example; add 'Example usage:'" in result.output
    assert "step Split" in result.output


@pytest.mark.parametrize(
    ("heading", "reported"),
    [
        ("Init parameters:", "Init parameters"),
        ("Execution Args:", "Execution Args"),
        ("Execution Returns:", "Execution Returns"),
        ("persistence strategy:", "Persist Strategy"),
    ],
)
def test_each_missing_section_is_reported(tmp_path, heading, reported):
    path = write(tmp_path, "split.py", COMPLIANT.replace(heading, "Notes:"))
    result = run(str(path))
    assert result.exit_code == 1
    problems = [line for line in result.output.splitlines() if line.startswith(str(path))]
    assert problems == [
        f"{path}:14: step class Split has no '{reported}:' section in its docstring; "
        + problems[0].split("; ", 1)[1]
    ]
    assert "add one describing" in problems[0]


def test_class_without_docstring_and_kinds_by_location(tmp_path):
    stage = tmp_path / "shop" / "stage1"
    (stage / "steps").mkdir(parents=True)
    step = write(stage, "steps/load.py", '"""Load.\n\n>>> 1\n1\n"""\n\n\nclass Load:\n    pass\n')
    main_py = write(stage, "main.py", '"""Stage.\n\n>>> 1\n1\n"""\n\n\nclass Stage1:\n    pass\n')
    helper = write(stage, "steps/_private.py", '"""Helpers."""\n\n\nclass _Cache:\n    pass\n')
    result = run(str(tmp_path))
    assert result.exit_code == 1
    assert f"{step}:8: step class Load has no docstring; document 'Init parameters:'" in result.output
    assert f"{main_py}:8: stage class Stage1 has no docstring" in result.output
    assert str(helper) not in result.output


def test_base_names_make_a_step_or_stage(tmp_path):
    path = write(
        tmp_path,
        "flows.py",
        '''\
        """Flows.

        >>> 1
        1
        """
        import lore.workflow


        class Prepare(lore.workflow.Stage):
            """Prepares.

            Init parameters: none
            Execution Args: none
            Execution Returns: a frame
            Persist strategy: Parquet
            """


        class Fit(MyBaseStep):
            """Fits."""


        class Plain:
            """Not a step."""
        ''',
    )
    result = run(str(path))
    lines = [line for line in result.output.splitlines() if " class " in line]
    assert len(lines) == 4
    assert all(line.startswith(f"{path}:19: step class Fit has no") for line in lines)


def test_swapped_pickle_dump_is_caught(tmp_path):
    path = write(tmp_path, "split.py", COMPLIANT.replace("pickle.dump(data, f)", "pickle.dump(f, data)"))
    result = run(str(path))
    assert result.exit_code == 1
    assert (
        f"{path}:38: pickle.dump(f, data) has its arguments swapped: the object comes first, "
        "then the file; write pickle.dump(data, f)"
    ) in result.output


def test_swapped_dump_through_aliases(tmp_path):
    path = write(
        tmp_path,
        "save.py",
        '''\
        """Saving."""
        import pickle as pk
        from pickle import dump


        def save(path, data):
            with path.open("wb") as out:
                pk.dump(out, data)
                dump(out, data)
                pk.dump(data, out)
        ''',
    )
    output = run(str(path)).output
    assert f"{path}:8: pickle.dump(out, data) has its arguments swapped" in output
    assert f"{path}:9: pickle.dump(out, data) has its arguments swapped" in output
    assert f"{path}:10:" not in output


def test_ruff_findings_are_reported(tmp_path):
    path = write(tmp_path, "unused.py", '"""Imports something unused."""\n\nimport os\n')
    result = run(str(path))
    assert result.exit_code == 1
    assert "F401" in result.output and f"{path}:3:" in result.output
    assert result.output.strip().splitlines()[-1] == (
        "lint: 0 convention problems and ruff found problems (above) in 1 files"
    )


def test_default_is_the_app_package(project):
    write(project / "demo_app", "models.py", "X = 1\n")
    result = run()
    assert result.exit_code == 1
    assert "demo_app/models.py:1: module has no docstring" in result.output


def test_missing_path_is_a_clear_error(tmp_path, capsys):
    assert main(["lint", str(tmp_path / "nope.py")]) == 1
    assert "no such file or folder" in capsys.readouterr().err
    readme = write(tmp_path, "README.rst", "Hello\n")
    assert main(["lint", str(readme)]) == 1
    assert "not a Python file" in capsys.readouterr().err


def test_outside_a_project_without_paths(tmp_path, monkeypatch, run_lore):
    monkeypatch.chdir(tmp_path)
    result = run_lore(tmp_path, "lint")
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("lore: not inside a lore project")


def test_syntax_error_is_one_line(tmp_path):
    path = write(tmp_path, "broken.py", '"""Broken."""\n\ndef f(:\n')
    assert f"{path}:3: syntax error" in run(str(path)).output


def test_rendered_example_workflow(tmp_path, monkeypatch):
    from lore.workflow import scaffold

    scaffold.generate_workflow(tmp_path, "shop", "recs")
    monkeypatch.chdir(tmp_path)
    result = run("shop")
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1].startswith("lint: no problems in ")


def test_ruff_uses_the_project_configuration(tmp_path):
    text = '"""Two imports out of order."""\n\nimport sys\nimport os\n\nprint(os, sys)\n'
    path = write(tmp_path, "order.py", text)
    assert run(str(path)).exit_code == 0  # no configuration: the baseline rules only
    (tmp_path / "pyproject.toml").write_text('[tool.ruff.lint]\nselect = ["I"]\n')
    result = run(str(path))
    assert result.exit_code == 1
    assert f"{path}:3:1: I001" in result.output


def test_lint_is_a_lore_command(tmp_path):
    from lore.cli import cli

    path = write(tmp_path, "split.py", COMPLIANT)
    assert "lint" in CliRunner().invoke(cli, ["--help"]).output
    assert CliRunner().invoke(cli, ["lint", str(path)]).exit_code == 0
