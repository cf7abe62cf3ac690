"""The report of a fitting: what was learned, how well, from what, and how it was made.

:func:`build` makes a :class:`lore.reports.Report` of a fitted model; :func:`write`
saves it into the fitting's ``report/`` folder (``report.html``, each plot as a PNG,
and ``model_card.md``). ``Model.fit`` calls :func:`write` once the fitting is safely
in the store, so a report that fails never costs a fitting; the ``report/`` folder is
derived from the fitting and is not part of its manifest (see
:data:`lore.stores.manifest.REPORT`).

What a report holds:

- metrics per split, why training stopped, parameters, timings;
- classification: ROC and precision-recall curves per split, a calibration curve, the
  confusion matrix and the score distribution by class (test split);
- regression: predicted against actual, the residuals, and residuals by prediction;
- learning curves from the training history; feature importance (the estimator's own,
  else permutation importance on the validation split), by pipeline feature;
- each raw input's distribution in training against test, and the encoders'
  cardinality, missing and unseen rates;
- the data signature, code version and package versions.

Plots need the rows of the splits, which a fit has in memory; a model loaded from the
store has none, so its report (:func:`build`) keeps the record's sections only. Plots
use at most :data:`PLOT_ROWS` rows per split (a seeded sample), which keeps a report
to about a second whatever the data's size.

>>> history = {"rounds": 12, "validation_logloss": [0.5] * 32}
>>> stopping(history, {"num_boost_round": 100, "early_stopping_rounds": 20})
'early stopping after 32 of 100 boosting rounds (no validation gain in 20 rounds); the best 12 kept'
"""

from __future__ import annotations

import json
import logging
import os
import re
from pathlib import Path
from typing import Any

import numpy as np

from lore.errors import ConfigError, MissingDependency

logger = logging.getLogger(__name__)

#: The folder of a fitting that holds its report.
FOLDER = "report"
#: The model card's file name, beside report.html.
CARD = "model_card.md"
#: ROC and precision-recall points per split (for comparing fittings), beside report.html.
CURVES = "curves.json"
#: Rows per split used for plots and permutation importance (a seeded sample).
PLOT_ROWS = 20_000
#: Raw input columns drawn (the first ones of the input schema).
MAX_INPUTS = 24
#: Features shown in the importance plot.
MAX_FEATURES = 30
#: Classes drawn in per-class plots and in the confusion matrix.
MAX_CLASSES = 12
SPLITS = ("train", "validation", "test")
_COLORS = {"train": "#1f77b4", "validation": "#ff7f0e", "test": "#2ca02c"}


def reports_enabled() -> bool:
    """Whether fits write reports by default: the ``LORE_REPORTS`` setting, on unless it says off.

    ``LORE_REPORTS=0`` (or ``false``, ``no``, ``off``) turns them off, for a test suite or
    a loop of many small fits; another value is a :class:`~lore.errors.ConfigError`.

    >>> import os
    >>> os.environ["LORE_REPORTS"] = "0"
    >>> reports_enabled()
    False
    >>> os.environ["LORE_REPORTS"] = "maybe"
    >>> reports_enabled()  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    lore.errors.ConfigError: LORE_REPORTS='maybe' is not on or off; set it to 1 (write a report per fit, ...
    >>> del os.environ["LORE_REPORTS"]
    >>> reports_enabled()
    True
    """
    text = os.environ.get("LORE_REPORTS", "1")
    if text.strip().lower() in ("1", "true", "yes", "on"):
        return True
    if text.strip().lower() in ("0", "false", "no", "off"):
        return False
    raise ConfigError(
        f"LORE_REPORTS={text!r} is not on or off; set it to 1 (write a report per fit, the default) or 0"
    )


# -- what the record says ---------------------------------------------------------------------


