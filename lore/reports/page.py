"""One HTML page from sections of text, tables and figures.

Everything the page needs is inside it: the style sheet is inline, each figure is a
``data:image/png;base64`` image (or an inline ``<svg>``), and links are anchors
within the page. Text is escaped; only :meth:`Section.html` inserts markup as given.

>>> report = Report("Demo")
>>> report.section("Data", "Rows per split.").table([{"split": "train", "rows": 800}])
>>> page = report.to_html()
>>> "<td>train</td>" in page and "<script" not in page
True
"""

from __future__ import annotations

import base64
import datetime
import html
import math
import numbers
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lore.errors import ReportError
from lore.util import atomic_write

#: The file name :meth:`Report.save` gives the page.
PAGE = "report.html"

STYLE = """
:root{--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--band:#f6f8fa;--accent:#0969da}
*{box-sizing:border-box}
body{font:15px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif;
color:var(--ink);margin:0;background:#fff}
main{max-width:1180px;margin:0 auto;padding:24px 28px 64px}
header{border-bottom:1px solid var(--line);margin-bottom:12px}
h1{font-size:26px;margin:0 0 2px}
.crumbs{font-size:13px;margin:0 0 6px}
a{color:var(--accent)}
form.inline{display:flex;gap:8px;align-items:center;margin:8px 0}
input,button,select{font:inherit;padding:3px 8px}
button{background:var(--accent);color:#fff;border:0;border-radius:6px;padding:5px 12px;cursor:pointer}
iframe.report{width:100%;height:78vh;border:1px solid var(--line);border-radius:6px}
p.ok{background:#dafbe1;border:1px solid #4ac26b66;padding:6px 10px;border-radius:6px}
.subtitle{color:var(--muted);margin:0 0 12px}
nav{font-size:13px;margin:8px 0 16px}
nav a{color:var(--accent);text-decoration:none;margin-right:14px;white-space:nowrap}
h2{font-size:20px;border-bottom:1px solid var(--line);padding-bottom:4px;margin:32px 0 8px}
h3{font-size:15px;margin:16px 0 6px}
p.note{color:var(--muted);margin:4px 0 10px}
p.warning{background:#fff8c5;border:1px solid #d4a72c66;padding:6px 10px;border-radius:6px}
table{border-collapse:collapse;margin:6px 0 14px;font-size:13px;font-variant-numeric:tabular-nums}
th,td{border:1px solid var(--line);padding:4px 9px;text-align:left;vertical-align:top}
th{background:var(--band);font-weight:600}
td.number{text-align:right}
caption{caption-side:top;text-align:left;color:var(--muted);font-size:13px;padding-bottom:3px}
.figures{display:flex;flex-wrap:wrap;gap:14px}
.tables{display:flex;flex-wrap:wrap;gap:6px 22px;align-items:flex-start}
figure{margin:0;border:1px solid var(--line);border-radius:6px;padding:6px;background:#fff}
figure img,figure svg{display:block;max-width:100%;height:auto}
figcaption{font-size:13px;color:var(--muted);padding:4px 2px 0}
footer{color:var(--muted);font-size:12px;margin-top:40px;border-top:1px solid var(--line);padding-top:8px}
"""


def anchor(title: str) -> str:
    """A fragment identifier for a heading: lower case, dashes for the rest.

    >>> anchor("ROC & PR curves")
    'roc-pr-curves'
    """
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "section"


def format_value(value: Any) -> str:
    """A cell's text: floats to 4 significant digits, ``None`` and NaN as a dash.

    >>> format_value(0.123456), format_value(1234567.0), format_value(None), format_value(3)
    ('0.1235', '1.235e+06', '–', '3')
    """
    if value is None:
        return "–"
    if isinstance(value, float):
        return "–" if math.isnan(value) else f"{value:.4g}"
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        try:
            return format_value(value.item())
        except (ValueError, TypeError):
            pass
    return str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, bool)


@dataclass(frozen=True)
class Link:
    """A table cell that links somewhere: ``Link("fitting 3", "/models/m/3")``."""

    text: str
    href: str

    def to_html(self) -> str:
        return f'<a href="{html.escape(self.href, quote=True)}">{html.escape(self.text)}</a>'


def cell_html(value: Any) -> str:
    """A ``<td>`` for a value: numbers right-aligned, links as anchors, the rest as text."""
    if isinstance(value, Link):
        return f"<td>{value.to_html()}</td>"
    if _is_number(value):
        return f'<td class="number">{html.escape(format_value(value))}</td>'
    return f"<td>{html.escape(format_value(value))}</td>"


