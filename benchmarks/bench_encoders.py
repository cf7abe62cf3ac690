"""Encoders against scikit-learn on 1,000,000 rows, and LowMemory under a memory cap.

Side by side, in one run, each in its own subprocess (so peak memory is its own):

- lore: ``Unique``, ``Norm``, ``Discrete(bins=10)``, ``Quantile``, ``OneHot`` and
  ``NameAge`` / ``NameSex`` on a first-name column, fit + transform into one frame;
- scikit-learn: a ``ColumnTransformer`` of ``OrdinalEncoder``, ``StandardScaler``,
  ``KBinsDiscretizer`` (uniform and quantile) and ``OneHotEncoder``, plus a pandas
  ``map`` of the same name table for the name lookups;
- scikit-learn at its strongest: the same with ``set_output(transform="pandas")`` and
  the name lookups on distinct values only (``factorize``, then ``reindex``);
- pandas: the same steps by hand (``get_indexer``, arithmetic, ``searchsorted``,
  distinct-value lookups), the floor of what an encoder library adds.

Each side runs in a fresh process per round, the sides in turn for ``--repeat``
rounds; min, median, ratios and the load average.

Peak memory is the growth of the process's peak RSS (``VmHWM``, reset after the data
is built) over the input frame's own size. Then ``LowMemory`` encodes a generated
stream whose in-memory size is 4x a memory budget (``--cap-mib``), in a fresh process
whose peak RSS is measured against that budget.

``--twin`` measures only a ``Twin(Unique)`` over two city columns against its
neighbours, two ``Unique`` encoders fitted and applied one column each (interleaved
rounds, min and median, load average).

    python benchmarks/bench_encoders.py [--rows 1000000] [--repeat 3] [--cap-mib 320] [--twin]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time

BENCHMARK = "encoders"


def emit(metric: str, value: float, unit: str, **extra: object) -> None:
    print(
        json.dumps(
            {"benchmark": BENCHMARK, "metric": metric, "value": round(value, 4), "unit": unit, **extra}
        )
    )


def make_frame(rows: int, seed: int = 0):
    import numpy as np
    import pandas as pd

    from lore.transformers.names import name_table

    rng = np.random.default_rng(seed)
    names = name_table().nlargest(2000, "population").index.str.title().to_numpy(dtype=object)
    cities = np.array([f"city_{i}" for i in range(5000)], dtype=object)
    return pd.DataFrame(
        {
            "city": pd.array(cities[rng.zipf(1.3, rows) % 5000], dtype="str"),
            "amount": rng.lognormal(3, 1, rows),
            "age": rng.normal(40, 12, rows),
            "income": rng.gamma(2.0, 20_000, rows),
            "plan": pd.array(
                np.array(["free", "pro", "team", "gold", "edu"], dtype=object)[rng.integers(0, 5, rows)],
                dtype="str",
            ),
            "first_name": pd.array(names[rng.integers(0, len(names), rows)], dtype="str"),
        }
    )


def status(field: str) -> int:
    """A ``/proc/self/status`` figure in bytes."""
    with open("/proc/self/status") as stream:
        for line in stream:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def reset_peak() -> None:
    with open("/proc/self/clear_refs", "w") as stream:
        stream.write("5")


def run_lore(frame):
    import pandas as pd

    from lore.encoders import Discrete, Norm, OneHot, Quantile, Unique
    from lore.transformers import NameAge, NameSex

    encoders = [
        Unique("city"),
        Norm("amount"),
        Discrete("age", bins=10),
        Quantile("income", quantiles=10),
        OneHot("plan"),
        Norm(NameAge("first_name")),
        Norm(NameSex("first_name")),
    ]
    columns = {}
    for encoder in encoders:
        encoded = encoder.fit(frame).transform(frame)
        names = encoder.feature_names()
        if encoded.ndim == 1:
            columns[names[0]] = encoded
        else:
            columns.update({name: encoded[:, i] for i, name in enumerate(names)})
    return pd.DataFrame(columns)


def column_transformer():
    """The scikit-learn steps that match lore's encoders here (both scikit-learn runs use it)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.preprocessing import KBinsDiscretizer, OneHotEncoder, OrdinalEncoder, StandardScaler

    return ColumnTransformer(
        [
            ("city", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1), ["city"]),
            ("amount", StandardScaler(), ["amount"]),
            ("age", KBinsDiscretizer(n_bins=10, encode="ordinal", strategy="uniform"), ["age"]),
            (
                "income",
                KBinsDiscretizer(n_bins=10, encode="ordinal", strategy="quantile", quantile_method="linear"),
                ["income"],
            ),
            ("plan", OneHotEncoder(handle_unknown="ignore", sparse_output=False), ["plan"]),
        ]
    )


