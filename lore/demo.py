"""The main job, end to end, on the embedded defaults: ``python -m lore.demo``.

In a temporary folder it does what a new user does: ``lore init`` a project (its
example reads a sample ``users`` table from the embedded SQLite database), fits the
example XGBoost model with its pipeline, which saves a fitting in the local model
store, loads that fitting back and predicts on raw rows, printing the metrics and
the predictions. It runs in this process, without making a virtualenv, and touches
nothing outside the temporary folder, which it names and then removes
(``python -m lore.demo --keep`` keeps it to look at).

>>> import lore.demo
>>> callable(lore.demo.main)
True
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path


def main(folder: Path | None = None, keep: bool | None = None) -> int:
    """Run the demo in ``folder`` (a new temporary folder by default); 0 on success.

    A temporary folder is removed at the end unless ``keep`` (``--keep`` on the
    command line); a folder given is always kept.
    """
    import lore.env
    from lore.cli.init import create

    started = time.perf_counter()
    keep = folder is not None or (keep if keep is not None else "--keep" in sys.argv[1:])
    folder = Path(folder or tempfile.mkdtemp(prefix="lore-demo-"))
    print(f"working in {folder}")
    try:
        root = create(folder / "demo_shop", ".".join(map(str, sys.version_info[:3])))
        print(f"1. lore init: project {root.name} in {root}")
        sys.path.insert(0, str(root))
        try:
            with lore.env.variables(LORE_ROOT=str(root), LORE_ENV=None):
                fit_and_predict()
        finally:
            sys.path.remove(str(root))
    finally:
        if keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
            print(f"removed {folder} (python -m lore.demo --keep keeps it)")
    print(f"done in {time.perf_counter() - started:.1f}s")
    return 0


def fit_and_predict() -> None:
    """Fit the new project's example model, load the fitting back and predict on raw rows."""
    import importlib

    import lore.env

    model_class = importlib.import_module("demo_shop.models.subscribers").BoostedName
    model = model_class()
    metrics = model.fit()
    print(f"2. fit {model.name()} on {len(model.pipeline.training_data)} training rows from SQLite:")
    for split, values in metrics.items():
        print(f"   {split:<10}  " + "  ".join(f"{key}={value:.3f}" for key, value in values.items()))
    print(f"3. saved fitting {model.fitting} in {lore.env.current().models_dir / model.name()}")
    page = model.fitting_path_ / "report" / "report.html"
    print(f"   its report: {page}" if page.is_file() else '   no report: pip install "lore-ml[report]"')
    loaded = model_class.load()
    frame = model.pipeline.get_data().head(5)
    predictions = loaded.predict(frame)
    print(f"4. loaded fitting {loaded.fitting} back; predictions on raw rows:")
    for name, actual, predicted in zip(frame["first_name"], frame["has_subscription"], predictions):
        print(f"   {name:<12} subscribes={bool(actual)!s:<5}  predicted={bool(predicted)}")


if __name__ == "__main__":
    raise SystemExit(main())
