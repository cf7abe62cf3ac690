"""Reports and the model's life in the CLI: what they cost against what they serve.

Three parts (``--part``; all by default), each printing JSON lines with ratios, the
minimum and median of interleaved rounds, and the load average:

- ``report``: writing a fitting's report (all plots, model card) against the fit it
  describes, an XGBoost classifier on ``--rows`` (200,000) synthetic rows with numeric
  and categorical inputs. Goal: under 10% of the fit, or under 2 s. Fit and report
  alternate (A B A B).
- ``models``: ``lore models`` over a store of ``--fittings`` (1,000) fittings, as a real
  subprocess, against ``lore --version`` (the interpreter and click alone). Goal: 0.5 s.
- ``predict``: ``lore predict`` of ``--predict-rows`` rows from a PostgreSQL table into
  a table, against a hand-written ``read_sql -> predict -> to_sql`` loop with the same
  chunk size, each in its own process (peak RSS from ``getrusage``). Goal: 3x faster,
  memory bounded by the chunk. Needs ``LORE_TEST_POSTGRES_URL``.

``--against CHECKOUT`` instead times a whole ``fit(report=True)`` (fit, metrics,
reference, save, report) on ``--rows`` rows, this checkout's lore against another's
(a ``git worktree`` of the code before), each fit in its own subprocess running this
script with ``--part one-fit``, interleaved: the ratio this / other, wall and CPU.

    python benchmarks/bench_reports.py [--part report|models|predict] [--rounds 3]
    python benchmarks/bench_reports.py --against /tmp/before --rows 100000 --rounds 2
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def emit(metric: str, values: list[float], unit: str, **extra: object) -> None:
    entry = {
        "benchmark": "reports",
        "metric": metric,
        "min": round(min(values), 4),
        "median": round(statistics.median(values), 4),
        "unit": unit,
        "rounds": len(values),
        "load": round(os.getloadavg()[0], 2),
        **extra,
    }
    print(json.dumps(entry), flush=True)


def project(folder: Path) -> Path:
    """A bare project folder (config, data, models) for the in-process parts."""
    for name in ("config", "data", "models", "logs"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    return folder


# -- report against fit --------------------------------------------------------------------


CITIES = ["paris", "lima", "oslo", "pune", "kyiv", "rome", "nome"]


def frame(rows: int):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    data = pd.DataFrame(
        {
            "age": rng.normal(40, 12, rows).round(),
            "income": rng.lognormal(10, 0.6, rows),
            "visits": rng.poisson(3, rows).astype(float),
            "city": np.array(CITIES)[rng.integers(0, 7, rows)],
            "plan": np.array(["free", "pro", "team"])[rng.integers(0, 3, rows)],
        }
    )
    score = 0.03 * (data["age"] - 40) + (data["plan"] != "free") * 1.2 + rng.normal(0, 1, rows)
    data["churned"] = score > 0.8
    return data


def churn_model(rows: int) -> type:
    """The benchmark's model class: an XGBoost classifier (100 rounds) over ``frame(rows)``."""
    import lore.encoders
    import lore.estimators
    import lore.models
    import lore.pipelines

    data = frame(rows)

    class Churn(lore.pipelines.TrainTestSplit):
        def get_data(self):
            return data

        def get_encoders(self):
            return (lore.encoders.Norm("age"), lore.encoders.Norm("income"), lore.encoders.Norm("visits"),
                    lore.encoders.Unique("city"), lore.encoders.Unique("plan"))  # fmt: skip

        def get_output_encoder(self):
            return lore.encoders.Boolean("churned")

    class Model(lore.models.Base):
        def __init__(self):
            super().__init__(pipeline=Churn(), estimator=lore.estimators.XGBoost(num_boost_round=100))

    Churn.__qualname__ = Model.__qualname__ = "Churn"
    sys.modules[__name__].Churn = Churn  # the fitted pipeline pickles by reference
    return Model


def report_part(rows: int, rounds: int) -> None:
    import lore.env
    from lore.models import report

    Model = churn_model(rows)
    fits, reports, fit_cpu, report_cpu = [], [], [], []
    with tempfile.TemporaryDirectory() as folder, lore.env.variables(LORE_ROOT=str(project(Path(folder)))):
        for _ in range(rounds):
            model = Model()
            handed: dict = {}
            model.write_report = handed.update  # time the fit alone; keep the outputs fit hands the report
            started, cpu = time.perf_counter(), time.process_time()
            model.fit()
            fits.append(time.perf_counter() - started)
            fit_cpu.append(time.process_time() - cpu)
            started, cpu = time.perf_counter(), time.process_time()
            report.write(model, model.fitting_path_, handed)
            reports.append(time.perf_counter() - started)
            report_cpu.append(time.process_time() - cpu)
    emit("fit", fits, "s", rows=rows, cpu_median=round(statistics.median(fit_cpu), 3))
    ratios = [r / f for r, f in zip(reports, fits)]
    cpu_ratios = [r / f for r, f in zip(report_cpu, fit_cpu)]
    emit("report", reports, "s", rows=rows, cpu_median=round(statistics.median(report_cpu), 3), vs="fit",
         ratio=round(statistics.median(ratios), 3), cpu_ratio=round(statistics.median(cpu_ratios), 3),
         goal="under 10% of the fit or under 2 s")  # fmt: skip


