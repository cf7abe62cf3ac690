"""One check of a served model: drift, estimated and realised performance, day by day.

:func:`check` takes the logged predictions of one fitting (:func:`lore.monitoring.log.read`),
its :class:`~lore.monitoring.Reference` and, when they have arrived, the true
outcomes, and returns a :class:`Check`: the drift table of every input and of the
predictions over the whole period, each column's drift distance per day, the accuracy expected from
the model's confidence (per day and overall) and, with outcomes, the accuracy
realised (or a regression's MAE and RMSE). ``Check.alerts`` lists every threshold
crossed (a column that drifted, a column whose share of missing values changed, an
accuracy drop); ``lore monitor`` prints the check, writes its report and exits
non-zero when there is any.

Each day is profiled once against the reference and the days' profiles are merged
for the whole period, so the data is read and binned once.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from lore.errors import LoreError
from lore.monitoring.compare import Thresholds, drift
from lore.monitoring.performance import confidence
from lore.monitoring.reference import Reference
from lore.monitoring.sketches import Profile, profile

#: Columns of a labels extract that join it to the log; the other one is the outcome.
KEYS = ("request_id", "row")


class LabelsError(LoreError):
    """An extract of outcomes that cannot be joined to the logged predictions."""


@dataclasses.dataclass
class Check:
    """What :func:`check` found; see the module documentation."""

    model: str
    fitting: int | None
    rows: int
    first: Any  # first and last prediction (pandas Timestamps), None without rows
    last: Any
    drift: Any  # DataFrame, one row per input and one for "prediction"
    daily: Any  # DataFrame indexed by day: rows, distance_<column>..., estimated, realised
    performance: dict[str, float] | None  # estimated accuracy (classifiers)
    realised: dict[str, float] | None  # with outcomes: accuracy, or mae and rmse
    thresholds: Thresholds
    alerts: list[str]
    reference: Profile  # the reference's inputs and predictions, as compared
    current: Profile  # the period's, in the reference's bins

    @property
    def crossed(self) -> bool:
        """Whether any threshold was crossed."""
        return bool(self.alerts)


def check(
    frame: Any,
    probabilities: Any,
    reference: Reference,
    *,
    model: str = "model",
    fitting: int | None = None,
    labels: Any = None,
    thresholds: Thresholds | None = None,
) -> Check:
    """Check one fitting's logged predictions against its reference.

    Parameters
    ----------
    frame, probabilities
        The log of one fitting (:class:`lore.monitoring.log.Logs`): ``predicted_at``,
        ``prediction``, the inputs, and the class probabilities (``None`` for a regression).
    reference
        The fitting's reference.
    labels
        Outcomes, when known: a DataFrame with ``request_id``, optionally ``row``
        (0 when absent: one row per request), and one more column, the outcome.
    thresholds
        :meth:`Thresholds.from_config` by default.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from lore.monitoring.reference import build
    >>> rng = np.random.default_rng(0)
    >>> inputs = pd.DataFrame({"x": rng.normal(0, 1, 2000)})
    >>> reference = build(inputs, inputs["x"] > 0)
    >>> log = pd.DataFrame({"x": rng.normal(2, 1, 500), "predicted_at": pd.Timestamp("2026-01-01", tz="UTC")})
    >>> log["prediction"] = log["x"] > 0
    >>> found = check(log, None, reference, thresholds=Thresholds())
    >>> found.drift["drifted"].to_dict(), found.alerts[0]
    ({'x': True, 'prediction': True}, 'x drifted: distance 2.07, PSI 3.94, ks p-value 5.51e-166')
    """
    import numpy as np
    import pandas as pd

    thresholds = thresholds or Thresholds.from_config()
    against = Profile({**reference.inputs.columns, **reference.predictions.columns}, reference.inputs.rows)
    stamps = pd.to_datetime(frame["predicted_at"], utc=True) if len(frame) else None
    codes, unique_days = _days(stamps) if len(frame) else pd.factorize(pd.Series([]), sort=True)
    daily_profiles = [profile(rows, against) for rows in _split(frame, codes, len(unique_days))]
    whole = daily_profiles[0] if daily_profiles else profile(frame, against)
    for more in daily_profiles[1:]:
        whole = whole.merge(more)
    table = drift(against, whole, thresholds)
    daily = pd.DataFrame({"rows": np.bincount(codes, minlength=len(unique_days))}, index=unique_days)
    tables = [drift(against, day, thresholds) for day in daily_profiles]
    for name in against:
        daily[f"distance_{name}"] = [table_of_day.loc[name, "distance"] for table_of_day in tables]

    baseline = None  # the reference's own accuracy
    if reference.labels is not None:
        baseline = float(np.mean(confidence(reference.probabilities)[0] == reference.labels))
    performance = None
    if probabilities is not None and baseline is not None and len(frame):
        chance = reference.chance(confidence(probabilities)[1])
        performance = {
            "estimated": float(chance.mean()),
            "stderr": float(np.sqrt(np.sum(chance * (1 - chance))) / len(chance)),
            "reference": baseline,
            "rows": len(chance),
        }
        daily["estimated"] = np.bincount(codes, weights=chance, minlength=len(unique_days)) / daily["rows"]

    realised = None
    if labels is not None:
        realised, right = _realised(frame, labels, classifier=reference.labels is not None)
        if right is not None:
            known = ~np.isnan(right)
            hits = np.bincount(codes[known], weights=right[known], minlength=len(unique_days))
            counted = np.bincount(codes[known], minlength=len(unique_days))
            with np.errstate(invalid="ignore", divide="ignore"):
                daily["realised"] = hits / counted
            daily["labelled"] = counted

    alerts = _alerts(table)
    enough = thresholds.min_rows  # fewer rows than this are too few to judge
    accuracies = {
        "estimated": performance["estimated"] if performance and performance["rows"] >= enough else None,
        "realised": realised.get("accuracy") if realised and realised.get("rows", 0) >= enough else None,
    }
    if len(tables) > 1:  # the latest day alone: a recent shift is diluted in the whole period
        latest = f"{unique_days[-1]:%Y-%m-%d}"
        alerts += _alerts(tables[-1], f" on {latest}")
        if "estimated" in daily and daily["rows"].iloc[-1] >= enough:
            accuracies[f"{latest}'s estimated"] = float(daily["estimated"].iloc[-1])
    for what, accuracy in accuracies.items():
        if accuracy is not None and baseline is not None and accuracy < baseline - thresholds.accuracy_drop:
            alerts.append(
                f"{what} accuracy {accuracy:.3f} is more than {thresholds.accuracy_drop:g} "
                f"below the reference's {baseline:.3f}"
            )
    first = unique_days[0] if len(frame) else None
    last = stamps.max() if stamps is not None else None
    return Check(
        model,
        fitting,
        len(frame),
        first,
        last,
        table,
        daily,
        performance,
        realised,
        thresholds,
        alerts,
        against,
        whole,
    )


def _alerts(table: Any, when: str = "") -> list[str]:
    """The drift and missing-value alerts of a drift table (``when``: " on <day>" or nothing)."""
    alerts = []
    for name, row in table.iterrows():
        if row.drifted:
            alerts.append(
                f"{name} drifted{when}: distance {row.distance:.3g}, PSI {row.psi:.3g}, "
                f"{row.test} p-value {row.p_value:.3g}"
            )
        if row.missing_changed:
            alerts.append(
                f"{name} missing values{when}: {row.missing_current:.1%} of rows, "
                f"{row.missing_reference:.1%} in the reference"
            )
    return alerts


def _days(stamps: Any) -> tuple[Any, Any]:
    """Day number (0, 1, ... in order) of each timestamp, and the days seen (UTC midnights).

    In one pass over the rows (day offsets counted with ``bincount``), not a sort.
    """
    import numpy as np
    import pandas as pd

    per_day = int(np.timedelta64(1, "D") // np.timedelta64(1, stamps.dt.unit))
    numbers = stamps.dt.tz_convert(None).to_numpy().view(np.int64) // per_day  # floored, as datetime64[D]
    lowest = numbers.min()
    seen = np.bincount(numbers - lowest) > 0
    codes = (np.cumsum(seen) - 1)[numbers - lowest]
    midnights = (np.flatnonzero(seen) + lowest).astype("datetime64[D]")
    return codes, pd.DatetimeIndex(midnights).as_unit(stamps.dt.unit).tz_localize("UTC")


def _split(frame: Any, codes: Any, days: int) -> list[Any]:
    """``frame``'s rows of each day: slices (no copy) when the rows come in day order, as read."""
    import numpy as np

    if len(codes) < 2 or (codes[1:] >= codes[:-1]).all():
        bounds = np.searchsorted(codes, np.arange(days + 1), side="left")
        return [frame.iloc[bounds[day] : bounds[day + 1]] for day in range(days)]
    return [frame.iloc[np.flatnonzero(codes == day)] for day in range(days)]


