"""A :class:`~lore.monitoring.check.Check` as a self-contained HTML page (:mod:`lore.reports`).

The page has a summary (period, rows, alerts, performance), the drift table, and
plots: each column's drift distance day by day against the threshold, expected and realised
accuracy day by day against the reference's, and the reference's and the period's
distributions of the columns that drifted most. Plots need matplotlib (the
``report`` extra); without it the page keeps its tables and says how to get plots.
"""

from __future__ import annotations

from typing import Any

from lore.monitoring.check import Check
from lore.monitoring.sketches import NUMBER

#: Columns whose distributions the page draws (those that drifted most).
DISTRIBUTIONS = 4
#: The drift-by-day axis is linear below this distance and logarithmic above it.
DISTANCE_LINEAR_BELOW = 0.1
#: Share of the drift-by-day axis left free above the highest point (its markers and the legend).
DISTANCE_HEADROOM = 0.3


def report(found: Check, formats: tuple[str, ...] = ("png",)) -> Any:
    """The page of ``found``: a :class:`lore.reports.Report` (``.save(folder)``, ``.to_html()``).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from lore.monitoring.check import check
    >>> from lore.monitoring.compare import Thresholds
    >>> from lore.monitoring.reference import build
    >>> rng = np.random.default_rng(0)
    >>> reference = build(pd.DataFrame({"x": rng.normal(0, 1, 1000)}), np.zeros(1000))
    >>> log = pd.DataFrame({"x": rng.normal(0, 1, 300), "prediction": 0.0,
    ...                     "predicted_at": pd.Timestamp("2026-01-01", tz="UTC")})
    >>> page = report(check(log, None, reference, model="demo.Model", thresholds=Thresholds()))
    >>> "No threshold was crossed" in page.to_html()
    True
    """
    from lore.reports import Report, plotting_available

    period = f"{found.first:%Y-%m-%d} to {found.last:%Y-%m-%d %H:%M} UTC" if found.rows else "no predictions"
    page = Report(f"Monitoring {found.model}", f"fitting {found.fitting}, {period}", formats=formats)
    summary = page.section("Summary")
    for alert in found.alerts:
        summary.text(alert, warning=True)
    if not found.alerts:
        summary.text("No threshold was crossed.")
    facts: dict[str, Any] = {
        "rows": found.rows,
        "columns drifted": int(found.drift["drifted"].sum()),
        "columns whose missing values changed": int(found.drift["missing_changed"].sum()),
    }
    if found.performance:
        facts.update(
            {
                "reference accuracy": found.performance["reference"],
                "estimated accuracy": found.performance["estimated"],
                "estimated ± (1 s.e.)": found.performance["stderr"],
            }
        )
    for key, value in (found.realised or {}).items():
        facts[f"realised {key}" if key != "rows" else "labelled rows"] = value
    summary.table(facts)
    thresholds = found.thresholds
    summary.table(
        {
            "distance at least": thresholds.distance,
            "p-value below": thresholds.p_value,
            "missing share moved by": thresholds.missing,
            "accuracy drop": thresholds.accuracy_drop,
        },
        "Thresholds (config/monitoring.cfg [DRIFT])",
    )
    table = found.drift.reset_index(names="column")
    page.section(
        "Drift",
        "Per column, over the whole period: the distance (normed Wasserstein for numbers, "
        "Jensen-Shannon for categories), PSI, a two-sample test, and the missing values.",
    ).table(table)
    if not plotting_available():
        summary.text('Plots need matplotlib: pip install "lore-ml[report]"')
        return page
    plots = page.section("Day by day")
    plots.figure(
        _distance_by_day(found),
        "drift-by-day",
        "Drift distance per column and day; the dashed line is the threshold",
    )
    if "estimated" in found.daily or "realised" in found.daily:
        plots.figure(_accuracy_by_day(found), "accuracy-by-day", "Accuracy per day")
    shown = found.drift.sort_values("distance", ascending=False).index[:DISTRIBUTIONS]
    if len(shown):
        distributions = page.section(
            "Distributions", "Reference and period, for the columns that moved most."
        )
        for name in shown:
            distributions.figure(_distribution(found, name), f"distribution-{_stem(name)}", name)
    return page