def one_fit(rows: int) -> None:
    """One ``fit(report=True)`` on ``rows`` rows after a small warm-up fit; print its seconds (wall, CPU)."""
    import lore.env

    with tempfile.TemporaryDirectory() as folder, lore.env.variables(LORE_ROOT=str(project(Path(folder)))):
        churn_model(2_000)().fit(report=True)  # imports, thread pools, matplotlib's fonts
        model = churn_model(rows)()
        started, cpu = time.perf_counter(), time.process_time()
        model.fit(report=True)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    steps = {**model.timings, "report and the rest": seconds - sum(model.timings.values())}
    print(json.dumps({"seconds": seconds, "cpu": cpu, "rounds": model.history["rounds"], "steps": steps}))


def fit_against(rows: int, rounds: int, other: Path) -> None:
    """A whole fit with its report, this checkout's lore against ``other``'s, interleaved subprocesses.

    Both run this script (``--part one-fit``), so only lore differs. Prints the ratio
    (this / other) of the fit-with-report seconds, wall and CPU, min and median.
    """
    sys.path.insert(0, str(Path(__file__).parent))
    import harness

    sides = {"this checkout": ROOT, str(other): other}
    wall: dict[str, list[float]] = {side: [] for side in sides}  # of the fit alone, not the process
    cpu: dict[str, list[float]] = {side: [] for side in sides}
    boosted: set[int] = set()
    steps: dict[str, dict[str, list[float]]] = {side: {} for side in sides}

    def run(side: str) -> None:
        env = {**os.environ, "PYTHONPATH": str(sides[side]), "LORE_REPORTS": "1"}
        command = [sys.executable, __file__, "--part", "one-fit", "--rows", str(rows)]
        done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
        result = json.loads(done.stdout.strip().splitlines()[-1])
        wall[side].append(result["seconds"])
        cpu[side].append(result["cpu"])
        boosted.add(result["rounds"])
        for step, seconds in result["steps"].items():
            steps[side].setdefault(step, []).append(seconds)

    harness.interleave({side: lambda side=side: run(side) for side in sides}, rounds)
    for unit, figures in (("s", wall), ("CPU s", cpu)):
        ours, theirs = figures["this checkout"], figures[str(other)]
        emit(f"fit with report, this checkout against {other}", ours, unit, rows=rows,
             vs_min=round(min(theirs), 4), vs_median=round(statistics.median(theirs), 4),
             ratio_min=round(min(ours) / min(theirs), 3),
             ratio_median=round(statistics.median(ours) / statistics.median(theirs), 3),
             boosting_rounds_kept=sorted(boosted))  # fmt: skip
    for side, seconds in steps.items():  # where the time went, median seconds per step
        medians = {step: round(statistics.median(values), 3) for step, values in seconds.items()}
        print(json.dumps({"benchmark": "reports", "metric": f"steps of {side}", "unit": "s", **medians}))


# -- lore models over 1,000 fittings -----------------------------------------------------------


def models_part(fittings: int, rounds: int) -> None:
    import lore.env
    from lore.stores import ModelStore

    with tempfile.TemporaryDirectory() as folder:
        root = project(Path(folder) / "many")
        (root / "many").mkdir()
        (root / "many" / "__init__.py").write_text("")
        store = ModelStore(root / "models")
        metrics = {"train": {"loss": 0.4}, "validation": {"loss": 0.5, "auc": 0.8}, "test": {"loss": 0.5}}
        with lore.env.variables(LORE_ROOT=str(root)):
            for number in range(fittings):
                name = f"many.models.M{number % 10}"
                with store.new_fitting(name, {"metrics": metrics, "params": {"depth": number}}) as fitting:
                    (fitting.path / "weights.txt").write_text(str(number))
        env = {**os.environ, "PYTHONPATH": str(ROOT), "LORE_ROOT": str(root)}
        listed, bare, listed_cpu, bare_cpu = [], [], [], []
        for _ in range(rounds):
            for command, times, cpus in ((["models"], listed, listed_cpu), (["--version"], bare, bare_cpu)):
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                started = time.perf_counter()
                subprocess.run([sys.executable, "-m", "lore", *command], env=env, cwd=root, check=True,
                               capture_output=True)  # fmt: skip
                times.append(time.perf_counter() - started)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    emit("lore models", listed, "s", fittings=fittings, cpu_median=round(statistics.median(listed_cpu), 3),
         vs="lore --version", vs_median=round(statistics.median(bare), 4),
         vs_cpu_median=round(statistics.median(bare_cpu), 3), goal="under 0.5 s")  # fmt: skip


