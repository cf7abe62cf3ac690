"""The pages of ``lore ui``, rendered on the server from the model store.

Each function takes a :class:`~lore.stores.ModelStore` (and what the URL names) and
returns one HTML page built with :mod:`lore.reports`: the models, a model's fittings
(tick two or more to compare them), a fitting (its summary, the promote form and its
report) and a comparison (metrics side by side, learning and ROC curves of every
fitting on one plot). No page needs JavaScript.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from lore.reports import Link, Report, ranking
from lore.reports.page import cell_html

SPLITS = ("train", "validation", "test")
HOME = Link("models", "/")


def model_url(name: str) -> str:
    return f"/models/{quote(name)}"


def fitting_url(name: str, number: int) -> str:
    return f"{model_url(name)}/{number}"


def headline(metrics: dict[str, Any]) -> str:
    """``auc 0.91``: the headline validation metric (:mod:`lore.reports.ranking`)."""
    found = ranking.headline(metrics)
    return f"{found[0]} {found[1]:.4g}" if found else "–"


def models_page(store: Any) -> str:
    """Every model of the store: fittings, latest, aliases, the latest validation metric."""
    report = Report("Models", subtitle=f"model store {store.root}")
    rows = []
    for name in store.models():
        listed = store.fittings(name)
        latest = listed[-1]
        aliases = store.aliases(name)
        rows.append(
            {
                "model": Link(name, model_url(name)),
                "fittings": len(listed),
                "latest": Link(f"#{latest.number}", fitting_url(name, latest.number)),
                "created": (latest.created or "")[:16].replace("T", " "),
                "aliases": ", ".join(f"{alias} → {number}" for alias, number in sorted(aliases.items()))
                or "–",
                "validation (latest)": headline(latest.metrics),
            }
        )
    section = report.section("Models", "Each model with at least one fitting in the store.")
    if rows:
        section.table(rows)
    else:
        section.text("No fittings yet: lore fit MODULE.CLASS makes the first.")
    return report.to_html()


def model_page(store: Any, name: str) -> str:
    """A model's fittings, newest first, with boxes to tick for a comparison."""
    listed = store.fittings(name)
    report = Report(name, subtitle=f"{len(listed)} fittings", links=(HOME,))
    metric_names = list(dict.fromkeys(k for f in listed for k in (f.metrics.get("validation") or {})))
    head = "".join(
        f"<th>{html.escape(text)}</th>"
        for text in ["compare", "fitting", "created", "aliases", *(f"validation {m}" for m in metric_names)]
    )
    body = []
    for fitting in reversed(listed):
        validation = fitting.metrics.get("validation") or {}
        number = fitting.number
        checkbox = f'<td><input type="checkbox" name="f" value="{number}" aria-label="compare {number}"></td>'
        cells = [
            Link(f"#{fitting.number}", fitting_url(name, fitting.number)),
            (fitting.created or "")[:19].replace("T", " "),
            ", ".join(fitting.aliases) or "–",
            *(validation.get(m) for m in metric_names),
        ]
        body.append("<tr>" + checkbox + "".join(cell_html(value) for value in cells) + "</tr>")
    form = (
        f'<form method="get" action="{model_url(name)}/compare">'
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        '<button type="submit">Compare the ticked fittings</button></form>'
    )
    report.section("Fittings", "Tick two or more to compare them.").html(form)
    if store.remote is not None:
        _remote_fittings(report, store, name, {fitting.number for fitting in listed})
    return report.to_html()


def _remote_fittings(report: Any, store: Any, name: str, local: set[int]) -> None:
    """The model's fittings on S3, marking those also here (``lore download`` fetches the rest)."""
    section = report.section("On S3", f"Fittings of {name} at {store.remote.url(name)}.")
    remote = store.remote_fittings(name)
    if not remote:
        section.text("None uploaded yet: lore upload MODEL [FITTING], or promote with S3 configured.")
        return
    rows = [
        {
            "fitting": Link(f"#{fitting.number}", fitting_url(name, fitting.number))
            if fitting.number in local
            else f"#{fitting.number}",
            "created": (fitting.created or "")[:19].replace("T", " "),
            "aliases": ", ".join(fitting.aliases) or "–",
            "validation": headline(fitting.metrics),
            "here": "yes" if fitting.number in local else f"lore download {name} {fitting.number}",
        }
        for fitting in reversed(remote)
    ]
    section.table(rows)


