from __future__ import annotations

import io
import logging

from lore.estimators.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_bar_on_a_terminal_and_a_sparse_log(caplog) -> None:
    stream = Terminal()
    caplog.set_level(logging.INFO, logger="lore.estimators.progress")
    progress = Progress("epoch", total=100, stream=stream)
    for step in range(1, 101):
        progress.update(step, loss=1.0 / step)
    assert progress.finish() == "epoch 100/100 loss=0.01"
    assert "epoch" in stream.getvalue() and "100/100" in stream.getvalue()
    assert 10 <= len(caplog.records) <= 12


def test_only_the_outermost_progress_draws() -> None:
    outer = Progress("trial", total=2, stream=Terminal())
    inner = Progress("boosting round", total=10, stream=Terminal())
    assert outer.bar is not None and inner.bar is None
    inner.finish()
    outer.finish()
    again = Progress("again", stream=Terminal())
    assert again.bar is not None
    again.finish()


def test_no_terminal_writes_nothing_to_the_stream() -> None:
    progress = Progress("trial", stream=None)
    progress.update(1, value=0.5)
    assert progress.stream is None and progress.finish() == "trial 1 value=0.5"