@dataclass
class Table:
    """A table: column names and rows of values, with an optional caption."""

    columns: list[str]
    rows: list[list[Any]]
    caption: str = ""

    @classmethod
    def of(cls, data: Any, caption: str = "", index: bool = False) -> Table:
        """A table from a DataFrame, a list of records, or a ``{name: value}`` mapping.

        A mapping of plain values becomes two columns (``name``, ``value``); a mapping of
        mappings becomes one row per key (``{"train": {"auc": 0.9}}``).

        >>> Table.of({"train": {"auc": 0.9}, "test": {"auc": 0.8}}).rows
        [['train', 0.9], ['test', 0.8]]
        """
        if hasattr(data, "to_dict") and hasattr(data, "columns"):  # a DataFrame
            frame = data.reset_index() if index else data
            columns = [str(column) for column in frame.columns]
            return cls(columns, frame.to_numpy(dtype=object).tolist(), caption)
        if isinstance(data, Mapping):
            values = list(data.values())
            if values and all(isinstance(value, Mapping) for value in values):
                columns = list(dict.fromkeys(key for value in values for key in value))
                rows = [[name, *(value.get(column) for column in columns)] for name, value in data.items()]
                return cls(["", *map(str, columns)], rows, caption)
            return cls(["name", "value"], [[key, value] for key, value in data.items()], caption)
        if isinstance(data, Iterable) and not isinstance(data, (str, bytes)):
            records = list(data)
            if not all(isinstance(record, Mapping) for record in records):
                raise ReportError("a table's rows must be mappings ({column: value}); pass a list of dicts")
            columns = list(dict.fromkeys(key for record in records for key in record))
            return cls([str(c) for c in columns], [[r.get(c) for c in columns] for r in records], caption)
        raise ReportError(
            f"cannot make a table of a {type(data).__name__}: pass a DataFrame, a list of dicts or a dict"
        )

    def to_html(self) -> str:
        head = "".join(f"<th>{html.escape(column)}</th>" for column in self.columns)
        body = "".join("<tr>" + "".join(cell_html(value) for value in row) + "</tr>" for row in self.rows)
        caption = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


@dataclass
class Figure:
    """A rendered figure: its file name stem, caption and image bytes by format."""

    name: str
    caption: str
    images: dict[str, bytes]

    def to_html(self) -> str:
        caption = html.escape(self.caption or self.name)
        kind, content = next(iter(self.images.items()))  # the report's first format
        if kind == "png":
            data = base64.b64encode(content).decode("ascii")
            image = f'<img alt="{caption}" src="data:image/png;base64,{data}">'
        else:
            svg = content.decode("utf-8")
            image = svg[svg.index("<svg") :]  # drop the XML prolog and doctype
        return f'<figure id="figure-{anchor(self.name)}">{image}<figcaption>{caption}</figcaption></figure>'


@dataclass
class Section:
    """A titled part of a report: a list of HTML blocks added in order."""

    title: str
    description: str = ""
    formats: tuple[str, ...] = ("png",)
    blocks: list[Any] = field(default_factory=list)

    def text(self, text: str, *, warning: bool = False) -> None:
        """A paragraph of plain text (escaped); ``warning=True`` highlights it."""
        kind = "warning" if warning else "note"
        self.blocks.append(f'<p class="{kind}">{html.escape(text)}</p>')

    def heading(self, text: str) -> None:
        """A sub-heading inside the section."""
        self.blocks.append(f"<h3>{html.escape(text)}</h3>")

    def table(self, data: Any, caption: str = "", *, index: bool = False) -> None:
        """A table of a DataFrame, a list of records or a mapping (see :meth:`Table.of`)."""
        self.blocks.append(Table.of(data, caption, index))

    def figure(self, figure: Any, name: str, caption: str = "") -> Figure:
        """Render a matplotlib figure now (its memory is freed); ``name`` is its file stem.

        Figures that follow each other sit side by side on a wide screen.
        """
        from lore.reports.figures import render_figure

        if not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
            raise ReportError(f"figure name {name!r} must be a file stem: letters, digits, '_', '-', '.'")
        rendered = Figure(name, caption, {kind: render_figure(figure, kind) for kind in self.formats})
        figure.clear()
        self.blocks.append(rendered)
        return rendered

    def html(self, markup: str) -> None:
        """Raw markup, inserted as given (the caller escapes what it must)."""
        self.blocks.append(markup)

    @property
    def figures(self) -> list[Figure]:
        return [block for block in self.blocks if isinstance(block, Figure)]

    def to_html(self) -> str:
        parts = [f'<section><h2 id="{anchor(self.title)}">{html.escape(self.title)}</h2>']
        if self.description:
            parts.append(f'<p class="note">{html.escape(self.description)}</p>')
        # figures that follow each other share a row, and so do tables
        row: list[str] = []
        row_kind: type | None = None
        for block in [*self.blocks, None]:
            kind = type(block) if isinstance(block, (Figure, Table)) else None
            if row and kind is not row_kind:
                parts.append(
                    f'<div class="{"figures" if row_kind is Figure else "tables"}">{"".join(row)}</div>'
                )
                row = []
            if block is None:
                break
            if kind is None:
                parts.append(block)
            else:
                row.append(block.to_html())
                row_kind = kind
        parts.append("</section>")
        return "".join(parts)