def fitting_page(
    store: Any, name: str, number: int, *, promote: bool, token: bool, message: str = "", error: str = ""
) -> str:
    """One fitting: summary, promote form, and its report (sandboxed, without scripts)."""
    fitting = store.get(name, number)  # verified
    report = Report(
        f"{name} #{number}",
        subtitle=" · ".join(
            filter(None, [fitting.metadata.get("estimator"), (fitting.created or "")[:19].replace("T", " ")])
        ),
        links=(HOME, Link(name, model_url(name))),
    )
    summary = report.section("Summary")
    if message:
        summary.html(f'<p class="ok">{html.escape(message)}</p>')
    if error:
        summary.text(error, warning=True)
    summary.table(
        {
            "aliases": ", ".join(fitting.aliases) or "–",
            "folder": str(fitting.path),
            "lore": fitting.lore_version,
            "code version": fitting.metadata.get("code_version"),
        }
    )
    summary.table(_ordered(fitting.metrics), "Metrics")
    if promote:
        secret = '<input type="password" name="token" placeholder="token" required>' if token else ""
        summary.html(
            f'<form class="inline" method="post" action="{fitting_url(name, number)}/promote">'
            '<label>Promote to alias <input name="alias" value="production" size="12" required></label>'
            f'{secret}<button type="submit">Promote</button></form>'
        )
    page = Path(fitting.path) / "report" / "report.html"
    section = report.section("Report")
    here = fitting_url(name, number)
    if page.is_file():
        section.html(
            f'<p><a href="{here}/report.html">Open the report on its own page</a> · '
            f'<a href="{here}/model_card.md">model card</a></p>'
            f'<iframe class="report" sandbox title="report" src="{here}/report.html"></iframe>'
        )
    else:
        section.text('This fitting has no report: pip install "lore-ml[report]" and fit again.', warning=True)
    return report.to_html()


def _ordered(metrics: dict[str, Any]) -> dict[str, Any]:
    return {split: metrics[split] for split in sorted(metrics, key=lambda s: (*SPLITS, s).index(s))}


def compare_page(store: Any, name: str, numbers: list[int]) -> str:
    """Two or more fittings: metrics side by side, and their curves overlaid."""
    from lore.reports import figures

    chosen = [store.get(name, number) for number in numbers]  # verified
    report = Report(
        f"{name}: fittings {', '.join(f'#{n}' for n in numbers)}",
        links=(HOME, Link(name, model_url(name)), *(Link(f"#{n}", fitting_url(name, n)) for n in numbers)),
    )
    metrics = report.section("Metrics", "Each metric of each split, side by side.")
    rows = []
    for split in SPLITS:
        keys = list(dict.fromkeys(k for f in chosen for k in (f.metrics.get(split) or {})))
        for key in keys:
            values = {f"#{f.number}": (f.metrics.get(split) or {}).get(key) for f in chosen}
            rows.append({"split": split, "metric": key, **values})
    metrics.table(rows)
    params = [f.metadata.get("params") or {} for f in chosen]
    changed = [
        k for k in dict.fromkeys(k for p in params for k in p) if len({repr(p.get(k)) for p in params}) > 1
    ]
    section = report.section("Parameters that differ")
    if changed:
        section.table(
            [{"parameter": k, **{f"#{f.number}": p.get(k) for f, p in zip(chosen, params)}} for k in changed]
        )
    else:
        section.text("Every parameter is the same.")
    if figures.plotting_available():
        _overlay(report, chosen)
    return report.to_html()


def _overlay(report: Any, chosen: list[Any]) -> None:
    from lore.models.report import curves
    from lore.reports import new_figure

    histories = {f.number: _record(f).get("history") or {} for f in chosen}
    grouped = {number: curves(history) for number, history in histories.items()}
    metrics = list(dict.fromkeys(m for g in grouped.values() for m in g))
    if metrics:
        section = report.section(
            "Learning curves", "The validation curve of each fitting (train when there is none)."
        )
        for metric in metrics[:4]:
            figure, axes = new_figure(4.6, 3.0)
            for number, series in grouped.items():
                values = (series.get(metric) or {}).get("validation") or (series.get(metric) or {}).get(
                    "train"
                )
                if values:
                    axes.plot(range(1, len(values) + 1), values, label=f"#{number}")
            axes.set(xlabel="round", ylabel=metric)
            axes.legend()
            axes.grid(alpha=0.3)
            section.figure(figure, f"learning_{metric}", f"{metric} per round")
    points = {f.number: _curves(f) for f in chosen}
    if any(points.values()):
        section = report.section("ROC and precision-recall (test)", "From each fitting's report data.")
        for kind, labels in (("roc", ("false positive rate", "true positive rate")),
                             ("precision_recall", ("recall", "precision"))):  # fmt: skip
            figure, axes = new_figure(4.6, 4.0)
            for number, data in points.items():
                split = data.get("test") or data.get("validation") or {}
                if split.get(kind):
                    xs, ys = zip(*split[kind])
                    axes.plot(xs, ys, label=f"#{number}")
            axes.set(xlabel=labels[0], ylabel=labels[1])
            axes.legend()
            axes.grid(alpha=0.3)
            section.figure(figure, kind, kind.replace("_", "-"))


def _record(fitting: Any) -> dict[str, Any]:
    try:
        return json.loads((Path(fitting.path) / "model.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _curves(fitting: Any) -> dict[str, Any]:
    from lore.models.report import CURVES, FOLDER

    try:
        return json.loads((Path(fitting.path) / FOLDER / CURVES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def error_page(status: int, message: str) -> str:
    """A page for a refused request: the one-line message and a way back."""
    report = Report(f"{status}", links=(HOME,))
    report.section("Error").text(message, warning=True)
    return report.to_html()
