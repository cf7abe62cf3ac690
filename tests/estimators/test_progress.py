from __future__ import annotations

import io
import logging

from lore.estimators.progress import Progress


def test_terminal_line_and_sparse_log(caplog) -> None:
    stream = io.StringIO()
    caplog.set_level(logging.INFO, logger="lore.estimators.progress")
    progress = Progress("epoch", total=100, stream=stream)
    for step in range(1, 101):
        progress.update(step, loss=1.0 / step)
    assert progress.finish() == "epoch 100/100 loss=0.01"
    assert stream.getvalue().count("\r") == 100
    assert 10 <= len(caplog.records) <= 12


def test_no_terminal_writes_nothing_to_the_stream() -> None:
    progress = Progress("trial", stream=None)
    progress.update(1, value=0.5)
    assert progress.stream is None and progress.finish() == "trial 1 value=0.5"
