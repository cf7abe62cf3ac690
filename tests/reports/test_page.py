"""The report page: self-contained HTML from sections of text, tables and figures."""

from __future__ import annotations

import base64
import re

import pandas as pd
import pytest

from lore.errors import ReportError
from lore.reports import Report, Table, new_figure, plotting_available

needs_matplotlib = pytest.mark.skipif(not plotting_available(), reason='needs pip install "lore-ml[report]"')


def plot(name: str = "line"):
    figure, axes = new_figure(3, 2)
    axes.plot([0, 1, 2], [1, 0, 2], label=name)
    axes.legend()
    return figure


def test_a_page_has_no_script_no_external_resource_and_escapes_text():
    report = Report("<Churn>", subtitle="fitting 3 & more")
    section = report.section("Notes")
    section.text("a < b")
    section.table([{"name": "<x>", "rows": 3}])
    page = report.to_html()
    assert "<script" not in page
    assert not re.search(r"(src|href)=\"(https?:)?//", page)
    assert "&lt;Churn&gt;" in page and "a &lt; b" in page and "&lt;x&gt;" in page
    assert '<a href="#notes">Notes</a>' in page


def test_tables_from_frames_records_and_mappings():
    frame = pd.DataFrame({"split": ["train", "test"], "auc": [0.91234567, float("nan")]})
    assert Table.of(frame).rows == [["train", 0.91234567], ["test", pytest.approx(float("nan"), nan_ok=True)]]
    html = Table.of(frame, caption="AUC").to_html()
    assert '<td class="number">0.9123</td>' in html and '<td class="number">–</td>' in html
    assert "<caption>AUC</caption>" in html
    nested = Table.of({"train": {"auc": 0.9}, "test": {"auc": 0.8, "loss": 0.3}})
    assert nested.columns == ["", "auc", "loss"]
    assert nested.rows[0] == ["train", 0.9, None]
    assert Table.of({"depth": 4}).rows == [["depth", 4]]


def test_a_table_of_something_else_is_one_clear_error():
    with pytest.raises(ReportError, match="cannot make a table of a int"):
        Report("x").section("y").table(3)
    with pytest.raises(ReportError, match="rows must be mappings"):
        Report("x").section("y").table([1, 2])


@needs_matplotlib
def test_figures_are_embedded_as_png_and_saved_beside_the_page(tmp_path):
    report = Report("Demo")
    section = report.section("Curves")
    section.figure(plot(), "roc", "ROC curve")
    section.figure(plot(), "pr", "PR curve")
    page = report.to_html()
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(images) == 2
    assert base64.b64decode(images[0]).startswith(b"\x89PNG")
    assert page.count('<div class="figures">') == 1  # consecutive figures share a row
    saved = report.save(tmp_path / "out")
    assert sorted(p.name for p in saved.parent.iterdir()) == ["pr.png", "report.html", "roc.png"]
    assert (tmp_path / "out" / "roc.png").read_bytes() == report.figures[0].images["png"]


@needs_matplotlib
def test_svg_figures_are_inline_markup(tmp_path):
    report = Report("Demo", formats=("svg", "png"))
    report.section("Curves").figure(plot("series-a"), "roc")
    page = report.to_html()
    assert "<svg" in page and "<?xml" not in page and "series-a" in page  # text stays text
    report.save(tmp_path)
    assert {p.name for p in tmp_path.iterdir()} == {"report.html", "roc.svg", "roc.png"}


@needs_matplotlib
def test_two_figures_with_one_name_or_a_bad_name_are_refused(tmp_path):
    report = Report("Demo")
    report.section("a").figure(plot(), "roc")
    report.section("b").figure(plot(), "roc")
    with pytest.raises(ReportError, match="two figures are named 'roc'"):
        report.save(tmp_path)
    with pytest.raises(ReportError, match="must be a file stem"):
        report.section("c").figure(plot(), "../x")


def test_unknown_formats_are_refused():
    with pytest.raises(ReportError, match="formats must be among png, svg"):
        Report("x", formats=("jpeg",))


def test_a_report_displays_inline_in_a_notebook():
    report = Report("Inline")
    assert report._repr_html_() == report.to_html()
