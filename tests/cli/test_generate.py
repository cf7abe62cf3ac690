"""lore generate: templates rendered into the right folders, wired, never overwriting."""

from __future__ import annotations

import importlib
import json
import py_compile

import pytest
from click.testing import CliRunner

from lore.cli import cli, main
from lore.cli.generate import TEMPLATES
from lore.scaffold import class_name

ALL_FILES = [
    "shop/extracts/churn_risk.sql",
    "shop/pipelines/churn_risk.py",
    "shop/estimators/churn_risk.py",
    "shop/models/churn_risk.py",
    "tests/unit/test_churn_risk.py",
    "notebooks/churn_risk/exploration.ipynb",
]


def test_class_names():
    assert class_name("churn_risk") == "ChurnRisk" and class_name("x") == "X"


def test_all_renders_parts_that_import_each_other(new_project):
    result = CliRunner().invoke(cli, ["generate", "all", "churn_risk"])
    assert result.exit_code == 0, result.output
    for path in ALL_FILES:
        assert (new_project / path).is_file(), path
        assert f"created {path}" in result.output
    model = (new_project / "shop/models/churn_risk.py").read_text()
    assert "from shop.pipelines.churn_risk import TrainTestSplit" in model
    assert "from shop.estimators.churn_risk import build" in model and "class ChurnRisk(" in model
    assert (
        "from shop.models.churn_risk import ChurnRisk"
        in (new_project / "tests/unit/test_churn_risk.py").read_text()
    )
    notebook = json.loads((new_project / "notebooks/churn_risk/exploration.ipynb").read_text())
    assert notebook["metadata"]["kernelspec"]["name"] == "shop"
    for path in new_project.rglob("*.py"):
        py_compile.compile(str(path), doraise=True)
    assert "lore fit shop.models.churn_risk.ChurnRisk" in result.output


def test_generated_estimator_builds_a_lore_estimator(new_project):
    CliRunner().invoke(cli, ["generate", "estimator", "forest"])
    import sys

    sys.path.insert(0, str(new_project))
    module = importlib.import_module("shop.estimators.forest")
    estimator = module.build(n_estimators=10)
    assert type(estimator).__name__ == "SKLearn" and estimator.params["n_estimators"] == 10


def test_generated_api_router_and_task(new_project, capsys):
    assert main(["generate", "api", "hello"]) == 0
    assert main(["generate", "task", "weekly"]) == 0
    capsys.readouterr()
    import sys

    sys.path.insert(0, str(new_project))
    router = importlib.import_module("shop.api.hello").router
    assert [route.path for route in router.routes] == ["/hello/hello"]
    assert main(["task", "weekly", "--times", "2"]) == 0
    assert capsys.readouterr().out == "weekly done weekly done\n"


def test_refuses_to_overwrite_and_writes_nothing(new_project, capsys):
    (new_project / "shop/models/churn.py").write_text("# mine\n")
    assert main(["generate", "all", "churn"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "refusing to overwrite shop/models/churn.py" in err[0]
    assert (new_project / "shop/models/churn.py").read_text() == "# mine\n"
    assert not (new_project / "shop/pipelines/churn.py").exists()


def test_model_needs_its_pipeline_and_estimator(new_project, capsys):
    assert main(["generate", "model", "lonely"]) == 1
    err = capsys.readouterr().err
    assert "imports shop.pipelines.lonely, which does not exist" in err and "lore generate all lonely" in err
    assert not (new_project / "shop/models/lonely.py").exists()


@pytest.mark.parametrize("name", ["1x", "with-dash", "class"])
def test_bad_names(new_project, capsys, name):
    assert main(["generate", "pipeline", name]) == 1
    assert "cannot name a module" in capsys.readouterr().err


def test_unknown_kind_and_outside_a_project(new_project, tmp_path_factory, monkeypatch, capsys):
    assert main(["generate", "gizmo", "x"]) == 2
    assert "Invalid value for" in capsys.readouterr().err
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))
    import lore.env

    lore.env.reset()
    assert main(["generate", "model", "x"]) == 1
    assert "not inside a lore project" in capsys.readouterr().err


def test_every_template_kind_exists():
    import lore.scaffold

    assert set(TEMPLATES) <= set(lore.scaffold.kinds())


def test_workflow_kinds_come_from_the_workflow_layer(new_project, capsys):
    import importlib.util

    assert main(["generate", "step", "clean"]) == 2
    assert "lore generate step NAME --stage STAGE" in capsys.readouterr().err
    if importlib.util.find_spec("lore.workflow.scaffold") is None:
        assert main(["generate", "stage", "prepare"]) == 1
        assert "lore.workflow.scaffold has no generate_stage" in capsys.readouterr().err
    else:
        assert main(["generate", "stage", "prepare"]) == 0
        assert main(["generate", "step", "clean", "--stage", "prepare"]) == 0
        assert "created" in capsys.readouterr().out
