"""Figures for reports: matplotlib's object API on the Agg renderer, as PNG or SVG.

:func:`new_figure` makes a :class:`matplotlib.figure.Figure` that is not attached to
pyplot, so nothing opens a window, no global state is shared between threads and
nothing needs closing. :func:`render_figure` turns it into PNG or SVG bytes and
:func:`save_figure` writes it atomically, the format taken from the file's suffix.

>>> if plotting_available():
...     figure, axes = new_figure()
...     _ = axes.plot([0, 1], [0, 1])
...     render_figure(figure, "svg")[:5]
... else:
...     b"<?xml"
b'<?xml'
"""

from __future__ import annotations

import functools
import io
import os
from pathlib import Path
from typing import Any

from lore.errors import MissingDependency, ReportError
from lore.util import atomic_write

#: Formats :func:`render_figure` and :func:`save_figure` write.
FORMATS = ("png", "svg")
#: Dots per inch of PNG figures: sharp on a laptop screen, ~40-80 kB per plot.
DPI = 110


@functools.lru_cache(maxsize=1)
def plotting_available() -> bool:
    """Whether matplotlib (the ``report`` extra) is installed."""
    import importlib.util

    return importlib.util.find_spec("matplotlib") is not None


def new_figure(
    width: float = 6.0, height: float = 4.0, *, columns: int = 1, layout: str | None = None
) -> tuple[Any, Any]:
    """``(figure, axes)``: a matplotlib figure of ``width`` x ``height`` inches.

    ``columns > 1`` gives that many axes side by side (``axes`` is then an array).
    Margins are fixed (room for a title, axis labels and short tick labels), which
    renders in about half the time of a computed layout; pass ``layout="constrained"``
    for long or rotated tick labels. Raises :class:`~lore.errors.MissingDependency`
    without matplotlib.
    """
    if not plotting_available():
        raise MissingDependency("matplotlib", "report", "plots and reports")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width * columns if columns > 1 else width, height), layout=layout)
    if layout is None:
        inch = 1 / width / max(columns, 1), 1 / height  # one inch as a fraction of the figure
        figure.subplots_adjust(
            left=0.75 * inch[0], right=1 - 0.15 * inch[0], bottom=0.55 * inch[1], top=1 - 0.35 * inch[1],
            wspace=0.3,
        )  # fmt: skip
    axes = figure.subplots(1, columns) if columns > 1 else figure.add_subplot()
    return figure, axes


def render_figure(figure: Any, kind: str = "png", dpi: int = DPI) -> bytes:
    """The figure as ``png`` or ``svg`` bytes."""
    if kind not in FORMATS:
        raise ReportError(f"figures are written as {' or '.join(FORMATS)}, not {kind!r}")
    buffer = io.BytesIO()
    import matplotlib

    # an SVG keeps its text as text (searchable, small) rather than paths, and its ids fixed
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "lore"}):
        figure.savefig(buffer, format=kind, dpi=dpi, metadata=_metadata(kind))
    return buffer.getvalue()


def save_figure(figure: Any, path: str | os.PathLike[str], dpi: int = DPI) -> Path:
    """Write the figure to ``path`` (``.png`` or ``.svg``) atomically; return the path."""
    target = Path(path)
    kind = target.suffix.lstrip(".").lower()
    data = render_figure(figure, kind, dpi)
    with atomic_write(target, "wb") as stream:
        stream.write(data)
    return target


def _metadata(kind: str) -> dict[str, Any]:
    """No creation date, so the same figure always renders to the same bytes."""
    return {"Date": None} if kind == "svg" else {}