def stopping(history: dict[str, Any], params: dict[str, Any]) -> str:
    """Why training stopped, in one line, from the history and the parameters."""
    rounds, planned = history.get("rounds"), params.get("num_boost_round")
    if isinstance(rounds, int) and isinstance(planned, int):
        ran = max((len(v) for v in history.values() if isinstance(v, list)), default=rounds)
        patience = params.get("early_stopping_rounds")
        if ran < planned:
            why = f" (no validation gain in {patience} rounds)" if patience else ""
            return f"early stopping after {ran} of {planned} boosting rounds{why}; the best {rounds} kept"
        if rounds < planned:
            return f"ran all {planned} boosting rounds; the best {rounds} kept"
        return f"ran all {planned} boosting rounds"
    losses = history.get("loss")
    epochs = params.get("epochs")
    if isinstance(losses, list) and losses:
        if isinstance(epochs, int) and len(losses) < epochs:
            return f"early stopping after {len(losses)} of {epochs} epochs (best weights restored)"
        return f"ran all {len(losses)} epochs"
    return "the estimator fits in one pass (no training rounds)"


def curves(history: dict[str, Any]) -> dict[str, dict[str, list[float]]]:
    """The history's per-round series grouped by metric: ``{"logloss": {"validation": [...]}}``.

    >>> curves({"loss": [3, 2], "val_loss": [4, 3], "rounds": 2})
    {'loss': {'train': [3.0, 2.0], 'validation': [4.0, 3.0]}}
    """
    grouped: dict[str, dict[str, list[float]]] = {}
    for key, values in history.items():
        if not isinstance(values, list) or len(values) < 2:
            continue
        match = re.match(r"(train|training|validation|val|test)_(.+)", key)
        split, metric = (match.group(1), match.group(2)) if match else ("train", key)
        split = {"val": "validation", "training": "train"}.get(split, split)
        grouped.setdefault(metric, {})[split] = [float(value) for value in values]
    return grouped


# -- the data a fit left in memory --------------------------------------------------------------


class Evidence:
    """Sampled rows of each split: encoded ``x``, ``y``, model outputs and raw frames.

    Parameters
    ----------
    model
        A fitted model whose pipeline holds the splits' rows.
    rows
        Rows per split at most (a seeded sample of larger splits).
    seed
        The sample's seed.
    outputs
        Split name (``train``, ``validation``, ``test``) -> the model's output on that
        whole split, as :meth:`lore.estimators.Estimator.outputs` gives them after a fit,
        taken instead of predicting the split again. A sampled split takes its rows'
        outputs from them only when the estimator is
        :attr:`~lore.estimators.Estimator.row_wise` (a row's output, bit for bit, does
        not depend on the rows predicted with it); otherwise, and for a split missing
        from ``outputs``, the rows are predicted.
    """

    def __init__(
        self, model: Any, rows: int = PLOT_ROWS, seed: int = 0, outputs: dict[str, Any] | None = None
    ) -> None:
        pipeline = model.pipeline
        self.model = model
        self.task = model.estimator.task_
        self.raw: dict[str, Any] = {}
        self.x: dict[str, Any] = {}
        self.y: dict[str, Any] = {}
        self.output: dict[str, Any] = {}
        loaded = getattr(pipeline, "loaded_splits", None)
        frames = loaded() if callable(loaded) else {}
        if not frames:
            return
        rng = np.random.default_rng(seed)
        row_wise = model.estimator.row_wise
        observed = {
            "train": pipeline.training_data,
            "validation": pipeline.validation_data,
            "test": pipeline.test_data,
        }
        names = {"train": "training", "validation": "validation", "test": "test"}
        for split, data in observed.items():
            count = len(data.y)
            if not count:
                continue
            chosen = np.sort(rng.choice(count, rows, replace=False)) if count > rows else None
            x = data.x if chosen is None else data.x.iloc[chosen]
            self.x[split] = x
            self.y[split] = np.asarray(data.y if chosen is None else data.y[chosen])
            whole = (outputs or {}).get(split)
            if whole is None or (chosen is not None and not row_wise):
                self.output[split] = np.asarray(model._output(x))
            else:
                self.output[split] = np.asarray(whole if chosen is None else whole[chosen])
            frame = frames.get(names[split])
            if frame is not None:
                self.raw[split] = frame if chosen is None else frame.iloc[chosen]

    @property
    def available(self) -> bool:
        return bool(self.x)

    def labels(self) -> list[str]:
        """The class names, in code order."""
        n_classes = self.model.estimator.n_classes_
        try:
            return [str(label) for label in self.model.pipeline.decode(np.arange(n_classes))]
        except Exception:  # a custom decode that cannot take codes: show the codes
            return [str(code) for code in range(n_classes)]

    def decoded(self, split: str) -> tuple[Any, Any]:
        """Actual and predicted values of a regression, in the output column's terms."""
        decode = self.model.pipeline.decode
        actual = np.asarray(decode(self.y[split]), dtype=float).reshape(-1)
        predicted = np.asarray(decode(self.output[split]), dtype=float).reshape(-1)
        return actual, predicted


