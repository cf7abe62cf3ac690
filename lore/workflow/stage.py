"""A stage: the steps of a workflow that run together on one machine.

A stage declares its steps in ``steps``, a dict from step name to step class, in the
order they run, and is configured by a nested dict keyed by step name, as in the
workflow guide. The configuration is checked when the stage is made, before anything
runs: a key that names no step (``event_filter`` for a step called ``score_filter``)
or a parameter a step does not accept is a :class:`~lore.errors.WorkflowError`
naming it and listing what is valid, instead of a setting silently ignored.

By default :meth:`Stage.execute` chains the steps: each gets the previous one's
result (the first gets the stage's upstream data). A stage whose steps are wired
differently overrides ``execute`` and calls :meth:`Stage.run` for each step, which
times it, records its output's shape, persists its result under
``execute_persist``'s folder, and reports a failure as
:class:`~lore.errors.StepFailed` naming the step, with the results of the steps
before it kept on disk.

Example usage:

>>> from lore.workflow import Step
>>> class Add(Step):
...     def __init__(self, amount=1):
...         self.amount = amount
...     def execute(self, value=0):
...         return value + self.amount
>>> class Arithmetic(Stage):
...     steps = {"first": Add, "second": Add}
>>> Arithmetic({"second": {"amount": 10}}).execute()
11
>>> Arithmetic({"third": {}})
Traceback (most recent call last):
...
lore.errors.WorkflowError: Arithmetic has no step 'third'; its steps are: first, second
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lore.errors import CorruptArtifact, StepFailed, WorkflowError
from lore.workflow import fingerprint, persistence
from lore.workflow.step import Step

logger = logging.getLogger(__name__)


@dataclass
class StepRecord:
    """What one step did in the last run: its time and the shape of its output."""

    name: str
    seconds: float
    shape: str


def describe(value: Any) -> str:
    """A short description of a result's shape: ``DataFrame(1000x4)``, ``dict(2)``..."""
    shape = getattr(value, "shape", None)
    if shape is not None:
        return f"{type(value).__name__}({'x'.join(str(n) for n in shape)})"
    if isinstance(value, (tuple, list, dict)):
        return f"{type(value).__name__}({len(value)})"
    return type(value).__name__


def check_config(owner: str, declared: Mapping[str, type[Step]], config: Mapping[str, Any]) -> None:
    """Raise :class:`WorkflowError` for a config key or parameter nothing would read."""
    if not isinstance(config, Mapping):
        raise WorkflowError(f"{owner} config must be a dict keyed by step name, not {type(config).__name__}")
    for key, params in config.items():
        if key not in declared:
            raise WorkflowError(f"{owner} has no step {key!r}; its steps are: {', '.join(declared)}")
        if not isinstance(params, Mapping):
            raise WorkflowError(f"{owner} config for step {key!r} must be a dict of parameters")
        step = declared[key]
        if step.accepts_any_parameter():
            continue
        valid = step.parameters()
        for name in params:
            if name not in valid:
                raise WorkflowError(
                    f"{owner} step {key!r} ({step.__name__}) has no parameter {name!r}; "
                    f"it accepts: {', '.join(valid) or 'none'}"
                )


class Stage:
    """Base class of workflow stages; subclasses declare ``steps``."""

    #: step name -> step class, in the order they run
    steps: dict[str, type[Step]] = {}

    def __init__(self, config: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        check_config(type(self).__name__, self.steps, config or {})
        self.config = {key: dict(value) for key, value in (config or {}).items()}
        self.report: list[StepRecord] = []
        self._persist_dir: Path | None = None

    @property
    def name(self) -> str:
        return type(self).__name__

    def step(self, name: str) -> Step:
        """A new instance of step ``name``, configured from the stage's config."""
        if name not in self.steps:
            raise WorkflowError(f"{self.name} has no step {name!r}; its steps are: {', '.join(self.steps)}")
        return self.steps[name](**self.config.get(name, {}))

    def run(self, name: str, *upstream: Any) -> Any:
        """Run step ``name`` on ``upstream``: timed, recorded, persisted, failures named."""
        step = self.step(name)
        start = time.perf_counter()
        try:
            result = step.execute(*upstream)
        except Exception as error:
            kept = f"; results of earlier steps are kept in {self._persist_dir}" if self._persist_dir else ""
            raise StepFailed(
                f"stage {self.name}, step {name!r} ({type(step).__name__}) failed: "
                f"{type(error).__name__}: {error}{kept}"
            ) from error
        seconds = time.perf_counter() - start
        self.report.append(StepRecord(name, seconds, describe(result)))
        logger.info("%s.%s took %.3fs -> %s", self.name, name, seconds, describe(result))
        if self._persist_dir is not None:
            step.persist(self._persist_dir / "steps" / name, result)
        return result

    def execute(self, *upstream: Any) -> Any:
        """Run the steps in order, each on the previous one's result."""
        self.report = []
        result: tuple[Any, ...] = upstream
        for name in self.steps:
            result = (self.run(name, *result),)
        return result[0] if result else None

    def persist(self, path: str | os.PathLike[str], data: Any, fingerprint: str | None = None) -> None:
        """Write the stage's result to the folder ``path`` (by type, atomically)."""
        persistence.save(data, path, {"stage": self.name, "fingerprint": fingerprint or self.fingerprint()})

    def load(self, path: str | os.PathLike[str]) -> Any:
        """Read a result written by :meth:`persist` back, after verifying it."""
        return persistence.load(path)

    def execute_persist(
        self, path: str | os.PathLike[str], *upstream: Any, fingerprint: str | None = None
    ) -> Any:
        """Run the stage, persisting each step's result and the stage's under ``path``.

        ``fingerprint`` (by default the stage's own) is recorded with the result, so a
        later run can tell whether it may reuse it.
        """
        self._persist_dir = Path(path)
        try:
            result = self.execute(*upstream)
        finally:
            self._persist_dir = None
        self.persist(Path(path) / "result", result, fingerprint)
        return result

    def fingerprint(self, *upstream: str) -> str:
        """A hash of the stage's code, its steps' code, its config and upstream fingerprints."""
        code = fingerprint.of_code(type(self), *self.steps.values())
        return fingerprint.combine(code, fingerprint.of_config(self.config), *upstream)

    def reusable(self, path: str | os.PathLike[str], expected: str) -> bool:
        """Whether ``path`` holds a sound result with fingerprint ``expected``."""
        folder = Path(path) / "result"
        if not persistence.exists(folder):
            return False
        try:
            saved = persistence.metadata(folder)
        except CorruptArtifact as error:
            logger.warning("%s: persisted result is corrupt (%s); recomputing", self.name, error)
            return False
        return saved.get("fingerprint") == expected
