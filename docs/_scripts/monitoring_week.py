"""A week of traffic for a served classifier, a shift on day 5: the plots of docs/monitoring.rst.

Run it from the repository (``python docs/_scripts/monitoring_week.py docs/_static``):
it makes a project in a temporary folder, fits ``Subscribers`` (XGBoost on age, plan
and city), logs seven days of predictions through the prediction log the API uses
(:meth:`lore.monitoring.log.PredictionLog.write`, with each request dated on its day),
writes the outcomes of the first six days as a labels file, runs ``lore monitor``
and copies the report's plots into the folder given. From day 5 on, users come from
a narrower band of ages around the model's decision boundary: the age distribution
drifts, and the accuracy drops, which the estimate shows before any label arrives.
``tests/monitoring/test_week.py`` runs it and checks those claims.
"""

from __future__ import annotations

import datetime
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

MODELS = '''
import numpy as np
import pandas as pd

import lore.estimators
import lore.models
import lore.pipelines
from lore.encoders import Boolean, Norm, Unique


def users(rows, rng, spread=12.0):
    """Users; the chance to subscribe rises with age around 40, more on the pro plan."""
    frame = pd.DataFrame(
        {
            "city": rng.choice(["paris", "lima", "oslo", "pune"], rows, p=[0.4, 0.3, 0.2, 0.1]),
            "plan": rng.choice(["free", "pro", "team"], rows, p=[0.6, 0.25, 0.15]),
            "age": rng.normal(40, spread, rows).round(),
        }
    )
    logit = (frame["age"] - 40) / 3 + np.where(frame["plan"] == "pro", 1.5, 0.0)
    frame["subscribed"] = rng.random(rows) < 1 / (1 + np.exp(-logit))
    return frame


class Users(lore.pipelines.TrainTestSplit):
    def get_data(self):
        return users(6000, np.random.default_rng(0))

    def get_encoders(self):
        return (Unique("city"), Unique("plan"), Norm("age"))

    def get_output_encoder(self):
        return Boolean("subscribed")


class Subscribers(lore.models.Base):
    def __init__(self):
        super().__init__(pipeline=Users(), estimator=lore.estimators.XGBoost(n_estimators=40, max_depth=3))
'''

DAYS = 7
SHIFT_DAY = 5  # 1-based: days 5, 6 and 7 see the shifted traffic
ROWS_PER_DAY = 2000
ROWS_PER_REQUEST = 10
#: The report's plots that docs/monitoring.rst shows.
PLOTS = ("drift-by-day", "accuracy-by-day", "distribution-age")


def make_project(root: Path) -> None:
    for folder in ("config", "data", "models", "logs", "shop/models"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / "runtime.txt").write_text("python-3.11.7\n")
    (root / "shop" / "__init__.py").write_text("")
    (root / "shop" / "models" / "__init__.py").write_text("")
    (root / "shop" / "models" / "subscribers.py").write_text(MODELS)
    (root / "config" / "monitoring.cfg").write_text(
        "[DRIFT]\ndistance: 0.1\np_value: 0.01\nmissing: 0.05\naccuracy_drop: 0.05\n"
    )


def enter(root: Path) -> None:
    import lore.env

    os.environ["LORE_ROOT"] = str(root)
    sys.path.insert(0, str(root))
    for name in [name for name in sys.modules if name == "shop" or name.startswith("shop.")]:
        del sys.modules[name]  # another project called shop, imported before
    lore.env.reset()


def simulate(root: Path) -> dict[str, Any]:
    """Fit, log a week of traffic, write the labels of days 1-6; return what happened."""
    import numpy as np
    import pandas as pd
    from shop.models.subscribers import Subscribers, users  # the project made above

    from lore.monitoring.log import ParquetSink, PredictionLog
    from lore.monitoring.record import Logged

    model = Subscribers()
    model.fit()
    loaded = Subscribers.load(model.fitting)
    log = PredictionLog(ParquetSink(root / "data" / "predictions"))
    midnight = datetime.datetime.now(datetime.timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    first_day = midnight - datetime.timedelta(days=DAYS)
    rng = np.random.default_rng(1)
    labels, accuracy = [], {}
    for day in range(1, DAYS + 1):
        traffic = users(ROWS_PER_DAY, rng, spread=4.0 if day >= SHIFT_DAY else 12.0)
        inputs = traffic[["city", "plan", "age"]]
        probabilities = np.asarray(loaded.predict_proba(inputs))
        predictions = np.asarray(loaded.pipeline.decode(probabilities.argmax(axis=1)))
        accuracy[day] = float(np.mean(predictions == traffic["subscribed"].to_numpy()))
        start = (first_day + datetime.timedelta(days=day - 1)).timestamp()
        times = np.sort(start + rng.uniform(0, 86_000, ROWS_PER_DAY // ROWS_PER_REQUEST))
        batch = []
        for number, moment in enumerate(times):
            rows = slice(number * ROWS_PER_REQUEST, (number + 1) * ROWS_PER_REQUEST)
            request = f"d{day}-{number:04d}"
            batch.append(
                Logged(
                    model.name(),
                    model.fitting,
                    request,
                    float(moment),
                    inputs.iloc[rows].reset_index(drop=True),
                    predictions[rows],
                    probabilities[rows],
                )
            )
            if day < DAYS:  # the outcomes of the last day are not in yet
                labels.append(
                    pd.DataFrame(
                        {
                            "request_id": request,
                            "row": np.arange(ROWS_PER_REQUEST),
                            "subscribed": traffic["subscribed"].to_numpy()[rows],
                        }
                    )
                )
        log.write(batch)
    pd.concat(labels, ignore_index=True).to_parquet(root / "data" / "outcomes.parquet")
    return {"model": model.name(), "fitting": model.fitting, "accuracy": accuracy}


def monitor(root: Path, report: Path) -> Any:
    """``lore monitor`` on the week, with the labels; the click result."""
    from click.testing import CliRunner

    from lore.cli import cli

    arguments = ["monitor", "models.subscribers.Subscribers", "--since", f"{DAYS + 1}d"]
    arguments += ["--labels", str(root / "data" / "outcomes.parquet"), "--report", str(report)]
    return CliRunner().invoke(cli, arguments)


def main(static: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "shop"
        make_project(root)
        enter(root)
        happened = simulate(root)
        result = monitor(root, root / "report")
        print(result.output)
        print("true accuracy per day:", {day: round(value, 3) for day, value in happened["accuracy"].items()})
        static.mkdir(parents=True, exist_ok=True)
        for name in PLOTS:
            shutil.copy(root / "report" / f"{name}.png", static / f"monitoring-{name}.png")
        print(f"exit status {result.exit_code}; plots in {static}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/_static"))