# -- the report -----------------------------------------------------------------------------------


def build(
    model: Any,
    *,
    rows: int = PLOT_ROWS,
    formats: tuple[str, ...] = ("png",),
    outputs: dict[str, Any] | None = None,
) -> Any:
    """The :class:`lore.reports.Report` of a fitted model (plots when its data is in memory).

    ``outputs`` are the fit's outputs per split (see :class:`Evidence`), which the
    plots sample instead of predicting the splits again.
    """
    from lore.reports import Report, figures

    record = getattr(model, "record_", None) or {}
    name = model.name()
    fitting = getattr(model, "fitting", None)
    subtitle = " · ".join(
        filter(
            None,
            [
                f"fitting {fitting}" if fitting is not None else "not saved",
                type(model.estimator).__name__,
                record.get("created_at", "")[:19].replace("T", " "),
            ],
        )
    )
    report = Report(name, subtitle=subtitle, formats=formats)
    evidence = Evidence(model, rows, outputs=outputs) if figures.plotting_available() else None
    _summary(report, model, record)
    if evidence is None:
        report.sections[0].text(
            'Plots need matplotlib: pip install "lore-ml[report]", then rebuild with model.report().',
            warning=True,
        )
    elif not evidence.available:
        report.sections[0].text(
            "The rows of the splits are not in memory (a model loaded from the store without its data, "
            "or a LowMemory pipeline, which keeps them on disk): this report holds the record and "
            "learning curves only.",
            warning=True,
        )
    if evidence is not None:
        _learning(report, model)
    if evidence is not None and evidence.available:
        if evidence.task == "regression":
            _regression(report, evidence)
        else:
            _classification(report, evidence)
        _importance(report, model, evidence)
        _inputs(report, model, evidence)
    _provenance(report, model, record)
    return report


def _summary(report: Any, model: Any, record: dict[str, Any]) -> None:
    section = report.section("Summary", "Metrics on each split, measured on every row after the fit.")
    section.table(model.metrics or {}, "Metrics")
    section.text(f"Why training stopped: {stopping(model.history or {}, model.params or {})}.")
    rows = (record.get("data_signature") or {}).get("rows") or {}
    if rows and not rows.get("test"):
        section.text(
            "This fitting has no test split (test_size=0): its test metrics and test plots are missing; "
            "give the pipeline a test_size to measure it on rows it never saw.",
            warning=True,
        )
    doc = _docstring(model)
    if doc:
        section.text(doc)


def _docstring(model: Any) -> str:
    import inspect

    doc = inspect.getdoc(type(model)) or ""
    base_docs = {inspect.getdoc(klass) for klass in type(model).__mro__[1:]}
    return "" if doc in base_docs else doc


