"""Drift verdicts: lore's against Evidently's (``DataDriftPreset`` defaults) on the same data.

Synthetic scenarios with known changes, each a reference and a current sample:
none, a shifted number, a change of scale without a change of mean, a reshuffled
category, a small (0.1 standard deviation) shift, a new category, missing values,
the share of a 0/1 number, and small samples (a reference of at most 1,000 rows,
where Evidently switches from distances to tests). lore's side runs here
(:func:`lore.monitoring.drift`, default :class:`~lore.monitoring.Thresholds`);
Evidently's runs in its throwaway virtualenv (``$LORE_BENCH_VENVS/evidently``, see
``benchmarks/harness.py``; Evidently 0.7 needs ``pandas<3``: ``python -m venv
/work/bench-venvs/evidently && /work/bench-venvs/evidently/bin/pip install evidently
"pandas<3"``), reading the same CSV files.

One JSON line per scenario: the columns each side flags as drifted, whether they are
the same, the columns whose missing values lore alarms on (a separate fact, which
Evidently's drift methods do not see), and both sides' numbers per column (lore's
distance next to Evidently's value of the same method, PSI and the test's p-value).
A line counts the scenarios that agree. Then both sides judge ``--iid`` i.i.d.
samples of each of three regimes (a 5,000-row reference against 2,000 and 200 rows,
an 800-row one against 500): one line per regime with each side's false alarms
(columns flagged, none having changed).

    python benchmarks/bench_drift_evidently.py [--iid 50]
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path
from typing import Any

EVIDENTLY = """
import json, sys
import pandas as pd
from evidently import Report
from evidently.presets import DataDriftPreset

results = {}
for pair in sys.argv[1:]:
    reference_path, current_path = pair.split(",")
    found = Report([DataDriftPreset()]).run(pd.read_csv(current_path), pd.read_csv(reference_path)).dict()
    columns = {}
    for metric in found["metrics"]:
        config = metric.get("config", {})
        column = config.get("column")
        if column is None or "threshold" not in config:
            continue
        value = float(metric["value"])
        method = config.get("method")
        is_p_value = "p_value" in str(method)  # a test: drift below; a distance: drift at or above
        drifted = bool(value < config["threshold"] if is_p_value else value >= config["threshold"])
        threshold = config["threshold"]
        columns[column] = {"method": method, "value": value, "threshold": threshold, "drifted": drifted}
    results[current_path] = columns
