"""Progress of long fits: a rich progress bar on a terminal, and log records for files.

Reading and encoding the data, epochs, boosting rounds and search trials report
through :class:`Progress`. On a terminal (stderr is a TTY) with rich installed (the
``report`` extra) a bar shows the step, the latest figures and the time taken; only
the outermost one shows (a search's trials, not each trial's rounds). Whatever the
output, a log record goes to ``logging.getLogger(__name__)`` about every tenth of the
run and at the end, so log files keep the history without one line per step.

>>> progress = Progress("rounds", total=4, stream=None)
>>> for step in range(1, 5):
...     progress.update(step, loss=1.0 / step)
>>> progress.finish()
'rounds 4/4 loss=0.25'
"""

from __future__ import annotations

import logging
import sys
import time
from typing import IO, Any

logger = logging.getLogger(__name__)

#: The progress shown on the terminal now (rich shows one live display at a time).
_shown: list[Progress] = []


def _bar(label: str, total: int | None, stream: IO[str]) -> Any:
    """A started rich progress bar on ``stream``, or ``None`` without rich."""
    try:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as Bar
    except ImportError:
        return None
    columns = [SpinnerColumn(), TextColumn("{task.description}")]
    if total:
        columns += [BarColumn(), MofNCompleteColumn()]
    columns += [TimeElapsedColumn(), TextColumn("{task.fields[figures]}")]
    bar = Bar(*columns, console=Console(file=stream), transient=False)
    bar.add_task(label, total=total, figures="")
    bar.start()
    return bar


class Progress:
    """Report ``step`` of ``total`` (``total`` may be ``None``) with a few figures.

    ``stream``: ``True`` for stderr when it is a terminal, a file-like object to draw
    on, or ``None`` for log records only.
    """

    def __init__(self, label: str, total: int | None = None, stream: IO[str] | bool | None = True) -> None:
        self.label = label
        self.total = total
        if stream is True:
            stream = sys.stderr if sys.stderr is not None and sys.stderr.isatty() else None
        self.stream = stream or None
        self.line = label
        #: the last step reported
        self.step = 0
        self.logged = 0
        self.started = time.perf_counter()
        self.every = max(1, (total or 10) // 10)
        self.bar = None
        if self.stream is not None and not _shown:
            self.bar = _bar(label, total, self.stream)
            if self.bar is not None:
                _shown.append(self)

    def text(self, step: int, values: dict[str, Any]) -> str:
        total = f"/{self.total}" if self.total else ""
        return f"{self.label} {step}{total} {figures(values)}".rstrip()

    def update(self, step: int, **values: Any) -> None:
        """Show ``step`` with ``values``; log it now and then."""
        self.step = step
        self.line = self.text(step, values)
        if self.bar is not None:
            self.bar.update(self.bar.task_ids[0], completed=step, figures=figures(values))
        if step - self.logged >= self.every:
            self.logged = step
            logger.info("%s", self.line)

    def finish(self, failed: bool = False) -> str:
        """Stop the bar, log the last step and the time taken; return the last line.

        ``failed``: the step raised; nothing is logged (the error is what the user sees).
        """
        if self.bar is not None:
            self.bar.stop()
            _shown.remove(self)
            self.bar = None
        if not failed:
            logger.info("%s (%.1fs)", self.line, time.perf_counter() - self.started)
        return self.line


def figures(values: dict[str, Any]) -> str:
    """``loss=0.25 auc=0.9``: floats to 4 significant digits."""
    return " ".join(
        f"{key}={value:.4g}" if isinstance(value, float) else f"{key}={value}"
        for key, value in values.items()
    )
