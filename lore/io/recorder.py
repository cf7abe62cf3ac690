"""Record the queries a block of code runs, for a model's data signature.

>>> import lore.io
>>> with lore.io.recording() as queries:
...     _ = lore.io.connection("main", url="sqlite://").select("SELECT %(x)s AS x", x=1)
>>> queries[0]["rows"], queries[0]["params"]
(1, {'x': 1})
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

_active: contextvars.ContextVar[tuple[list[dict[str, Any]], ...]] = contextvars.ContextVar(
    "lore_io_recording", default=()
)


@contextlib.contextmanager
def recording() -> Iterator[list[dict[str, Any]]]:
    """Yield a list that every query run inside the block appends to.

    Each entry is ``{"connection", "extract", "sql_sha256", "params", "rows"}``.
    Blocks nest: a query is recorded in every enclosing block.
    """
    queries: list[dict[str, Any]] = []
    token = _active.set((*_active.get(), queries))
    try:
        yield queries
    finally:
        _active.reset(token)


def record(entry: dict[str, Any]) -> None:
    """Append ``entry`` to every active recording (the same dict, so rows can grow)."""
    for queries in _active.get():
        queries.append(entry)
