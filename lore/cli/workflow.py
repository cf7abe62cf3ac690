"""``lore workflow run WORKFLOW``: run a workflow's stages, reusing unchanged results."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from lore.cli.project import enter, import_object
from lore.errors import WorkflowError


def read_config(path: str | None) -> dict[str, Any] | None:
    """A workflow config from a JSON file (stage -> step -> parameters), or None."""
    if path is None:
        return None
    try:
        config = json.loads(Path(path).read_text(encoding="utf-8"))
    except ValueError as error:
        raise WorkflowError(f"{path} is not valid JSON: {error}") from None
    if not isinstance(config, dict):
        raise WorkflowError(f"{path} must hold a JSON object keyed by stage name")
    return config


@click.group()
def workflow() -> None:
    """Run the project's workflows (steps grouped into stages)."""


@workflow.command()
@click.argument("target")
@click.option("--from", "from_stage", help="Re-run from this stage; earlier stages' results are read back.")
@click.option(
    "--config", "config_path", type=click.Path(dir_okay=False), help="JSON file: stage -> step -> params."
)
@click.option("--force", is_flag=True, help="Run every stage even when its persisted result is current.")
@click.option("--path", "path", type=click.Path(file_okay=False), help="Where stage results are persisted.")
@click.option("--remote", help="An S3 path to mirror persisted stage results to.")
def run(
    target: str,
    from_stage: str | None,
    config_path: str | None,
    force: bool,
    path: str | None,
    remote: str | None,
) -> None:
    """Run TARGET (module.WorkflowClass), e.g. my_app.recommender.workflow.RecommenderWorkflow."""
    from lore.workflow import Workflow

    enter()
    klass = import_object(target, "workflow", WorkflowError)
    if not (isinstance(klass, type) and issubclass(klass, Workflow)):
        raise WorkflowError(f"{target} is not a lore.workflow.Workflow subclass")
    config = read_config(config_path)
    options: dict[str, Any] = {"path": path, "remote": remote}
    flow = klass(config, **options) if config is not None else klass(**options)
    result = flow.run(from_stage=from_stage, force=force)
    for record in flow.report:
        status = "reused" if record.reused else "ran"
        click.echo(f"{record.name:<20} {status:<7} {record.seconds:8.3f}s")
    shape = getattr(result, "shape", None)
    click.echo(f"result: {type(result).__name__}{'' if shape is None else tuple(shape)} in {flow.path}")