def _learning(report: Any, model: Any) -> None:
    from lore.reports import new_figure

    grouped = curves(model.history or {})
    if not grouped:
        return
    section = report.section("Learning curves", "Each training round's metric, from the training history.")
    for metric, series in list(grouped.items())[:6]:
        figure, axes = new_figure(4.6, 3.0)
        for split, values in series.items():
            axes.plot(np.arange(1, len(values) + 1), values, label=split, color=_COLORS.get(split))
        axes.set_xlabel("round")
        axes.set_ylabel(metric)
        axes.legend()
        axes.grid(alpha=0.3)
        section.figure(figure, f"learning_{_stem(metric)}", f"{metric} per round")


def _classification(report: Any, evidence: Evidence) -> None:
    from sklearn import metrics

    from lore.reports import new_figure

    labels = evidence.labels()
    binary = len(labels) == 2
    section = report.section(
        "Classification", f"Curves per split, on up to {PLOT_ROWS:,} sampled rows of each split."
    )
    figure_roc, roc = new_figure(4.6, 4.0)
    figure_pr, pr = new_figure(4.6, 4.0)
    points: dict[str, Any] = {}
    for split in evidence.output:
        y, output = evidence.y[split].astype(int), evidence.output[split]
        if binary:
            truth, score = y == 1, output[:, 1]
        else:  # one against the rest, all classes pooled (micro average)
            truth = (np.arange(output.shape[1]) == y[:, None]).ravel()
            score = output.ravel()
        if truth.all() or not truth.any():
            continue
        fpr, tpr, _ = metrics.roc_curve(truth, score)
        precision, recall, _ = metrics.precision_recall_curve(truth, score)
        color = _COLORS.get(split)
        roc.plot(fpr, tpr, color=color, label=f"{split} (AUC {metrics.auc(fpr, tpr):.3f})")
        pr.plot(recall, precision, color=color, label=f"{split} (AP {metrics.auc(recall, precision):.3f})")
        points[split] = {"roc": _thin(fpr, tpr), "precision_recall": _thin(recall, precision)}
    report.attach(CURVES, json.dumps(points))
    roc.plot([0, 1], [0, 1], ls="--", color="grey", lw=0.8)
    roc.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC")
    pr.set(xlabel="recall", ylabel="precision", title="Precision-recall")
    for axes in (roc, pr):
        axes.legend(loc="lower right" if axes is roc else "lower left")
        axes.grid(alpha=0.3)
    section.figure(figure_roc, "roc", "ROC curve per split" + ("" if binary else " (micro average)"))
    section.figure(figure_pr, "precision_recall", "Precision-recall curve per split")
    split = "test" if "test" in evidence.output else "validation"
    if split != "test":
        section.text("No test split: the calibration, confusion matrix and scores use validation.")
    y, output = evidence.y[split].astype(int), evidence.output[split]
    _calibration(section, y, output, binary, split)
    _confusion(section, y, output, labels, split)
    _scores(section, y, output, labels, split)


def _thin(x: Any, y: Any, points: int = 200) -> list[list[float]]:
    """At most ``points`` ``[x, y]`` pairs of a curve, evenly spaced along it, for ``curves.json``."""
    keep = np.unique(np.linspace(0, len(x) - 1, min(points, len(x))).round().astype(int))
    return np.column_stack([x[keep], y[keep]]).round(5).tolist()


def _calibration(section: Any, y: Any, output: Any, binary: bool, split: str) -> None:
    from sklearn.calibration import calibration_curve

    from lore.reports import new_figure

    if binary:
        truth, score, what = y == 1, output[:, 1], "predicted probability"
    else:
        truth, score, what = output.argmax(axis=1) == y, output.max(axis=1), "top class probability"
    if truth.all() or not truth.any():
        return
    observed, predicted = calibration_curve(truth, score, n_bins=10, strategy="quantile")
    figure, axes = new_figure(4.6, 4.0)
    axes.plot([0, 1], [0, 1], ls="--", color="grey", lw=0.8, label="perfect")
    axes.plot(predicted, observed, marker="o", color=_COLORS[split], label=split)
    axes.set(xlabel=what, ylabel="observed frequency", title="Calibration")
    axes.legend(loc="upper left")
    axes.grid(alpha=0.3)
    section.figure(figure, "calibration", f"Calibration on {split} (deciles of the score)")


