"""A workflow: the stages of an ML project end to end, each persisted.

A workflow declares its stages in ``stages`` (name -> stage class, in order) and is
configured by a dict keyed by stage name, each value the stage's own config, checked
before anything runs. :meth:`Workflow.run` runs every stage on the previous one's
result and persists each result under ``<path>/<stage>/``. On a later run a stage
whose code, config and upstream results are unchanged is not run again: its
persisted result is read back. ``from_stage`` re-runs from that stage on, reading the
earlier stages' results (which must exist). With ``remote`` set, every persisted
result is also uploaded to S3 (``lore.io.upload``) and downloaded when missing
locally, so a stage can run on another machine.

Example usage:

>>> import tempfile
>>> from lore.workflow import Stage, Step
>>> class Add(Step):
...     def __init__(self, amount=1):
...         self.amount = amount
...     def execute(self, value=0):
...         return value + self.amount
>>> class One(Stage):
...     steps = {"add": Add}
>>> class Sums(Workflow):
...     stages = {"one": One, "two": One}
>>> flow = Sums({"two": {"add": {"amount": 5}}}, path=tempfile.mkdtemp())
>>> flow.run()
6
>>> flow.run(), [record.reused for record in flow.report]
(6, [True, True])
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lore.errors import WorkflowError
from lore.util import shared
from lore.workflow import distributed, persistence
from lore.workflow.stage import Stage

logger = logging.getLogger(__name__)


@dataclass
class StageRecord:
    """What one stage did in the last run."""

    name: str
    seconds: float
    reused: bool


class Workflow:
    """Base class of workflows; subclasses declare ``stages``."""

    #: stage name -> stage class, in the order they run
    stages: dict[str, type[Stage]] = {}

    def __init__(
        self,
        config: Mapping[str, Mapping[str, Any]] | None = None,
        path: str | os.PathLike[str] | None = None,
        remote: str | None = None,
    ) -> None:
        config = dict(config or {})
        for key in config:
            if key not in self.stages:
                raise WorkflowError(
                    f"{type(self).__name__} has no stage {key!r}; its stages are: {', '.join(self.stages)}"
                )
        self.instances = {name: stage(config.get(name)) for name, stage in self.stages.items()}
        if path is None:
            import lore.env

            path = lore.env.current().data_dir / "workflows" / type(self).__name__
        self.path = Path(path)
        self.remote = remote
        self.report: list[StageRecord] = []

    def folder(self, stage: str) -> Path:
        """Where stage ``stage`` persists its results."""
        return self.path / stage

    def run(self, from_stage: str | None = None, force: bool = False) -> Any:
        """Run the stages in order (reusing unchanged persisted results); return the last result."""
        names = list(self.instances)
        if from_stage is not None and from_stage not in self.instances:
            raise WorkflowError(
                f"{type(self).__name__} has no stage {from_stage!r}; its stages are: {', '.join(names)}"
            )
        start_at = names.index(from_stage) if from_stage else None
        self.report = []
        upstream: tuple[Any, ...] = ()
        unread: str | None = None  # a reused stage whose result is read only if needed
        previous: list[str] = []
        for index, name in enumerate(names):
            stage = self.instances[name]
            expected = stage.fingerprint(*previous[-1:])
            previous.append(expected)
            started = time.perf_counter()
            reused = False
            if start_at is not None and index < start_at:
                self._require(name)
                reused = True
            elif not force and start_at is None:
                self._fetch(name)
                reused = stage.reusable(self.folder(name), expected)
            if reused:
                unread = name
            else:
                if unread is not None:
                    upstream = (self._load(unread),)
                    unread = None
                upstream = (distributed.execute(self, name, upstream, expected),)  # on the cluster if set
            self.report.append(StageRecord(name, time.perf_counter() - started, reused))
            logger.info("stage %s %s", name, "reused" if reused else "ran")
        if unread is not None:
            return self._load(unread)
        return upstream[0] if upstream else None

    def _load(self, name: str) -> Any:
        return persistence.load(self.folder(name) / "result")

    def _require(self, name: str) -> None:
        """Make sure stage ``name`` has a persisted result to start after."""
        self._fetch(name)
        if not persistence.exists(self.folder(name) / "result"):
            raise WorkflowError(
                f"cannot start after stage {name!r}: it has no persisted result in "
                f"{self.folder(name)}; run the workflow from an earlier stage first"
            )

    def _remote_files(self, name: str) -> str:
        return f"{self.remote.rstrip('/')}/{name}/result"

    def _push(self, name: str) -> None:
        """Upload a stage's result to S3 (manifest last), when a remote is configured."""
        if not self.remote:
            return
        from lore.io import s3

        folder = self.folder(name) / "result"
        files = sorted(path for path in folder.iterdir() if path.name != "manifest.json")
        for path in [*files, folder / "manifest.json"]:
            s3.upload(path, f"{self._remote_files(name)}/{path.name}")

    def _fetch(self, name: str) -> None:
        """Bring a stage's result from S3 when a remote has it and it is not here yet.

        Files go to a staging folder, the manifest last, which is renamed into place only
        when complete: an interrupted download leaves nothing that looks like a result.
        """
        folder = self.folder(name) / "result"
        if not self.remote or persistence.exists(folder):
            return
        import json
        import shutil
        import tempfile

        from lore.errors import RemoteStorageError
        from lore.io import s3
        from lore.stores.manifest import safe_path

        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = shared(tempfile.mkdtemp(dir=folder.parent, prefix=".download.", suffix=".tmp"))
        try:
            try:
                listing = s3.download(f"{self._remote_files(name)}/manifest.json", staging / ".manifest")
            except RemoteStorageError:
                return  # nothing remote either: the stage runs
            for entry in json.loads(Path(listing).read_text())["files"]:
                relative = safe_path(entry["path"], f"{self._remote_files(name)}/manifest.json")
                s3.download(f"{self._remote_files(name)}/{relative}", staging / relative)
            os.replace(listing, staging / "manifest.json")
            os.replace(staging, folder)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
