"""Benchmark lore.models against the raw libraries on 200,000 rows of mixed data.

(a) ``fit`` of a lore XGBoost model end to end (split and encoding excluded, then
    included) vs ``xgboost.train`` on the same encoded arrays with the same
    parameters and early stopping: lore's overhead.
(b) ``predict`` of one row and of 10,000 rows from a loaded model (raw rows, and an
    already-encoded ``x``) vs the raw booster's ``inplace_predict`` on encoded arrays.
(c) ``save`` and ``load`` of each model kind (XGBoost, scikit-learn, Keras).
(e) ``by_hand``: a whole ``fit`` from the raw frame (split, encoders, training, metrics on
    the three splits, reference, save), reports off and, up to 200,000 rows, on, against
    the same steps written by hand in pandas + ``xgboost.train`` (the strongest plain
    version: same split sizes, parameters and thread, one float32 matrix per split,
    ``inplace_predict``, numpy metrics), interleaved rounds, min and median, load
    average: the ratios, each side's median seconds per step, and the report's cost.
    ``fixed``: the same comparison on 1,000 rows, where training takes milliseconds;
    lore's median minus the by-hand one is its fixed cost per fit. Issue 19's figures:
    ``python benchmarks/bench_models.py 100000 fixed by_hand``, then ``1000000
    by_hand`` and ``5000000 by_hand`` (docs/models.rst, "What is measured").
(d) the naive baseline (``lore.estimators.Naive``) against its neighbour, scikit-learn's
    ``DummyClassifier``, fitting and predicting the same encoded arrays, and a naive
    model's one-row ``predict`` against the XGBoost model's (interleaved rounds, min and
    median, load average).

Prints one JSON object per line. Run: ``python benchmarks/bench_models.py [rows]
[fit predict save_load naive fixed by_hand]`` (the first four parts by default).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
ROOT = Path(tempfile.mkdtemp(prefix="bench_models_"))
(ROOT / "runtime.txt").write_text("python-3.11\n")
os.environ["LORE_ROOT"] = str(ROOT)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pandas as pd
import xgboost

import lore.estimators
import lore.models
import lore.pipelines
from lore.encoders import Boolean, Norm, Unique
from lore.estimators.xgboost import SMALL_BATCH

XGB_PARAMS = {"num_boost_round": 100, "early_stopping_rounds": 10, "max_depth": 6, "learning_rate": 0.1}


def table(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    cities = np.array([f"city_{i}" for i in range(200)])
    frame = pd.DataFrame(
        {
            "city": cities[rng.integers(0, len(cities), rows)],
            "plan": np.array(["free", "basic", "plus", "pro", "team"])[rng.integers(0, 5, rows)],
            "device": np.array([f"device_{i}" for i in range(12)])[rng.integers(0, 12, rows)],
            "age": rng.normal(40, 12, rows).round(),
            "spend": rng.gamma(2.0, 30.0, rows),
            "visits": rng.poisson(5, rows).astype(float),
        }
    )
    signal = (frame["plan"].isin(["plus", "pro"])).astype(float) + frame["spend"] / 100 - frame["age"] / 80
    frame["converted"] = (signal + rng.normal(0, 0.5, rows)) > 0.6
    return frame


DATA = table(ROWS)
FULL = DATA  # DATA is what the pipelines read; some parts swap it for a smaller frame


class Mixed(lore.pipelines.TrainTestSplit):
    def get_data(self) -> pd.DataFrame:
        return DATA

    def get_encoders(self) -> tuple:
        return (
            Unique("city"),
            Unique("plan"),
            Unique("device"),
            Norm("age"),
            Norm("spend"),
            Norm("visits"),
        )

    def get_output_encoder(self) -> Boolean:
        return Boolean("converted")


class Boosted(lore.models.Base):
    def __init__(self) -> None:
        super().__init__(pipeline=Mixed(), estimator=lore.estimators.XGBoost(**XGB_PARAMS))


class Linear(lore.models.SKLearn):
    def __init__(self) -> None:
        super().__init__(pipeline=Mixed())


class Deep(lore.models.Keras):
    def __init__(self) -> None:
        super().__init__(
            pipeline=Mixed(),
            estimator=lore.estimators.Keras(epochs=1, hidden_width=32, batch_size=1024, tensorboard=False),
        )


def emit(benchmark: str, metric: str, value: float, unit: str, vs: str | None = None, ratio=None) -> None:
    record = {"benchmark": benchmark, "metric": metric, "value": round(value, 6), "unit": unit, "vs": vs}
    record["ratio"] = None if ratio is None else round(ratio, 4)
    print(json.dumps(record), flush=True)


def best_of(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def per_call(function, calls: int) -> float:
    function()  # warm caches
    samples = []
    for _ in range(calls):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def raw_train(pipeline: Mixed) -> xgboost.Booster:
    train, validation = pipeline.training_data, pipeline.validation_data
    params = {"max_depth": 6, "learning_rate": 0.1, "tree_method": "hist", "objective": "binary:logistic"}
    params["verbosity"] = 0
    dtrain = xgboost.DMatrix(train.x.to_numpy(np.float32), label=train.y)
    dvalid = xgboost.DMatrix(validation.x.to_numpy(np.float32), label=validation.y)
    return xgboost.train(
        params,
        dtrain,
        num_boost_round=100,
        evals=[(dvalid, "validation")],
        early_stopping_rounds=10,
        verbose_eval=False,
    )


def bench_fit(repeat: int = 3) -> None:
    """Interleaved runs (the machine may be shared), best of ``repeat`` each."""
    warm = Boosted()
    raw_train(warm.pipeline)  # split + encode once; imports, thread pools
    first = Boosted()
    first.pipeline = warm.pipeline
    first.fit()  # one-time imports (SQLAlchemy for the metadata database...)

    def lore_encoded() -> None:
        model = Boosted()
        model.pipeline = warm.pipeline  # already split and encoded
        model.fit()

    times: dict[str, list[float]] = {"raw": [], "excluded": [], "included": []}
    own: dict[str, list[float]] = {"excluded": [], "included": []}
    plumbing: dict[str, list[float]] = {"excluded": [], "included": []}

    def run(kind: str, make: Any) -> None:
        model = make()
        start = time.perf_counter()
        model.fit()
        total = time.perf_counter() - start
        times[kind].append(total)
        own[kind].append(total - model.timings["fit"])  # everything but DMatrix + xgboost.train
        # and without the train/validation/test metrics the raw baseline does not compute
        plumbing[kind].append(total - model.timings["fit"] - model.timings["evaluate"])

    def fresh() -> Boosted:
        return Boosted()

    def encoded() -> Boosted:
        model = Boosted()
        model.pipeline = warm.pipeline  # already split and encoded
        return model

    for _ in range(repeat):
        times["raw"].append(best_of(lambda: raw_train(warm.pipeline), 1))
        run("excluded", encoded)
        run("included", fresh)
    raw = min(times["raw"])
    emit("fit", "xgboost.train on encoded arrays (DMatrix included)", raw, "s")
    for kind in ("excluded", "included"):
        wall = min(times[kind])
        emit("fit", f"lore XGBoost fit, encoding {kind}", wall, "s", "xgboost.train", wall / raw)
        emit(
            "fit",
            f"lore overhead by wall clock, encoding {kind}",
            (wall - raw) / raw * 100,
            "%",
            "xgboost.train",
        )
        spent = statistics.median(own[kind])
        emit("fit", f"lore's own time outside training, encoding {kind}", spent, "s")
        emit(
            "fit",
            f"lore overhead from its own time, encoding {kind}",
            spent / raw * 100,
            "%",
            "xgboost.train",
        )
        bare = statistics.median(plumbing[kind])
        emit(
            "fit",
            f"lore overhead without the three splits' metrics, encoding {kind}",
            bare / raw * 100,
            "%",
            "xgboost.train",
        )


def bench_predict() -> None:
    model = Boosted.load()
    booster = model.estimator.native_
    single = booster.copy()
    single.set_param({"nthread": 1})
    test = model.pipeline.test_data
    raw_rows = DATA.drop(columns=["converted"])
    for rows, calls in ((1, 300), (10_000, 20)):
        frame = raw_rows.iloc[:rows]
        x = test.x.iloc[:rows]
        matrix = x.to_numpy(np.float32)
        raw = per_call(lambda matrix=matrix: booster.inplace_predict(matrix), calls)
        emit("predict", f"xgboost inplace_predict, default threads, {rows} rows", raw * 1000, "ms")
        raw_single = per_call(lambda matrix=matrix: single.inplace_predict(matrix), calls)
        emit("predict", f"xgboost inplace_predict, one thread, {rows} rows", raw_single * 1000, "ms")
        # lore predicts small batches on one thread, larger ones on all: compare like with like
        fastest = raw_single if rows <= SMALL_BATCH else raw
        encoded = per_call(lambda x=x: model.predict(x), calls)
        emit(
            "predict",
            f"lore predict encoded x, {rows} rows",
            encoded * 1000,
            "ms",
            "same raw",
            encoded / fastest,
        )
        emit(
            "predict",
            f"lore added per call, encoded x, {rows} rows",
            (encoded - fastest) * 1000,
            "ms",
            "same raw",
        )
        full = per_call(lambda frame=frame: model.predict(frame), calls)
        emit("predict", f"lore predict raw rows, {rows} rows", full * 1000, "ms", "same raw", full / fastest)
        emit(
            "predict",
            f"lore added per call, raw rows incl. encoding, {rows} rows",
            (full - fastest) * 1000,
            "ms",
            "same raw",
        )
        encoding = per_call(lambda frame=frame: model.pipeline.encode_x(frame), calls)
        emit("predict", f"pipeline.encode_x alone, {rows} rows", encoding * 1000, "ms")


def bench_save_load() -> None:
    global DATA
    DATA = DATA.iloc[:20_000]  # save and load time depends on the model, not the rows
    for klass in (Boosted, Linear, Deep):
        model = klass()
        model.fit()
        save = best_of(model.save, 3)
        load = best_of(klass.load, 3)
        emit("save_load", f"{klass.__name__} ({type(model.estimator).__name__}) save", save * 1000, "ms")
        emit("save_load", f"{klass.__name__} ({type(model.estimator).__name__}) load", load * 1000, "ms")


def bench_naive(rounds: int = 7) -> None:
    from harness import compare, interleave, milliseconds
    from sklearn.dummy import DummyClassifier

    model = lore.models.Naive(Mixed())
    model.fit()
    training = model.pipeline.training_data
    x, y = training.x.to_numpy(np.float32), np.asarray(training.y)
    times = interleave(
        {
            "lore Naive": lambda: lore.estimators.Naive().fit(x, y),
            "DummyClassifier": lambda: DummyClassifier(strategy="prior").fit(x, y),
        },
        rounds,
    )
    compare("naive", f"fit, {len(y)} rows", milliseconds(times), ours="lore Naive", unit="ms")
    naive = lore.estimators.Naive()
    naive.fit(x, y)
    dummy = DummyClassifier(strategy="prior").fit(x, y)
    for rows in (1, 10_000):
        part = x[:rows]
        times = interleave(
            {
                "lore Naive": lambda part=part: naive.predict_proba(part),
                "DummyClassifier": lambda part=part: dummy.predict_proba(part),
            },
            rounds * 20,
        )
        compare("naive", f"predict_proba, {rows} rows", milliseconds(times), ours="lore Naive", unit="ms")
    boosted = Boosted()
    boosted.fit()
    row = DATA.drop(columns=["converted"]).iloc[:1]
    times = interleave(
        {"naive model": lambda: model.predict(row), "XGBoost model": lambda: boosted.predict(row)},
        rounds * 20,
    )
    compare("naive", "model.predict, 1 raw row", milliseconds(times), ours="naive model", unit="ms")


# one thread: on a shared machine, thread pools make the noise; no early stopping: both
# sides train the same 100 rounds whatever their splits
ONE_THREAD = {**XGB_PARAMS, "nthread": 1, "early_stopping_rounds": None}


class OneThread(lore.models.Base):
    """The benchmark's model on one XGBoost thread, as the by-hand side."""

    def __init__(self) -> None:
        super().__init__(pipeline=Mixed(), estimator=lore.estimators.XGBoost(**ONE_THREAD))


