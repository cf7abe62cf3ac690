"""The recommender example's stage 1 on 2,000,000 mock events: lore's overhead and skips.

Prints JSON lines:
- wall time and peak memory (ru_maxrss of a fresh process) of stage 1 run by lore
  (``Stage1(config).execute()``) and of the same steps called by hand;
- lore's overhead over the hand-run steps (goal: under 5%);
- the time to skip the unchanged, persisted stage on a re-run (goal: under 0.5 s),
  and that plus reading its result back.

    python benchmarks/bench_workflow.py [--events 2000000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

LORE = str(Path(__file__).resolve().parents[1])

HAND = """
import time
from bench.recommender.stage1.steps.column_encoder import ColumnEncoder
from bench.recommender.stage1.steps.data_loader import DataLoader
from bench.recommender.stage1.steps.filter_scores import ScoreFilter
from bench.recommender.stage1.steps.group_scores import ScoreGrouper
from bench.recommender.stage1.steps.score_events import ScoreEvents
from bench.recommender.config import CONFIG
c = CONFIG["stage1"]
start = time.perf_counter()
events = DataLoader(**c["data_loader"]).execute()
scored = ScoreEvents(**c["score_events"]).execute(events)
grouped = ScoreGrouper(**c["group_scores"]).execute(scored)
kept = ScoreFilter(**c["score_filter"]).execute(grouped)
result = ColumnEncoder(**c["encode_itemids"]).execute(kept)
seconds = time.perf_counter() - start
"""

LORE_RUN = """
import time
from bench.recommender.config import CONFIG
from bench.recommender.stage1.main import Stage1
start = time.perf_counter()
result = Stage1(CONFIG["stage1"]).execute()
seconds = time.perf_counter() - start
"""

SKIP = """
import time
from lore.workflow import Workflow
from bench.recommender.stage1.main import Stage1
from bench.recommender.config import CONFIG

class Only1(Workflow):
    stages = {"stage1": Stage1}

flow = Only1({"stage1": CONFIG["stage1"]}, path=PATH)
if FIRST:
    flow.run()
start = time.perf_counter()
result = flow.run()
seconds = time.perf_counter() - start
check = flow.report[0].seconds
assert flow.report[0].reused
"""

REPORT = """
import json, resource
print(json.dumps({"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "check": globals().get("check")}))
"""


def measure(code: str, root: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), LORE]), "LORE_LOG_LEVEL": "WARNING"}
    done = subprocess.run(
        [sys.executable, "-c", code + REPORT], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def emit(metric: str, value: float, unit: str, **extra: object) -> None:
    entry = {"benchmark": "workflow", "metric": metric, "value": round(value, 4), "unit": unit, **extra}
    print(json.dumps(entry), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    sys.path.insert(0, LORE)
    from lore.workflow.mock import write_events
    from lore.workflow.scaffold import generate_workflow

    root = Path(tempfile.mkdtemp(prefix="bench-workflow-"))
    generate_workflow(root, "bench", "recommender")
    write_events(root / "bench" / "recommender" / "mock_data" / "events.csv", args.events)

    hand, lore_runs = [], []
    for _ in range(args.runs):  # interleaved, so drift on a shared machine hits both alike
        hand.append(measure(HAND, root))
        lore_runs.append(measure(LORE_RUN, root))
    hand_s = statistics.median(r["seconds"] for r in hand)
    lore_s = statistics.median(r["seconds"] for r in lore_runs)
    emit("stage 1 by hand: wall time", hand_s, "s", events=args.events)
    emit("stage 1 by lore: wall time", lore_s, "s", events=args.events, vs="by hand")
    emit("lore overhead over hand-run steps", (lore_s / hand_s - 1) * 100, "%", goal="< 5")
    emit("stage 1 by hand: peak memory", statistics.median(r["peak_mb"] for r in hand), "MB")
    emit("stage 1 by lore: peak memory", statistics.median(r["peak_mb"] for r in lore_runs), "MB")

    path = root / "flow"
    skip = SKIP.replace("PATH", repr(str(path)))
    measure(skip.replace("FIRST", "True"), root)  # run and persist once
    skips = [measure(skip.replace("FIRST", "False"), root) for _ in range(args.runs)]
    emit(
        "skip unchanged persisted stage (verify + fingerprint)",
        statistics.median(r["check"] for r in skips),
        "s",
        goal="< 0.5",
    )
    emit(
        "skip unchanged stage and read its result back (first use of pyarrow/skops in the process)",
        statistics.median(r["seconds"] for r in skips),
        "s",
    )


if __name__ == "__main__":
    main()