def _confusion(section: Any, y: Any, output: Any, labels: list[str], split: str) -> None:
    from lore.reports import new_figure

    n = len(labels)
    predicted = output.argmax(axis=1)
    matrix = np.bincount(y * n + predicted, minlength=n * n).reshape(n, n)
    if n > MAX_CLASSES:  # keep the most frequent true classes
        keep = np.sort(np.argsort(-matrix.sum(axis=1))[:MAX_CLASSES])
        matrix, labels = matrix[np.ix_(keep, keep)], [labels[i] for i in keep]
        n = len(keep)
    figure, axes = new_figure(4.6, 4.0, layout="constrained" if n > 4 else None)
    axes.imshow(matrix, cmap="Blues")
    axes.set_xticks(range(n), labels, rotation=45 if n > 4 else 0, ha="right" if n > 4 else "center")
    axes.set_yticks(range(n), labels)
    limit = matrix.max() / 2 if matrix.size else 0
    for (row, column), count in np.ndenumerate(matrix):
        axes.text(column, row, f"{count:,}", ha="center", va="center",
                  color="white" if count > limit else "black", fontsize=8)  # fmt: skip
    axes.set(xlabel="predicted", ylabel="actual", title=f"Confusion matrix ({split})")
    section.figure(figure, "confusion_matrix", f"Confusion matrix on {split}")


def _scores(section: Any, y: Any, output: Any, labels: list[str], split: str) -> None:
    from lore.reports import new_figure

    figure, axes = new_figure(4.6, 4.0)
    bins = np.linspace(0, 1, 41)
    if len(labels) == 2:
        for code, label in enumerate(labels):
            axes.hist(output[y == code, 1], bins=bins, alpha=0.55, density=True, label=f"actual {label}")
        axes.set_xlabel(f"predicted probability of {labels[1]}")
    else:
        own = output[np.arange(len(y)), y]
        for code, label in enumerate(labels[:MAX_CLASSES]):
            if (y == code).any():
                axes.hist(
                    own[y == code], bins=bins, alpha=0.45, density=True, label=label, histtype="stepfilled"
                )
        axes.set_xlabel("predicted probability of the actual class")
    axes.set(ylabel="density", title=f"Scores by class ({split})")
    axes.legend()
    section.figure(figure, "score_distribution", f"Score distribution by actual class on {split}")


def _regression(report: Any, evidence: Evidence) -> None:
    from lore.reports import new_figure

    section = report.section("Regression", f"On up to {PLOT_ROWS:,} sampled rows of each split.")
    split = "test" if "test" in evidence.output else "validation"
    if split != "test":
        section.text("No test split: these plots use validation.")
    actual, predicted = evidence.decoded(split)
    residual = actual - predicted
    figure, axes = new_figure(4.6, 4.0)
    axes.scatter(actual, predicted, s=4, alpha=0.3, color=_COLORS[split], rasterized=True)
    low, high = np.nanmin([actual.min(), predicted.min()]), np.nanmax([actual.max(), predicted.max()])
    axes.plot([low, high], [low, high], ls="--", color="grey", lw=0.8)
    axes.set(xlabel="actual", ylabel="predicted", title=f"Predicted vs actual ({split})")
    axes.grid(alpha=0.3)
    section.figure(figure, "predicted_vs_actual", f"Predicted against actual on {split}")
    figure, axes = new_figure(4.6, 4.0)
    for name in evidence.output:
        truth, guess = evidence.decoded(name)
        axes.hist(truth - guess, bins=50, alpha=0.5, density=True, label=name, color=_COLORS.get(name))
    axes.axvline(0, color="grey", lw=0.8)
    axes.set(xlabel="actual - predicted", ylabel="density", title="Residuals")
    axes.legend()
    section.figure(figure, "residuals", "Residuals per split")
    figure, axes = new_figure(4.6, 4.0)
    axes.scatter(predicted, residual, s=4, alpha=0.3, color=_COLORS[split], rasterized=True)
    axes.axhline(0, color="grey", lw=0.8)
    axes.set(xlabel="predicted", ylabel="actual - predicted", title=f"Residuals by prediction ({split})")
    axes.grid(alpha=0.3)
    section.figure(figure, "residuals_by_prediction", f"Residuals by predicted value on {split}")


