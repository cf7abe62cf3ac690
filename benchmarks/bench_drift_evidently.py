"""Drift verdicts: lore's against Evidently's (``DataDriftPreset`` defaults) on the same data.

Synthetic scenarios (a 5,000-row reference, a current sample per scenario) with
known changes: none, a shifted number, a reshuffled category, a small shift, a new
category, missing values. lore's side runs here (:func:`lore.monitoring.drift`);
Evidently's runs in a throwaway virtualenv (``--venv``, which must have
``evidently`` installed: ``python -m venv /work/bench-venvs/evidently &&
/work/bench-venvs/evidently/bin/pip install evidently``), reading the same CSV
files. One JSON line per scenario: the columns each flags, whether the two agree, and
both sides' numbers per column.

    python benchmarks/bench_drift_evidently.py [--venv /work/bench-venvs/evidently]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
from pathlib import Path

EVIDENTLY = """
import json, sys
import pandas as pd
from evidently import Report
from evidently.presets import DataDriftPreset

reference = pd.read_csv(sys.argv[1])
results = {}
for path in sys.argv[2:]:
    current = pd.read_csv(path)
    found = Report([DataDriftPreset()]).run(current, reference).dict()
    columns = {}
    for metric in found["metrics"]:
        config = metric.get("config", {})
        column = config.get("column")
        if column is None or "threshold" not in config:
            continue
        value = metric["value"]
        method = config.get("method")
        is_p_value = "p_value" in str(method)  # a test: drift below; a distance: drift at or above
        drifted = bool(value < config["threshold"] if is_p_value else value >= config["threshold"])
        threshold = config["threshold"]
        columns[column] = {"method": method, "value": value, "threshold": threshold, "drifted": drifted}
    results[path] = columns
print(json.dumps(results))
"""


def scenarios(rows_reference: int = 5000, rows_current: int = 2000) -> tuple:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(7)

    def sample(rows: int, income: float = 0.0, cities=(0.4, 0.3, 0.2, 0.1), age: float = 0.0) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "income": rng.lognormal(10 + income, 0.5, rows),
                "age": rng.normal(40 + age, 10, rows).round(),
                "visits": rng.poisson(3, rows).astype(float),
                "city": rng.choice(["oslo", "lima", "pune", "kyiv"], rows, p=list(cities)),
                "plan": rng.choice(["free", "pro", "team"], rows, p=[0.6, 0.25, 0.15]),
            }
        )

    reference = sample(rows_reference)
    new_city = sample(rows_current)
    new_city.loc[: rows_current // 5, "city"] = "rome"
    holes = sample(rows_current)
    holes.loc[: rows_current // 4, "visits"] = np.nan
    cases = {
        "no change": sample(rows_current),
        "income shifted by 0.3 sd (log scale)": sample(rows_current, income=0.15),
        "city shares reversed": sample(rows_current, cities=(0.1, 0.2, 0.3, 0.4)),
        "age shifted by 0.1 sd (small)": sample(rows_current, age=1.0),
        "20% of cities unseen (rome)": new_city,
        "25% of visits missing": holes,
    }
    return reference, cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, default=Path("/work/bench-venvs/evidently"))
    args = parser.parse_args()

    from lore.monitoring import Thresholds, drift

    folder = Path(tempfile.mkdtemp(prefix="bench-drift-"))
    reference, cases = scenarios()
    reference.to_csv(folder / "reference.csv", index=False)
    paths = {}
    for number, (name, frame) in enumerate(cases.items()):
        paths[name] = folder / f"current-{number}.csv"
        frame.to_csv(paths[name], index=False)
    evidently = json.loads(
        subprocess.run(
            [str(args.venv / "bin" / "python"), "-c", EVIDENTLY, str(folder / "reference.csv")]
            + [str(path) for path in paths.values()],
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    agreed = 0
    for name, path in paths.items():
        import pandas as pd

        # read back like Evidently does, so both sides see the same values
        ours = drift(pd.read_csv(folder / "reference.csv"), pd.read_csv(path), Thresholds())
        theirs = evidently[str(path)]
        lore_flags = sorted(ours.index[ours["drifted"]])
        their_flags = sorted(column for column, found in theirs.items() if found["drifted"])
        agreed += lore_flags == their_flags
        print(
            json.dumps(
                {
                    "benchmark": "drift vs evidently",
                    "scenario": name,
                    "lore_flags": lore_flags,
                    "evidently_flags": their_flags,
                    "same": lore_flags == their_flags,
                    "lore": {
                        column: {"psi": round(row.psi, 4), row.test: round(row.p_value, 6)}
                        for column, row in ours.iterrows()
                    },
                    "evidently": {
                        column: {found["method"]: round(found["value"], 6), "threshold": found["threshold"]}
                        for column, found in theirs.items()
                    },
                    "loadavg_1m": round(os.getloadavg()[0], 2),
                }
            ),
            flush=True,
        )
    print(json.dumps({"benchmark": "drift vs evidently", "scenarios": len(paths), "same_flags": agreed}))


if __name__ == "__main__":
    main()