def run_sklearn(frame):
    import numpy as np
    import pandas as pd
    from sklearn.preprocessing import StandardScaler

    from lore.transformers.names import name_table

    table = name_table()
    transformer = column_transformer()
    encoded = transformer.fit_transform(frame)
    keys = frame["first_name"].str.lower()
    ages = keys.map(table["age"])
    sexes = keys.map(table["female"])
    names = StandardScaler().fit_transform(np.column_stack([ages, sexes]))
    return pd.DataFrame(np.column_stack([encoded, names]))


def run_sklearn_pandas(frame):
    """scikit-learn at its strongest here: pandas output, name lookups on distinct values only."""
    import pandas as pd
    from sklearn.preprocessing import StandardScaler

    from lore.transformers.names import name_table

    table = name_table()
    transformer = column_transformer().set_output(transform="pandas")
    encoded = transformer.fit_transform(frame)
    codes, uniques = pd.factorize(frame["first_name"])
    keys = pd.Index(uniques).str.lower()
    names = pd.DataFrame(
        {
            "age": table["age"].reindex(keys).to_numpy()[codes],
            "sex": table["female"].reindex(keys).to_numpy()[codes],
        }
    )
    names = StandardScaler().set_output(transform="pandas").fit_transform(names)
    return pd.concat([encoded, names.set_index(encoded.index)], axis=1)


def run_pandas(frame):
    """The same steps by hand in pandas and numpy: the floor of what an encoder library adds."""
    import numpy as np
    import pandas as pd

    from lore.transformers.names import name_table

    table = name_table()

    def norm(values):
        return ((values - np.nanmean(values)) / (np.nanstd(values) or 1.0)).astype(np.float32)

    def bins(values, edges):
        return np.searchsorted(edges[1:-1], values, side="right").astype(np.uint8)

    counts = frame["city"].value_counts()
    city_codes = pd.Index(counts.index).get_indexer(frame["city"]) + 2
    age = frame["age"].to_numpy()
    income = frame["income"].to_numpy()
    plan_codes, plans = pd.factorize(frame["plan"], sort=True)
    codes, uniques = pd.factorize(frame["first_name"])
    keys = pd.Index(uniques).str.lower()
    columns = {
        "city": city_codes.astype(np.uint16),
        "amount": norm(frame["amount"].to_numpy()),
        "age": bins(age, np.linspace(np.nanmin(age), np.nanmax(age), 11)),
        "income": bins(income, np.quantile(income, np.linspace(0, 1, 11))),
        "name_age": norm(table["age"].reindex(keys).to_numpy()[codes]),
        "name_sex": norm(table["female"].reindex(keys).to_numpy()[codes]),
    }
    one_hot = np.eye(len(plans), dtype=np.uint8)[plan_codes]
    columns.update({f"plan_{plan}": one_hot[:, index] for index, plan in enumerate(plans)})
    return pd.DataFrame(columns)


RUNS = {"lore": run_lore, "sklearn": run_sklearn, "sklearn-pandas": run_sklearn_pandas, "pandas": run_pandas}


def side(which: str, rows: int, repeat: int) -> None:
    """Run one side in this process and print ``{"seconds", "peak_bytes", "frame_bytes"}``."""
    from lore.transformers.names import name_table

    name_table()  # the cached table: loading it is not what is measured
    frame = make_frame(rows)
    frame_bytes = int(frame.memory_usage(deep=True).sum())
    run = RUNS[which]
    run(frame.head(1000))  # imports and first-call costs
    times = []
    peak = 0
    for _ in range(repeat):
        baseline = status("VmRSS")
        reset_peak()
        start = time.perf_counter()
        result = run(frame)
        times.append(time.perf_counter() - start)
        peak = max(peak, status("VmHWM") - baseline)
        del result
    print(json.dumps({"seconds": min(times), "peak_bytes": peak, "frame_bytes": frame_bytes}))


LOW_MEMORY_SCRIPT = r"""
import json, resource, sys, time
import numpy as np, pandas as pd
import lore.pipelines
from lore.encoders import Norm, Quantile, Unique, OneHot
from lore.transformers import NameAge

rows, chunk, folder = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
names = np.array(["Mary", "John", "Taylor", "Madison", "Ann", "Luis"], dtype=object)

class Stream(lore.pipelines.LowMemory):
    def get_data(self):
        for index, start in enumerate(range(0, rows, chunk)):
            rng = np.random.default_rng(index)
            n = min(chunk, rows - start)
            yield pd.DataFrame({
                "city": pd.array(np.char.add("c", rng.integers(0, 3000, n).astype(str)), dtype="str"),
                "first_name": pd.array(names[rng.integers(0, len(names), n)], dtype="str"),
                "plan": pd.array(np.array(["a", "b", "c"], dtype=object)[rng.integers(0, 3, n)], dtype="str"),
                **{f"x{i}": rng.normal(size=n) for i in range(8)},
                "y": rng.normal(size=n),
            })
    def get_encoders(self):
        return (Unique("city"), Norm(NameAge("first_name")), OneHot("plan"),
                *[Quantile(f"x{i}") if i % 2 else Norm(f"x{i}") for i in range(8)])
    def get_output_encoder(self):
        return Norm("y")

sample = next(Stream().get_data())
data_bytes = int(sample.memory_usage(deep=True).sum()) * -(-rows // chunk)
NameAge("first_name").transform(sample)  # warm the name table cache
del sample
start = time.perf_counter()
pipeline = Stream(folder=folder)
training = pipeline.training_data
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # encoding, before reading back
start = time.perf_counter()
x = training.x.to_numpy(dtype="float32", copy=False)  # a memory map: pages come from the file
total = sum(float(x[i : i + 65536].sum()) for i in range(0, len(x), 65536))
read = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "read_seconds": read, "data_bytes": data_bytes, "peak_rss": peak,
                  "encoded_bytes": x.nbytes,
                  "rows": len(training) + len(pipeline.validation_data) + len(pipeline.test_data)}))
"""