# -- features and inputs -------------------------------------------------------------------------


def importance(model: Any, evidence: Evidence | None = None) -> tuple[dict[str, float], str]:
    """Feature -> importance, and how it was measured (the estimator's own, or permutation)."""
    from lore.pipelines.holdout import feature_names

    names = feature_names(model.pipeline)
    native = getattr(model.estimator, "native_", None)
    if hasattr(native, "get_score"):  # XGBoost: total gain, features named f0, f1...
        scores = native.get_score(importance_type="total_gain")
        values = [float(scores.get(f"f{index}", scores.get(name, 0.0))) for index, name in enumerate(names)]
        return dict(zip(names, values)), "XGBoost total gain"
    if getattr(native, "feature_importances_", None) is not None:
        return dict(
            zip(names, map(float, native.feature_importances_))
        ), "the estimator's feature_importances_"
    coef = getattr(native, "coef_", None)
    if coef is not None and np.asarray(coef).size:
        weights = np.abs(np.asarray(coef, dtype=float)).reshape(-1, len(names)).mean(axis=0)
        return dict(zip(names, map(float, weights))), "|coefficient| (on encoded features)"
    if evidence is None or "validation" not in evidence.x:
        return {}, ""
    return _permutation(model, evidence), "permutation importance on validation (loss increase)"


def _permutation(model: Any, evidence: Evidence, limit: int = 5000) -> dict[str, float]:
    """Validation loss increase when each feature's column is shuffled (seeded)."""
    from lore.models import metrics as measures

    x, y = evidence.x["validation"].iloc[:limit], evidence.y["validation"][:limit]
    base = measures.evaluate(evidence.task, y, model._output(x))["loss"]
    rng = np.random.default_rng(0)
    scores = {}
    for column in list(x.columns)[: MAX_FEATURES * 4]:
        shuffled = x.copy()
        shuffled[column] = rng.permutation(shuffled[column].to_numpy())
        scores[str(column)] = measures.evaluate(evidence.task, y, model._output(shuffled))["loss"] - base
    return scores


def _importance(report: Any, model: Any, evidence: Evidence) -> None:
    from lore.reports import new_figure

    scores, how = importance(model, evidence)
    if not scores:
        return
    section = report.section("Feature importance", f"By pipeline feature: {how}.")
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)[:MAX_FEATURES]
    figure, axes = new_figure(6.0, 0.9 + 0.24 * len(ranked), layout="constrained")
    axes.barh([name for name, _ in ranked][::-1], [value for _, value in ranked][::-1], color="#4c72b0")
    axes.set(xlabel=how, title="Feature importance")
    axes.tick_params(axis="y", labelsize=8)
    section.figure(figure, "feature_importance", f"The {len(ranked)} most important features")


def encoder_summaries(model: Any, evidence: Evidence | None = None) -> list[dict[str, Any]]:
    """One row per encoder: kind, inputs, cardinality, missing rate (train) and unseen rate (test)."""
    rows = []
    train = evidence.raw.get("train") if evidence else None
    test = evidence.raw.get("test") if evidence else None
    for encoder in model.pipeline.encoders:
        columns = list(encoder.input_columns())
        row: dict[str, Any] = {
            "encoder": encoder.name,
            "type": type(encoder).__name__,
            "kind": encoder.kind,
            "inputs": ", ".join(columns),
            "cardinality": encoder.cardinality(),
            "missing (train)": None,
            "unseen (test)": None,
        }
        column = columns[0] if len(columns) == 1 else None
        if train is not None and column in train:
            row["missing (train)"] = float(train[column].isna().mean())
        if encoder.kind == "categorical" and train is not None and test is not None and column in test:
            values = test[column]
            unseen = values.notna() & ~values.isin(train[column].dropna().unique())
            row["unseen (test)"] = float(unseen.mean())
        rows.append(row)
    return rows