def by_hand(frame: pd.DataFrame, folder: Path, phases: dict[str, list[float]] | None = None) -> dict:
    """lore's fit steps in plain pandas + xgboost: split, encode, train, three splits' metrics, save.

    The strongest plain version of the same work: the same split sizes, integer codes
    and standardized numbers written straight into one float32 matrix per split, the
    same booster parameters and thread (the matrices built on it too),
    ``inplace_predict`` on each split (what ``xgboost.train``'s booster offers once it
    returns: it drops its prediction caches) and numpy metrics (the AUC from one
    ``scipy.stats.rankdata``, no scikit-learn input checks). Each step's seconds are
    appended to ``phases`` when given.
    """
    from scipy.stats import rankdata

    clock = [time.perf_counter()]

    def lap(name: str) -> None:
        clock.append(time.perf_counter())
        if phases is not None:
            phases.setdefault(name, []).append(clock[-1] - clock[-2])

    order = np.random.default_rng(0).permutation(len(frame))
    cut_test, cut_valid = len(frame) // 10, len(frame) // 5
    parts = {  # rows taken in order, as lore does: faster than in random order
        "test": frame.iloc[np.sort(order[:cut_test])],
        "validation": frame.iloc[np.sort(order[cut_test:cut_valid])],
        "train": frame.iloc[np.sort(order[cut_valid:])],
    }
    lap("split")
    training = parts["train"]
    vocabularies = {name: pd.Index(training[name].unique()) for name in ("city", "plan", "device")}
    scales = {name: (training[name].mean(), training[name].std()) for name in ("age", "spend", "visits")}

    def encode(part: pd.DataFrame) -> np.ndarray:
        columns = [vocabularies[name].get_indexer(part[name]) + 1 for name in vocabularies]
        columns += [(part[name].to_numpy() - mean) / std for name, (mean, std) in scales.items()]
        return np.column_stack(columns).astype(np.float32)

    encoded = {name: (encode(part), part["converted"].to_numpy(np.int64)) for name, part in parts.items()}
    lap("encode")
    params = {"max_depth": 6, "learning_rate": 0.1, "tree_method": "hist", "objective": "binary:logistic"}
    params["nthread"] = 1
    dtrain = xgboost.DMatrix(encoded["train"][0], label=encoded["train"][1], nthread=1)
    dvalid = xgboost.DMatrix(encoded["validation"][0], label=encoded["validation"][1], nthread=1)
    booster = xgboost.train(
        {**params, "verbosity": 0},
        dtrain,
        num_boost_round=100,
        evals=[(dvalid, "validation")],
        verbose_eval=False,
    )
    lap("train")
    metrics = {}
    for name, (x, y) in encoded.items():
        p = booster.inplace_predict(x).astype(np.float64)
        chosen = np.clip(np.where(y == 1, p, 1 - p), 1e-15, 1)
        positives = int(y.sum())
        negatives = len(y) - positives
        ranks = rankdata(p)  # the AUC as the Mann-Whitney statistic: one sort, no input checks
        metrics[name] = {
            "loss": float(-np.mean(np.log(chosen))),
            "accuracy": float(np.mean((p > 0.5) == y)),
            "auc": float((ranks[y == 1].sum() - positives * (positives + 1) / 2) / (positives * negatives)),
        }
    lap("metrics")
    booster.save_model(folder / "booster.ubj")
    (folder / "metrics.json").write_text(json.dumps(metrics))
    lap("save")
    return metrics