print(json.dumps(results))
"""


def sample(
    rng: Any,
    rows: int,
    income: float = 0.0,
    cities: tuple[float, ...] = (0.4, 0.3, 0.2, 0.1),
    age: float = 0.0,
    age_sd: float = 10.0,
) -> Any:
    """Rows of five columns (see :func:`with_member` for a sixth); the arguments move their distributions."""
    import pandas as pd

    return pd.DataFrame(
        {
            "income": rng.lognormal(10 + income, 0.5, rows),
            "age": rng.normal(40 + age, age_sd, rows).round(),
            "visits": rng.poisson(3, rows).astype(float),
            "city": rng.choice(["oslo", "lima", "pune", "kyiv"], rows, p=list(cities)),
            "plan": rng.choice(["free", "pro", "team"], rows, p=[0.6, 0.25, 0.15]),
        }
    )


def with_member(frame: Any, rng: Any, share: float = 0.3) -> Any:
    """``frame`` with ``member``, a 0/1 number (Evidently judges a number of two values like a category)."""
    frame["member"] = (rng.random(len(frame)) < share).astype(int)
    return frame


def scenarios() -> tuple[dict[str, Any], dict[str, tuple[str, Any]]]:
    """The references by name, and scenario name -> (its reference's name, current sample).

    The first six scenarios draw the same data as the first version of this benchmark
    (``member`` comes from a generator of its own).
    """
    import numpy as np

    rng = np.random.default_rng(7)
    large = sample(rng, 5000)
    new_city = sample(rng, 2000)
    new_city.loc[: 2000 // 5, "city"] = "rome"
    holes = sample(rng, 2000)
    holes.loc[: 2000 // 4, "visits"] = np.nan
    cases = {
        "no change": sample(rng, 2000),
        "income shifted by 0.3 sd (log scale)": sample(rng, 2000, income=0.15),
        "city shares reversed": sample(rng, 2000, cities=(0.1, 0.2, 0.3, 0.4)),
        "age shifted by 0.1 sd (small)": sample(rng, 2000, age=1.0),
        "20% of cities unseen (rome)": new_city,
        "25% of visits missing": holes,
        "age spread 1.3x, same mean": sample(rng, 2000, age_sd=13.0),
    }
    cases["10% of cities missing"] = sample(rng, 2000)
    cases["10% of cities missing"].loc[: 2000 // 10, "city"] = np.nan
    scenario = {name: ("large", frame) for name, frame in cases.items()}
    small = sample(rng, 800)
    scenario.update(
        {
            "small: no change": ("small", sample(rng, 500)),
            "small: income shifted by 0.5 sd": ("small", sample(rng, 500, income=0.25)),
            "small: city shares reversed": ("small", sample(rng, 500, cities=(0.1, 0.2, 0.3, 0.4))),
            "small: age spread 1.5x": ("small", sample(rng, 500, age_sd=15.0)),
        }
    )
    flags = np.random.default_rng(9)
    references = {"large": with_member(large, flags), "small": with_member(small, flags)}
    for _, frame in scenario.values():
        with_member(frame, flags)
    for share in (0.4, 0.5):
        name = f"member share 0.3 -> {share} (a 0/1 number)"
        scenario[name] = ("large", with_member(sample(rng, 2000), flags, share))
    return references, scenario


#: I.i.d. regimes: name -> (reference, rows of each current sample).
REGIMES = {
    "5000 vs 2000 rows": ("large", 2000),
    "5000 vs 200 rows": ("large", 200),
    "800 vs 500 rows": ("small", 500),
}


def main() -> None:
    import argparse

    import harness
    import numpy as np
    import pandas as pd

    from lore.monitoring import Thresholds, drift

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iid", type=int, default=50, help="i.i.d. samples per regime for the false alarms")
    args = parser.parse_args()
    python = harness.peer("evidently", "python")
    if python is None:
        return
    folder = Path(tempfile.mkdtemp(prefix="bench-drift-"))
    references, cases = scenarios()
    for name, frame in references.items():
        frame.to_csv(folder / f"reference-{name}.csv", index=False)
    rng = np.random.default_rng(11)
    for regime, (reference, rows) in REGIMES.items():
        for number in range(args.iid):
            cases[f"iid {regime} #{number}"] = (reference, with_member(sample(rng, rows), rng))
    paths = {}
    for number, (name, (reference, frame)) in enumerate(cases.items()):
        paths[name] = (folder / f"reference-{reference}.csv", folder / f"current-{number}.csv")
        frame.to_csv(paths[name][1], index=False)
    run = subprocess.run(
        [str(python / "python"), "-c", EVIDENTLY] + [f"{before},{after}" for before, after in paths.values()],
        capture_output=True,
        text=True,
    )
    if run.returncode:
        print(json.dumps({"skipped": "evidently", "reason": run.stderr.strip().splitlines()[-1]}), flush=True)
        return
    evidently = json.loads(run.stdout.strip().splitlines()[-1])
    agreed = scenarios_shown = 0
    alarms = {regime: {"lore": 0, "evidently": 0, "columns": 0} for regime in REGIMES}
    for name, (before, after) in paths.items():
        # read back like Evidently does, so both sides see the same values
        ours = drift(pd.read_csv(before), pd.read_csv(after), Thresholds())
        theirs = evidently[str(after)]
        lore_flags = sorted(ours.index[ours["drifted"]])
        their_flags = sorted(column for column, found in theirs.items() if found["drifted"])
        if name.startswith("iid "):
            counts = alarms[name[4:].split(" #")[0]]
            counts["lore"] += len(lore_flags)
            counts["evidently"] += len(their_flags)
            counts["columns"] += len(ours)
            continue
        scenarios_shown += 1
        agreed += lore_flags == their_flags
        harness.emit(
            "drift vs evidently",
            "same flags",
            float(lore_flags == their_flags),
            "bool",
            scenario=name,
            rows=[len(pd.read_csv(before)), int(ours["rows"].max())],
            lore_flags=lore_flags,
            evidently_flags=their_flags,
            lore_missing_alarms=sorted(ours.index[ours["missing_changed"]]),
            lore={
                column: {
                    "distance": round(row.distance, 4),
                    "psi": round(row.psi, 4),
                    row.test: float(f"{row.p_value:.3g}"),
                    "missing": round(row.missing_current, 3),
                }
                for column, row in ours.iterrows()
            },
            evidently={
                column: {found["method"]: float(f"{found['value']:.4g}"), "threshold": found["threshold"]}
                for column, found in theirs.items()
            },
        )
    harness.emit(
        "drift vs evidently", "scenarios with the same flags", agreed, "scenarios", of=scenarios_shown
    )
    for regime, counts in alarms.items():
        harness.emit(
            "drift vs evidently",
            "false alarms on i.i.d. samples",
            counts["lore"] / max(counts["columns"], 1),
            "share of columns",
            regime=regime,
            lore=counts["lore"],
            evidently=counts["evidently"],
            evidently_share=counts["evidently"] / max(counts["columns"], 1),
            columns=counts["columns"],
        )


if __name__ == "__main__":
    main()