def _inputs(report: Any, model: Any, evidence: Evidence) -> None:
    from lore.reports import new_figure

    section = report.section("Inputs", "Each raw input column in training against test, and the encoders.")
    section.table(encoder_summaries(model, evidence), "Encoders (rates are fractions of rows)")
    train, test = evidence.raw.get("train"), evidence.raw.get("test")
    if train is None:
        return
    if test is None:
        section.text("This fitting has no test split: inputs are shown for training only.", warning=True)
    schema = model.pipeline.input_schema()
    columns = [column for column in schema if column in train][:MAX_INPUTS]
    if len(schema) > len(columns):
        section.text(f"Showing {len(columns)} of {len(schema)} input columns.")
    for column in columns:
        categorical = schema[column] not in ("number", "integer")
        figure, axes = new_figure(3.4, 2.5, layout="constrained" if categorical else None)
        _distribution(axes, column, schema[column], train[column], None if test is None else test[column])
        section.figure(figure, f"input_{_stem(column)}", column)


def _distribution(axes: Any, column: str, kind: str, train: Any, test: Any) -> None:
    import pandas as pd

    splits = {"train": train} if test is None else {"train": train, "test": test}
    if kind in ("number", "integer") and pd.api.types.is_numeric_dtype(train):
        values = train.dropna().to_numpy(dtype=float)
        low, high = np.nanpercentile(values, [0.5, 99.5]) if len(values) else (0.0, 1.0)
        bins = np.linspace(low, high if high > low else low + 1, 31)
        for name, series in splits.items():
            data = np.clip(series.dropna().to_numpy(dtype=float), bins[0], bins[-1])
            axes.hist(data, bins=bins, density=True, alpha=0.5, label=name, color=_COLORS[name])
    else:
        top = train.astype("string").fillna("(missing)").value_counts(normalize=True).head(12)
        positions = np.arange(len(top))
        width = 0.8 / len(splits)
        for offset, (name, series) in enumerate(splits.items()):
            shares = series.astype("string").fillna("(missing)").value_counts(normalize=True)
            axes.bar(positions + offset * width, shares.reindex(top.index).fillna(0).to_numpy(), width,
                     label=name, color=_COLORS[name])  # fmt: skip
        axes.set_xticks(positions + width / 2 * (len(splits) - 1), [str(v)[:12] for v in top.index],
                        rotation=45, ha="right", fontsize=7)  # fmt: skip
    axes.set_title(column, fontsize=10)
    axes.tick_params(labelsize=7)
    axes.legend(fontsize=7)


def _provenance(report: Any, model: Any, record: dict[str, Any]) -> None:
    section = report.section("Provenance", "How this fitting was made, from its record.")
    section.table(_flat(model.params or {}), "Parameters")
    section.table(model.timings or {}, "Timings (seconds)")
    signature = record.get("data_signature") or {}
    if signature:
        rows = signature.get("rows") or {}
        section.table({key: value for key, value in signature.items() if key not in ("extracts", "rows")},
                      "Data signature")  # fmt: skip
        if rows:
            section.table(rows, "Rows")
        extracts = signature.get("extracts") or []
        if extracts:
            plain = [{key: value if not isinstance(value, dict) else str(value)
                      for key, value in extract.items()} for extract in extracts]  # fmt: skip
            section.table(plain, "Queries")
    section.table(
        {"code version": record.get("code_version"), **(record.get("packages") or {})}, "Code and packages"
    )


def _flat(params: dict[str, Any]) -> dict[str, Any]:
    return {key: value if isinstance(value, (int, float, str, bool, type(None))) else repr(value)
            for key, value in params.items()}  # fmt: skip