#: The frame of the fixed cost: training takes a few milliseconds, so lore's own steps show.
TINY = 1_000


def compare_fits(frame: pd.DataFrame, rounds: int, report: bool, label: str) -> dict[str, Any]:
    """lore's fit (reports off, and on when ``report``) vs :func:`by_hand`, interleaved; print both.

    Prints the ratios (median and min), each side's median seconds per step, and
    returns the rounds' times.
    """
    from harness import compare, interleave
    from harness import emit as emit_loaded

    global DATA
    DATA = frame
    folder = Path(tempfile.mkdtemp(prefix="by_hand_"))
    lore_phases: dict[str, list[float]] = {}
    hand_phases: dict[str, list[float]] = {}

    def lore_fit(with_report: bool) -> None:
        model = OneThread()
        start = time.perf_counter()
        model.fit(report=with_report)
        if not with_report:
            # "other": what no step times (the store's record, manifest, sync and commit...)
            steps = {**model.timings, "other": time.perf_counter() - start - sum(model.timings.values())}
            for name, seconds in steps.items():
                lore_phases.setdefault(name, []).append(seconds)

    sides = {
        "lore fit, no report": lambda: lore_fit(False),
        "by hand": lambda: by_hand(frame, folder, hand_phases),
    }
    if report:
        sides["lore fit, with report"] = lambda: lore_fit(True)
    for side in sides.values():
        side()  # imports, thread pools, the metadata database
    lore_phases.clear()
    hand_phases.clear()
    times = interleave(sides, rounds)
    compare("by_hand", f"{label}, {len(frame)} rows", times, ours="lore fit, no report")
    for side, phases in (("lore", lore_phases), ("by hand", hand_phases)):
        steps = {name: statistics.median(values) for name, values in phases.items()}
        emit_loaded(
            "by_hand",
            f"{side}'s steps, median of {rounds}, {len(frame)} rows",
            sum(steps.values()),
            "s",
            **steps,
        )
    return times


