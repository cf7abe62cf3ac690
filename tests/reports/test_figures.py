"""Figures: Agg rendering to PNG/SVG, atomic files, and a clear error without matplotlib."""

from __future__ import annotations

import pytest

from lore.errors import MissingDependency, ReportError
from lore.reports import figures


@pytest.mark.skipif(not figures.plotting_available(), reason='needs pip install "lore-ml[report]"')
def test_save_figure_by_suffix(tmp_path):
    figure, axes = figures.new_figure()
    axes.bar(["a", "b"], [1, 2])
    assert figures.save_figure(figure, tmp_path / "bars.png").read_bytes().startswith(b"\x89PNG")
    assert b"<svg" in figures.save_figure(figure, tmp_path / "bars.svg").read_bytes()
    with pytest.raises(ReportError, match="png or svg, not 'jpg'"):
        figures.save_figure(figure, tmp_path / "bars.jpg")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bars.png", "bars.svg"]


@pytest.mark.skipif(not figures.plotting_available(), reason='needs pip install "lore-ml[report]"')
def test_svg_is_reproducible():
    def draw():
        figure, axes = figures.new_figure(columns=2)
        axes[0].plot([1, 2])
        return figures.render_figure(figure, "svg")

    assert draw() == draw()


def test_without_matplotlib_a_figure_names_the_extra(monkeypatch):
    monkeypatch.setattr(figures, "plotting_available", lambda: False)
    with pytest.raises(MissingDependency, match=r'pip install "lore-ml\[report\]"'):
        figures.new_figure()
