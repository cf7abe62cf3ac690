"""Progress of long fits: a light line on a terminal, and log records for files.

Epochs, boosting rounds and search trials report through :class:`Progress`. On a
terminal (stderr is a TTY) the current step rewrites one line in place; whatever the
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


class Progress:
    """Report ``step`` of ``total`` (``total`` may be ``None``) with a few figures."""

    def __init__(self, label: str, total: int | None = None, stream: IO[str] | bool | None = True) -> None:
        self.label = label
        self.total = total
        if stream is True:
            stream = sys.stderr if sys.stderr is not None and sys.stderr.isatty() else None
        self.stream = stream or None
        self.line = ""
        self.logged = 0
        self.started = time.perf_counter()
        self.every = max(1, (total or 10) // 10)

    def text(self, step: int, values: dict[str, Any]) -> str:
        total = f"/{self.total}" if self.total else ""
        figures = " ".join(
            f"{key}={value:.4g}" if isinstance(value, float) else f"{key}={value}"
            for key, value in values.items()
        )
        return f"{self.label} {step}{total} {figures}".rstrip()

    def update(self, step: int, **values: Any) -> None:
        """Show ``step`` with ``values``; log it now and then."""
        self.line = self.text(step, values)
        if self.stream is not None:
            self.stream.write("\r" + self.line[:120].ljust(80))
            self.stream.flush()
        if step - self.logged >= self.every:
            self.logged = step
            logger.info("%s", self.line)

    def finish(self) -> str:
        """End the terminal line, log the last step and the time taken; return the last line."""
        if self.stream is not None:
            self.stream.write("\n")
            self.stream.flush()
        logger.info("%s (%.1fs)", self.line, time.perf_counter() - self.started)
        return self.line
