"""``lore generate KIND NAME``: add a part to the project, wired to the others.

Each kind is a template folder, ``lore/templates/<kind>/``, rendered into the
project root with the app, ``NAME`` and its class name (``churn_risk`` ->
``ChurnRisk``). A generated model imports the pipeline and estimator of the same
name, so ``lore generate all NAME`` (extract, pipeline, estimator, model, test and
notebook) fits at once with ``lore fit <app>.models.NAME.ClassName``. Nothing is
ever overwritten: if any file of the request exists, nothing is written.

``stage``, ``step`` and ``workflow`` come from :mod:`lore.workflow.scaffold`.

>>> scaffold.class_name("churn_risk")
'ChurnRisk'
"""

from __future__ import annotations

import keyword
from pathlib import Path

import click

from lore import scaffold
from lore.cli.project import enter
from lore.errors import LoreError

#: What ``all`` renders, in order.
ALL = ("extract", "pipeline", "estimator", "model", "test", "notebook")
#: Kinds rendered from a template of lore/templates/.
TEMPLATES = (*ALL, "api", "task")
#: Kinds the workflow layer generates.
WORKFLOW = ("stage", "step", "workflow")
#: For a kind that imports others: the module paths (under the app) it needs.
NEEDS = {"model": ("pipelines", "estimators"), "test": ("models",)}


def check_name(name: str) -> str:
    if not name.isidentifier() or keyword.iskeyword(name) or not name.isascii():
        raise LoreError(
            f"{name!r} cannot name a module; use letters, digits and underscores (e.g. churn_risk)"
        )
    return name


def render(kinds: tuple[str, ...], root: Path, variables: dict[str, str]) -> list[Path]:
    """Render the kinds together: all of them, or (if any file exists) none."""
    plans = [scaffold.plan(kind, root, variables) for kind in kinds]
    existing = [target for plan in plans for target in plan.values() if target.exists()]
    if existing:
        names = ", ".join(str(path.relative_to(root)) for path in existing)
        raise LoreError(f"refusing to overwrite {names}; pick another name or delete it first")
    app, name = variables["app"], variables["name"]
    for kind in kinds:
        for folder in NEEDS.get(kind, ()):
            module = root / app / folder / f"{name}.py"
            will_exist = any(module in plan.values() for plan in plans)
            if not module.exists() and not will_exist:
                raise LoreError(
                    f"a {kind} {name} imports {app}.{folder}.{name}, which does not exist; "
                    f"generate it first, or everything at once with `lore generate all {name}`"
                )
    written: list[Path] = []
    for kind in kinds:
        written += scaffold.render(kind, root, variables)
    return written


def workflow_part(kind: str, root: Path, app: str, name: str, stage: str | None) -> list[Path]:
    if kind == "step" and not stage:
        raise click.UsageError("a step belongs to a stage: lore generate step NAME --stage STAGE")
    try:
        from lore.workflow import scaffold as workflow_scaffold

        make = getattr(workflow_scaffold, f"generate_{kind}")
    except (ImportError, AttributeError):
        raise LoreError(
            f"this lore cannot generate a {kind}: lore.workflow.scaffold has no generate_{kind}"
        ) from None
    result = make(root, app, stage, name) if kind == "step" else make(root, app, name)
    return [Path(path) for path in result] if isinstance(result, (list, tuple)) else [Path(result)]


@click.command()
@click.argument("kind", type=click.Choice(["all", *TEMPLATES, *WORKFLOW]))
@click.argument("name")
@click.option("--stage", help="The stage a step belongs to (for `generate step`).")
def generate(kind: str, name: str, stage: str | None) -> None:
    """Add KIND (all, model, pipeline, ...) called NAME to the project, refusing to overwrite."""
    env = enter()
    root = env.require_root()
    check_name(name)
    if kind in WORKFLOW:
        written = workflow_part(kind, root, env.app, name, stage)
    else:
        variables = {"app": env.app, "name": name, "class_name": scaffold.class_name(name)}
        written = render(ALL if kind == "all" else (kind,), root, variables)
    for path in written:
        click.echo(f"created {path.relative_to(root) if path.is_absolute() else path}")
    if kind in ("all", "model"):
        click.echo(f"fit it with: lore fit {env.app}.models.{name}.{scaffold.class_name(name)}")