class Report:
    """A page: a title, a subtitle and sections, rendered to one self-contained HTML file.

    Parameters
    ----------
    title
        The page's title and heading.
    subtitle
        A line under the title (what, when).
    formats
        The formats figures are rendered in: ``("png",)`` (default), ``("svg",)`` or
        both; the first is embedded in the page, all are written by :meth:`save`.
    links
        :class:`Link` s shown above the title (a way back, for pages served by an app).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> report = Report("Drift", subtitle="last 7 days")
    >>> report.section("Summary").text("No column drifted.")
    >>> path = report.save(pathlib.Path(tempfile.mkdtemp()) / "drift")
    >>> path.name, "No column drifted." in path.read_text()
    ('report.html', True)
    """

    def __init__(
        self,
        title: str,
        subtitle: str = "",
        formats: tuple[str, ...] = ("png",),
        links: tuple[Link, ...] = (),
    ) -> None:
        from lore.reports.figures import FORMATS

        unknown = [kind for kind in formats if kind not in FORMATS]
        if not formats or unknown:
            raise ReportError(f"report formats must be among {', '.join(FORMATS)}, not {formats!r}")
        self.title = title
        self.subtitle = subtitle
        self.formats = tuple(formats)
        self.links = tuple(links)
        self.sections: list[Section] = []
        #: file name -> content written beside the page by :meth:`save` (data behind the plots)
        self.attachments: dict[str, bytes] = {}
        self.created = datetime.datetime.now(datetime.timezone.utc)

    def __repr__(self) -> str:
        return f"<Report {self.title!r}: {len(self.sections)} sections, {len(self.figures)} figures>"

    def section(self, title: str, description: str = "") -> Section:
        """Add a section at the end and return it."""
        section = Section(title, description, self.formats)
        self.sections.append(section)
        return section

    def attach(self, name: str, data: str | bytes) -> None:
        """Keep a file (``curves.json``: the data behind a plot) to write beside the page."""
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", name) or name == PAGE:
            raise ReportError(f"attachment name {name!r} must be a plain file name other than {PAGE}")
        self.attachments[name] = data.encode("utf-8") if isinstance(data, str) else data

    @property
    def figures(self) -> list[Figure]:
        """Every figure of every section, in order."""
        return [figure for section in self.sections for figure in section.figures]

    def to_html(self) -> str:
        """The whole page as one string."""
        title = html.escape(self.title)
        links = "".join(
            f'<a href="#{anchor(section.title)}">{html.escape(section.title)}</a>'
            for section in self.sections
        )
        subtitle = f'<p class="subtitle">{html.escape(self.subtitle)}</p>' if self.subtitle else ""
        crumbs = (
            '<p class="crumbs">' + " / ".join(link.to_html() for link in self.links) + "</p>"
            if self.links
            else ""
        )
        import lore

        made = self.created.strftime("%Y-%m-%d %H:%M UTC")
        return (
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{title}</title><style>{STYLE}</style></head><body><main>"
            f"<header>{crumbs}<h1>{title}</h1>{subtitle}<nav>{links}</nav></header>"
            + "".join(section.to_html() for section in self.sections)
            + f"<footer>Made by lore {html.escape(lore.__version__)} on {made}.</footer>"
            "</main></body></html>"
        )

    def _repr_html_(self) -> str:
        """Jupyter shows the report inline."""
        return self.to_html()

    def save(self, folder: str | os.PathLike[str]) -> Path:
        """Write ``folder/report.html``, each figure as ``folder/<name>.<format>`` and each attachment.

        Each file is written atomically; figures and attachments go first, the page last.
        """
        target = Path(folder)
        target.mkdir(parents=True, exist_ok=True)
        names = [figure.name for figure in self.figures]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ReportError(f"two figures are named {repeated[0]!r} in report {self.title!r}; rename one")
        for figure in self.figures:
            for kind, data in figure.images.items():
                with atomic_write(target / f"{figure.name}.{kind}", "wb") as stream:
                    stream.write(data)
        for name, data in self.attachments.items():
            with atomic_write(target / name, "wb") as stream:
                stream.write(data)
        with atomic_write(target / PAGE, "w") as stream:
            stream.write(self.to_html())
        return target / PAGE