# -- lore predict against a hand-written loop -------------------------------------------------

HAND = textwrap.dedent(
    """
    import json, resource, sys, time
    import pandas as pd, sqlalchemy
    sys.path.insert(0, {root!r})
    from shop.models.subscribers import BoostedName
    import lore.env
    started = time.perf_counter()
    model = BoostedName.load()
    engine = sqlalchemy.create_engine({url!r})
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS scores_hand")
    for chunk in pd.read_sql("SELECT id, first_name FROM bench_people", engine, chunksize={chunk}):
        probabilities = model.predict_proba(chunk)
        out = pd.DataFrame({{"id": chunk["id"], "prediction": model.predict(chunk),
                            "probability": probabilities.max(axis=1)}})
        out.to_sql("scores_hand", engine, if_exists="append", index=False)
    print(json.dumps({{"seconds": time.perf_counter() - started,
                      "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
    """
)
LORE = textwrap.dedent(
    """
    import json, resource, sys, time
    from lore.cli import main
    started = time.perf_counter()
    code = main(["predict", "BoostedName", "--extract", "bench_people", "--connection", "warehouse",
                 "--table", "scores_lore", "--replace", "--keep", "id", "--chunk-size", "{chunk}"])
    assert code == 0
    print(json.dumps({{"seconds": time.perf_counter() - started,
                      "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
    """
)


def predict_part(rows: int, rounds: int, chunk: int) -> None:
    import numpy as np
    import pandas as pd

    import lore.env
    import lore.io
    from lore.cli.init import create

    url = os.environ.get("LORE_TEST_POSTGRES_URL")
    if not url:
        skipped = {"benchmark": "reports", "metric": "lore predict", "skipped": "no LORE_TEST_POSTGRES_URL"}
        print(json.dumps(skipped))
        return
    with tempfile.TemporaryDirectory() as folder:
        version = ".".join(map(str, sys.version_info[:3]))
        root = create(Path(folder) / "shop", version)
        (root / "config" / "database.cfg").write_text(f"[WAREHOUSE]\nurl: {url}\n")
        extract = root / "shop" / "extracts" / "bench_people.sql"
        extract.write_text("SELECT id, first_name FROM bench_people")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(root)]), "LORE_ROOT": str(root)}
        subprocess.run([sys.executable, "-m", "lore", "fit", "shop.models.subscribers.BoostedName"], env=env,
                       cwd=root, check=True, capture_output=True)  # fmt: skip
        with lore.env.variables(LORE_ROOT=str(root)):
            names = np.array(["Ann", "Bob", "Carl", "Dana", "Eve", "Finn", "Gus", "Hana", "Ivo", "Jo"])
            people = pd.DataFrame({"id": np.arange(rows), "first_name": names[np.arange(rows) % len(names)]})
            lore.io.connection("warehouse").replace("bench_people", people)
        sides = {"lore predict": LORE.format(chunk=chunk), "read_sql/to_sql loop": HAND.format(
            root=str(root), url=url, chunk=chunk)}  # fmt: skip
        results: dict[str, list[dict[str, float]]] = {side: [] for side in sides}
        for _ in range(rounds):
            for side, code in sides.items():
                done = subprocess.run([sys.executable, "-c", code], env=env, cwd=root, check=True,
                                      capture_output=True, text=True)  # fmt: skip
                results[side].append(json.loads(done.stdout.strip().splitlines()[-1]))
    lore_s = [r["seconds"] for r in results["lore predict"]]
    hand_s = [r["seconds"] for r in results["read_sql/to_sql loop"]]
    speedup = round(statistics.median(hand_s) / statistics.median(lore_s), 2)
    emit("lore predict", lore_s, "s", rows=rows, chunk=chunk,
         peak_rss_mb=round(max(r["rss_mb"] for r in results["lore predict"]), 1),
         vs="read_sql -> predict -> to_sql", vs_median=round(statistics.median(hand_s), 4),
         vs_peak_rss_mb=round(max(r["rss_mb"] for r in results["read_sql/to_sql loop"]), 1),
         speedup=speedup, goal="at least 3x")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["report", "models", "predict", "one-fit"], action="append")
    parser.add_argument("--against", type=Path, help="another checkout: fit with report, vs this")
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--fittings", type=int, default=1000)
    parser.add_argument("--predict-rows", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    parts = options.part or ["report", "models", "predict"]
    if options.against:
        fit_against(options.rows, options.rounds, options.against)
        return
    if "one-fit" in parts:
        one_fit(options.rows)
        return
    if "report" in parts:
        report_part(options.rows, options.rounds)
    if "models" in parts:
        models_part(options.fittings, options.rounds)
    if "predict" in parts:
        predict_part(options.predict_rows, options.rounds, options.chunk)


if __name__ == "__main__":
    main()
