"""lore workflow run, in a project with the generated example."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from lore.cli import group, main
from lore.workflow.scaffold import generate_workflow

TARGET = "demo_app.recommender.workflow.RecommenderWorkflow"


@pytest.fixture
def example(project):
    generate_workflow(project, "demo_app", "recommender")
    return project


def test_run_then_reuse_then_resume(example, capsys):
    assert main(["workflow", "run", TARGET]) == 0
    first = capsys.readouterr().out
    assert "stage1               ran" in first and "result: DataFrame(" in first
    assert main(["workflow", "run", TARGET]) == 0
    assert "stage2               reused" in capsys.readouterr().out
    assert main(["workflow", "run", TARGET, "--from", "stage2"]) == 0
    assert "stage2               ran" in capsys.readouterr().out


def test_misconfiguration_is_one_line(example, tmp_path, capsys):
    config = tmp_path / "bad.json"
    config.write_text(json.dumps({"stage1": {"event_filter": {"min_score": 3}}}))
    assert main(["workflow", "run", TARGET, "--config", str(config)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "lore: Stage1 has no step 'event_filter'; its steps are: "
        "data_loader, score_events, group_scores, score_filter, encode_itemids"
    ]


def test_target_that_is_not_a_workflow(example, capsys):
    assert main(["workflow", "run", "demo_app.recommender.config.CONFIG"]) == 1
    assert "is not a lore.workflow.Workflow subclass" in capsys.readouterr().err


def test_missing_events_file_is_named(example, capsys):
    (example / "demo_app" / "recommender" / "mock_data" / "events.csv").unlink()
    assert main(["workflow", "run", TARGET]) == 1
    err = capsys.readouterr().err
    assert "step 'data_loader'" in err and "no events file" in err and "lore.workflow.mock" in err


def test_help_mentions_from():
    result = CliRunner().invoke(group.cli, ["workflow", "run", "--help"])
    assert "--from" in result.output