def low_memory(rows: int, chunk: int) -> dict:
    """Run LowMemory over ``rows`` streamed rows in a fresh process; its figures."""
    with tempfile.TemporaryDirectory() as folder:
        command = [sys.executable, "-c", LOW_MEMORY_SCRIPT, str(rows), str(chunk), folder]
        completed = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def bench_twin(rows: int, rounds: int) -> None:
    """A twin encoder against two plain ones over the same two columns."""
    import numpy as np
    from harness import compare, interleave, milliseconds

    from lore.encoders import Twin, Unique

    frame = make_frame(rows)
    frame["city_twin"] = frame["city"].to_numpy()[np.random.default_rng(1).permutation(rows)]
    small = frame.iloc[:1]

    def twin() -> None:
        Twin(Unique("city")).fit(frame).transform(frame)

    def pair() -> None:
        for column in ("city", "city_twin"):
            Unique(column).fit(frame).transform(frame)

    times = interleave({"Twin(Unique)": twin, "two Unique": pair}, rounds)
    compare(BENCHMARK, f"fit + transform, {rows:,} rows", milliseconds(times), ours="Twin(Unique)", unit="ms")
    fitted_twin = Twin(Unique("city")).fit(frame)
    fitted_pair = [Unique(column).fit(frame) for column in ("city", "city_twin")]
    times = interleave(
        {
            "Twin(Unique)": lambda: fitted_twin.transform(small),
            "two Unique": lambda: [encoder.transform(small) for encoder in fitted_pair],
        },
        rounds * 50,
    )
    compare(BENCHMARK, "transform, 1 row", milliseconds(times), ours="Twin(Unique)", unit="ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--side", choices=list(RUNS), help=argparse.SUPPRESS)
    parser.add_argument("--cap-mib", type=int, default=320, help="LowMemory's budget (MiB); 0 skips")
    parser.add_argument("--twin", action="store_true", help="only the twin encoder against two Unique")
    args = parser.parse_args()
    if args.twin:
        bench_twin(args.rows, max(args.repeat, 5))
        return
    if args.side:
        side(args.side, args.rows, args.repeat)
        return

    import harness

    runs: dict[str, list[dict]] = {which: [] for which in RUNS}
    names = list(RUNS)
    for round_ in range(args.repeat):  # one process per side and round, sides in turn
        for which in names[round_ % len(names) :] + names[: round_ % len(names)]:
            command = [sys.executable, __file__, "--side", which, "--rows", str(args.rows), "--repeat", "1"]
            output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
            runs[which].append(json.loads(output.strip().splitlines()[-1]))
    rows = f"{args.rows:,} rows"
    harness.compare(
        BENCHMARK,
        f"fit + transform, {rows}",
        {which: [run["seconds"] for run in got] for which, got in runs.items()},
        "lore",
        goal="sklearn ratio <= 0.5",
    )
    frame_bytes = runs["lore"][0]["frame_bytes"]
    emit("input frame", frame_bytes / 2**20, "MiB")
    for which, got in runs.items():
        emit(f"{which} peak memory / input frame", max(run["peak_bytes"] for run in got) / frame_bytes, "x")

    if not args.cap_mib:
        return
    chunk = 50_000
    probe = low_memory(chunk, chunk)  # one chunk: bytes per row in memory
    cap = args.cap_mib * 2**20
    rows = int(4 * cap / (probe["data_bytes"] / chunk)) + 1
    result = low_memory(rows, chunk)
    emit(
        f"LowMemory encode to disk, {rows:,} rows",
        result["seconds"],
        "s",
        data_mib=round(result["data_bytes"] / 2**20),
        cap_mib=args.cap_mib,
        peak_rss_mib=round(result["peak_rss"] / 2**20),
    )
    emit(
        "LowMemory read of the encoded training x (memory map)",
        result["read_seconds"],
        "s",
        encoded_training_mib=round(result["encoded_bytes"] / 2**20),
    )
    emit("LowMemory data in memory / memory cap", result["data_bytes"] / cap, "x", goal=">= 4")
    emit("LowMemory peak RSS / memory cap", result["peak_rss"] / cap, "x", goal="<= 1")


if __name__ == "__main__":
    main()
