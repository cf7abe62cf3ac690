"""The recommender example's stage 1 on 2,000,000 mock events: lore's overhead and skips.

Each run is a fresh process; the sides run in turn (A B C A B C ..., rotating who goes
first) for ``--runs`` rounds: stage 1 run by lore (``Stage1(config).execute()``), the
same steps called by hand, and a re-run of the unchanged, persisted stage that lore
skips. Prints JSON lines (:mod:`harness`), each with min and median of each side, the
ratio and the load average:

- wall time and peak memory (ru_maxrss of the fresh process) of stage 1 by lore
  against by hand, and lore's overhead over the hand-run steps (goal: under 5%);
- the time to skip the unchanged, persisted stage (verify + fingerprint; goal: under
  0.5 s), and that plus reading its result back, against running stage 1 by lore.

    python benchmarks/bench_workflow.py [--events 2000000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from harness import compare, emit, interleave, summary  # benchmarks/, the script's own folder

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--runs", type=int, default=3, help="interleaved rounds")
    args = parser.parse_args()

    sys.path.insert(0, LORE)
    from lore.workflow.mock import write_events
    from lore.workflow.scaffold import generate_workflow

    root = Path(tempfile.mkdtemp(prefix="bench-workflow-"))
    try:
        generate_workflow(root, "bench", "recommender")
        write_events(root / "bench" / "recommender" / "mock_data" / "events.csv", args.events)
        skip = SKIP.replace("PATH", repr(str(root / "flow")))
        measure(skip.replace("FIRST", "True"), root)  # run and persist once

        codes = {"lore": LORE_RUN, "by hand": HAND, "skip": skip.replace("FIRST", "False")}
        found: dict[str, list[dict]] = {name: [] for name in codes}

        def side(name: str) -> Callable[[], None]:
            return lambda: found[name].append(measure(codes[name], root))

        interleave({name: side(name) for name in codes}, rounds=args.runs)
        runs = {name: found[name] for name in ("lore", "by hand")}
        figures = {"events": args.events, "rounds": args.runs}
        wall = {name: [r["seconds"] for r in results] for name, results in runs.items()}
        compare("workflow", "stage 1 wall time", wall, ours="lore", **figures)
        ratios = [lore / hand for lore, hand in zip(wall["lore"], wall["by hand"])]
        overhead = summary([(ratio - 1) * 100 for ratio in ratios])
        emit("workflow", "lore overhead over hand-run steps (per round)", overhead["median"], "%",
             min=overhead["min"], goal="< 5", **figures)  # fmt: skip
        peak = {name: [r["peak_mb"] for r in results] for name, results in runs.items()}
        compare("workflow", "stage 1 peak memory", peak, ours="lore", unit="MB", **figures)

        lore_run = {"stage 1 by lore": wall["lore"]}
        check = {"skip": [r["check"] for r in found["skip"]], **lore_run}
        compare("workflow", "skip unchanged persisted stage (verify + fingerprint)", check, ours="skip",
                goal="< 0.5", **figures)  # fmt: skip
        read = {"skip": [r["seconds"] for r in found["skip"]], **lore_run}
        metric = "skip unchanged stage and read its result back (first use of pyarrow/skops in the process)"
        compare("workflow", metric, read, ours="skip", **figures)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