def bench_fixed(rounds: int = 15) -> None:
    """The fixed cost of a fit: lore's median minus the by-hand median on a tiny frame."""
    from harness import emit as emit_loaded
    from harness import summary

    times = compare_fits(table(TINY), rounds, report=False, label="fixed cost: a whole fit")
    ours, theirs = summary(times["lore fit, no report"]), summary(times["by hand"])
    emit_loaded(
        "by_hand",
        f"fixed cost per fit ({TINY} rows, lore - by hand)",
        (ours["median"] - theirs["median"]) * 1000,
        "ms",
        min=(ours["min"] - theirs["min"]) * 1000,
    )


def bench_by_hand() -> None:
    from harness import emit as emit_loaded
    from harness import summary

    with_report = ROWS <= 200_000  # the report's plots on a million rows would take the whole budget
    rounds = 5 if ROWS <= 200_000 else 3
    times = compare_fits(FULL, rounds, with_report, label="whole fit from the raw frame")
    if with_report:
        added = (
            summary(times["lore fit, with report"])["median"]
            - summary(times["lore fit, no report"])["median"]
        )
        emit_loaded("by_hand", f"the report's cost, {ROWS} rows (median with - without)", added, "s")


if __name__ == "__main__":
    parts = sys.argv[2:] or ["fit", "predict", "save_load", "naive"]
    for part in parts:
        globals()[f"bench_{part}"]()