def _realised(frame: Any, labels: Any, classifier: bool) -> tuple[dict[str, float], Any]:
    """Realised performance on the rows with an outcome, and per row whether it was right."""
    import numpy as np
    import pandas as pd

    if "request_id" not in labels.columns:
        raise LabelsError(
            f"the labels have no request_id column (they have {', '.join(map(str, labels.columns))}); "
            "select the request id the API returned with each outcome"
        )
    outcomes = [column for column in labels.columns if column not in KEYS]
    if len(outcomes) != 1:
        raise LabelsError(
            f"the labels need exactly one column besides request_id and row, the outcome; they have "
            f"{', '.join(outcomes) or 'none'}"
        )
    labels = labels.rename(columns={outcomes[0]: "__outcome__"})
    if "row" not in labels.columns:
        labels = labels.assign(row=0)
    keys = frame[["request_id", "row"]].astype({"request_id": str, "row": np.int64})
    labels = labels.astype({"request_id": str, "row": np.int64}).drop_duplicates(["request_id", "row"])
    outcome = keys.merge(labels, on=["request_id", "row"], how="left")["__outcome__"]
    known = outcome.notna().to_numpy()
    predicted = frame["prediction"].to_numpy()
    if not known.any():
        raise LabelsError("none of the labels' request ids is in the log of this period and fitting")
    if not classifier:
        error = pd.to_numeric(outcome[known]).to_numpy(dtype=float) - predicted[known].astype(float)
        return {
            "mae": float(np.abs(error).mean()),
            "rmse": float(np.sqrt((error**2).mean())),
            "rows": int(known.sum()),
        }, None
    truth = outcome[known]
    if frame["prediction"].dtype == bool:
        truth = truth.astype(bool).to_numpy()
    elif pd.api.types.is_numeric_dtype(frame["prediction"].dtype):
        truth = pd.to_numeric(truth).to_numpy()
    else:
        truth, predicted = truth.astype(str).to_numpy(), predicted.astype(str)
    right = np.full(len(frame), np.nan)
    right[known] = predicted[known] == truth
    return {"accuracy": float(right[known].mean()), "rows": int(known.sum())}, right