def _stem(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", str(text)).strip("_") or "x"


# -- the model card --------------------------------------------------------------------------------


def card(model: Any) -> str:
    """A Markdown model card from the fitting's record; the model's docstring is its description."""
    record = getattr(model, "record_", None) or {}
    lines = [f"# Model card: {model.name()}", ""]
    fitting = getattr(model, "fitting", None)
    lines.append(
        f"Fitting {fitting if fitting is not None else '(not saved)'} · "
        f"{type(model.estimator).__name__} · created {record.get('created_at', 'unknown')}"
    )
    lines += [
        "",
        "## Description",
        "",
        _docstring(model) or "_Document the model in its class docstring._",
        "",
    ]
    pipeline = model.pipeline
    task = getattr(model.estimator, "task_", None)
    lines += ["## Intended use", "", f"Task: {task}." if task else "", ""]
    schema = {}
    try:
        schema = pipeline.input_schema()
    except Exception:  # a pipeline without the contract: leave the inputs out
        logger.debug("no input schema for %s", model.name())
    if schema:
        lines += ["## Inputs", "", "| column | type |", "|---|---|"]
        lines += [f"| {column} | {kind} |" for column, kind in schema.items()]
        lines.append("")
    metrics = model.metrics or {}
    if metrics:
        names = list(dict.fromkeys(key for values in metrics.values() for key in values))
        lines += ["## Metrics", "", "| split | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
        for split, values in metrics.items():
            cells = [
                f"{values[n]:.4g}" if isinstance(values.get(n), float) else str(values.get(n, ""))
                for n in names
            ]
            lines.append(f"| {split} | " + " | ".join(cells) + " |")
        lines.append("")
    rows = (record.get("data_signature") or {}).get("rows") or {}
    if rows:
        lines += ["## Training data", ""] + [f"- {split}: {count:,} rows" for split, count in rows.items()]
        if not rows.get("test"):
            lines.append("- no test split: the model was not measured on held-out rows")
        lines.append("")
    lines += ["## Training", "", f"- {stopping(model.history or {}, model.params or {})}"]
    lines += [f"- {key}: {value}" for key, value in _flat(model.params or {}).items()]
    lines += ["", "## Provenance", "", f"- code version: {record.get('code_version') or 'unknown'}"]
    lines += [f"- {name} {version}" for name, version in (record.get("packages") or {}).items()]
    return "\n".join(lines) + "\n"


# -- writing --------------------------------------------------------------------------------------


def write(model: Any, folder: str | Path, outputs: dict[str, Any] | None = None) -> Path | None:
    """Write the report and model card into ``folder/report/``; return the page's path.

    The folder is replaced whole (built beside it, then renamed). Without matplotlib
    only the model card is written and ``None`` returned. ``outputs`` are the fit's
    outputs per split (see :class:`Evidence`), reused rather than predicted again.
    """
    from lore.reports import figures
    from lore.util import atomic_folder

    with atomic_folder(Path(folder) / FOLDER) as staging:
        (staging / CARD).write_text(card(model), encoding="utf-8")
        if not figures.plotting_available():
            return None
        build(model, outputs=outputs).save(staging)
    return Path(folder) / FOLDER / "report.html"


def report_of(model: Any) -> Any:
    """What ``model.report()`` returns: the saved report of its fitting, else one built now."""
    from lore.reports import figures

    folder = getattr(model, "fitting_path_", None)
    page = Path(folder) / FOLDER / "report.html" if folder else None
    if page is not None and page.is_file():
        return SavedReport(page)
    if not figures.plotting_available():
        raise MissingDependency("matplotlib", "report", "model reports")
    return build(model)


class SavedReport:
    """A report file on disk that a notebook shows inline."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __repr__(self) -> str:
        return f"<SavedReport {self.path}>"

    def to_html(self) -> str:
        return self.path.read_text(encoding="utf-8")

    def _repr_html_(self) -> str:
        return self.to_html()