def _stem(name: str) -> str:
    import re

    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def _distance_by_day(found: Check) -> Any:
    import numpy as np

    from lore.reports import new_figure

    figure, axes = new_figure(7, 3.6)
    days = found.daily.index
    columns = [column for column in found.daily if column.startswith("distance_")]
    for column in columns:
        axes.plot(days, found.daily[column].to_numpy(), marker="o", label=column.removeprefix("distance_"))
    axes.axhline(found.thresholds.distance, linestyle="--", color="grey")
    axes.set_ylabel("drift distance")
    axes.set_yscale("symlog", linthresh=DISTANCE_LINEAR_BELOW)
    values = found.daily[columns].to_numpy(dtype=float)
    peak = max(np.nanmax(values, initial=0.0), found.thresholds.distance, DISTANCE_LINEAR_BELOW)
    axes.set_ylim(0, _above(axes, peak, DISTANCE_HEADROOM))
    axes.legend(fontsize=8, ncols=2)
    figure.autofmt_xdate()
    return figure


def _above(axes: Any, value: float, share: float) -> float:
    """The y that leaves ``share`` of the axis's height free above ``value`` (axis from 0, in its scale)."""
    scale = axes.yaxis.get_transform()
    bottom, peak = scale.transform([0.0, value])
    return float(scale.inverted().transform(bottom + (peak - bottom) / (1 - share)))


def _accuracy_by_day(found: Check) -> Any:
    from lore.reports import new_figure

    figure, axes = new_figure(7, 3.6)
    days = found.daily.index
    if "estimated" in found.daily:
        axes.plot(days, found.daily["estimated"].to_numpy(), marker="o", label="estimated (no labels)")
    if "realised" in found.daily:
        axes.plot(days, found.daily["realised"].to_numpy(), marker="s", label="realised (labels)")
    if found.performance:
        axes.axhline(found.performance["reference"], linestyle="--", color="grey", label="reference")
    axes.set_ylabel("accuracy")
    axes.legend(fontsize=8)
    figure.autofmt_xdate()
    return figure


def _distribution(found: Check, name: str) -> Any:
    import numpy as np

    from lore.reports import new_figure

    reference, current = found.reference[name], found.current.get(name)
    figure, axes = new_figure(4.2, 3.0)
    if reference["kind"] == NUMBER:
        edges = np.asarray(reference["edges"])
        for sketch, label in ((reference, "reference"), (current, "period")):
            if sketch is None or not sum(sketch["counts"]):
                continue
            counts = np.asarray(sketch["counts"], dtype=float)
            axes.step(np.arange(len(counts)), np.cumsum(counts) / counts.sum(), where="post", label=label)
        ticks = np.linspace(0, len(edges), 5).astype(int)[1:-1]
        axes.set_xticks(ticks, [f"{edges[tick - 1]:.3g}" for tick in ticks])
        axes.set_ylabel("cumulative share")
    else:
        names = list(reference["values"])[:12]
        width = 0.4
        for offset, (sketch, label) in enumerate(((reference, "reference"), (current, "period"))):
            if sketch is None:
                continue
            present = max(sketch["count"] - sketch["missing"], 1)
            shares = [sketch["values"].get(key, 0) / present for key in names] + [sketch["other"] / present]
            axes.bar(np.arange(len(shares)) + offset * width, shares, width, label=label)
        axes.set_xticks(np.arange(len(names) + 1) + width / 2, [*names, "other"], rotation=45, fontsize=8)
        axes.set_ylabel("share")
    axes.set_title(name, fontsize=10)
    axes.legend(fontsize=8)
    return figure
