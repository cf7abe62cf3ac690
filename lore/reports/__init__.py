"""Self-contained HTML reports: sections of text, tables and figures in one file.

A :class:`Report` is a title and a list of :class:`Section` s; each section holds
text, tables (a DataFrame, a list of records, or a ``{name: value}`` dict) and
matplotlib figures. :meth:`Report.to_html` is one page that needs nothing else:
styles are inline, figures are embedded as ``data:`` PNG (or inline SVG), there is no
CDN and no JavaScript, so it opens offline, in a mail attachment or from S3.
:meth:`Report.save` writes the page and every figure as its own file beside it; in a
notebook a report displays inline (``_repr_html_``).

Figures come from :func:`new_figure` (matplotlib's object API on the Agg renderer: no
display, no global pyplot state, safe in threads); :func:`save_figure` writes one as
PNG or SVG by its suffix. matplotlib is the ``report`` extra; without it
:func:`new_figure` raises :class:`~lore.errors.MissingDependency` naming
``pip install "lore-ml[report]"``, and :func:`plotting_available` says whether it is
there. Fitting reports (:mod:`lore.models.report`) and drift reports build on this.

>>> report = Report("Churn", subtitle="fitting 3")
>>> section = report.section("Metrics")
>>> section.table({"auc": 0.91, "loss": 0.32})
>>> "<h2 id=\\"metrics\\">Metrics</h2>" in report.to_html()
True
"""

from __future__ import annotations

from lore.util import lazy_exports

_EXPORTS = {
    "Figure": "lore.reports.page",
    "Link": "lore.reports.page",
    "Report": "lore.reports.page",
    "Section": "lore.reports.page",
    "Table": "lore.reports.page",
    "new_figure": "lore.reports.figures",
    "plotting_available": "lore.reports.figures",
    "render_figure": "lore.reports.figures",
    "save_figure": "lore.reports.figures",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
