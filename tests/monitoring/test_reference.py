"""A fitting's reference: saved and loaded, and its calibration applied without scikit-learn."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from lore.monitoring.performance import calibration
from lore.monitoring.reference import FILE, Reference, build


@pytest.fixture
def scored() -> Reference:
    rng = np.random.default_rng(0)
    probabilities = rng.dirichlet([1, 1, 1], 3000)
    labels = np.where(rng.random(3000) < 0.7, probabilities.argmax(axis=1), rng.integers(0, 3, 3000))
    return build(
        pd.DataFrame({"x": rng.normal(size=3000)}), labels, probabilities=probabilities, labels=labels
    )


def test_the_saved_calibration_gives_the_refitted_numbers_exactly(scored, tmp_path) -> None:
    scored.save(tmp_path)
    loaded = Reference.load(tmp_path)
    confidences = np.concatenate([np.random.default_rng(1).random(10_000), [0.0, 1.0, 0.2, 2.0]])
    refitted = calibration(loaded.probabilities, loaded.labels).predict(confidences)
    np.testing.assert_array_equal(loaded.chance(confidences), refitted)
    np.testing.assert_array_equal(scored.chance(confidences), refitted)  # in memory, before saving
    old = json.loads((tmp_path / FILE).read_text())
    del old["calibration"]  # a reference saved before the calibration was
    np.testing.assert_array_equal(Reference.from_dict(old).chance(confidences), refitted)


def test_applying_the_calibration_imports_no_scikit_learn(scored, tmp_path) -> None:
    scored.save(tmp_path)
    code = (
        "import sys, numpy as np; from lore.monitoring.reference import Reference; "
        f"Reference.load({str(tmp_path)!r}).chance(np.array([0.5])); "
        "print(sorted(name for name in sys.modules if name.startswith(('sklearn', 'scipy.stats'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_regression_has_no_calibration(tmp_path) -> None:
    made = build(pd.DataFrame({"x": [1.0, 2.0]}), np.array([0.5, 0.7]))
    made.save(tmp_path)
    assert made.calibration is None and Reference.load(tmp_path).calibration is None
