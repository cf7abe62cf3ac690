"""``lore generate stage|step|workflow``: the workflow guide's layout, from templates.

A stage is ``<app>/<stage>/`` with ``main.py``, ``steps/`` and ``tests/``; the app
package gets ``mock_data/``, ``workflow_test.py``, ``config.py`` and ``constants.py``
the first time a stage is generated. A new step is a module in the stage's
``steps/`` with its unit test, and is registered in the stage's ``steps`` (when
``main.py`` still has the markers the template put there). ``generate_workflow``
renders the complete recommender example with a seeded mock events file.

>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> [p.relative_to(root).as_posix() for p in generate_stage(root, "shop", "stage1")][:2]
['shop/stage1/__init__.py', 'shop/stage1/main.py']
"""

from __future__ import annotations

from pathlib import Path

from lore import scaffold
from lore.errors import LoreError

IMPORTS_MARKER = "# lore generate step: imports above this line"
ENTRIES_MARKER = "# lore generate step: entries above this line"
#: events in the example workflow's mock data file
MOCK_EVENTS = 20_000


def _variables(app: str, name: str, **extra: str) -> dict[str, str]:
    return {"app": app, "name": name, "class_name": scaffold.class_name(name), **extra}


def _render_missing(kind: str, root: Path, variables: dict[str, str]) -> list[Path]:
    """Render only the files of ``kind`` that do not exist yet (shared package files)."""
    written = []
    for source, target in scaffold.plan(kind, root, variables).items():
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            scaffold.substitute(source.read_text(encoding="utf-8"), variables), encoding="utf-8"
        )
        written.append(target)
    return written


def generate_stage(root: Path, app: str, name: str) -> list[Path]:
    """Create stage ``name`` in the app package, plus the package's shared workflow files."""
    written = scaffold.render("stage", root, _variables(app, name))
    return written + _render_missing("_workflow_package", root, _variables(app, name))


def generate_step(root: Path, app: str, stage: str, name: str) -> list[Path]:
    """Create step ``name`` in ``stage`` with its test, and register it in the stage."""
    main = root / app / stage / "main.py"
    if not main.is_file():
        raise LoreError(f"no stage {stage!r} at {main}; create it first with `lore generate stage {stage}`")
    variables = _variables(app, name, stage=stage)
    written = scaffold.render("step", root, variables)
    text = main.read_text(encoding="utf-8")
    if IMPORTS_MARKER in text and ENTRIES_MARKER in text:
        klass = variables["class_name"]
        text = text.replace(
            IMPORTS_MARKER, f"from {app}.{stage}.steps.{name} import {klass}\n{IMPORTS_MARKER}"
        )
        text = text.replace(ENTRIES_MARKER, f'"{name}": {klass},\n        {ENTRIES_MARKER}')
        main.write_text(text, encoding="utf-8")
        written.append(main)
    return written


def generate_workflow(root: Path, app: str, name: str) -> list[Path]:
    """Create the example recommender workflow ``<app>/<name>/`` with mock events."""
    from lore.workflow.mock import write_events

    written = scaffold.render("workflow", root, _variables(app, name))
    package = root / app
    if not (package / "__init__.py").exists():
        (package / "__init__.py").write_text("")
        written.append(package / "__init__.py")
    written.append(write_events(package / name / "mock_data" / "events.csv", MOCK_EVENTS))
    return written
