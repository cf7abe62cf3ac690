"""Profiles: sketches of numbers and categories, merging, JSON round trips."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lore.monitoring.sketches import CATEGORY, NUMBER, Profile, ProfileError, profile


def frame(rows: int = 1000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "age": rng.normal(40, 10, rows),
            "visits": rng.integers(0, 5, rows),
            "city": rng.choice(["oslo", "lima", "pune"], rows),
            "member": rng.random(rows) < 0.3,
            "seen": pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 100, rows), unit="D"),
        }
    )


def test_kinds_and_counts() -> None:
    reference = profile(frame())
    assert {name: sketch["kind"] for name, sketch in reference.items()} == {
        "age": NUMBER,
        "visits": NUMBER,
        "city": CATEGORY,
        "member": CATEGORY,
        "seen": NUMBER,
    }
    age = reference["age"]
    assert sum(age["counts"]) == 1000 and age["missing"] == 0
    assert len(age["edges"]) == 99  # percentiles of the reference
    assert np.allclose(age["edges"][49], np.median(frame()["age"]), atol=0.5)
    assert len(reference["visits"]["edges"]) <= 5  # repeated quantiles collapse


def test_missing_values_and_unseen_categories() -> None:
    reference = profile(frame())
    new = pd.DataFrame({"age": [np.nan, 30.0], "city": ["oslo", "rome"], "member": [None, True]})
    current = profile(new, reference)
    assert current["age"]["missing"] == 1 and sum(current["age"]["counts"]) == 1
    assert current["city"]["values"]["oslo"] == 1 and sum(current["city"]["values"].values()) == 1
    assert current["city"]["other"] == 1
    assert current["member"]["missing"] == 1
    assert "visits" not in current  # a column the new data lacks is left to drift()


def test_long_tail_bucket() -> None:
    values = pd.DataFrame({"word": [f"w{i % 300}" for i in range(3000)]})
    sketch = profile(values, max_categories=10)["word"]
    assert len(sketch["values"]) == 10 and sketch["other"] == 3000 - 100


def test_merge_adds_counts_and_equals_one_pass() -> None:
    reference = profile(frame())
    first, second = frame(500, seed=1), frame(700, seed=2)
    merged = profile(first, reference).merge(profile(second, reference))
    assert merged == profile(pd.concat([first, second], ignore_index=True), reference)
    assert merged.rows == 1200


def test_merge_refuses_other_bins() -> None:
    with pytest.raises(ProfileError, match="binned differently"):
        profile(frame(seed=1)).merge(profile(frame(seed=2)))


def test_json_round_trip(tmp_path) -> None:
    reference = profile(frame())
    reference.save(tmp_path / "profile.json")
    assert Profile.load(tmp_path / "profile.json") == reference


def test_empty_frame() -> None:
    sketch = profile(pd.DataFrame({"x": pd.Series([], dtype=float)}))["x"]
    assert sketch["edges"] == [] and sketch["counts"] == [0] and sketch["min"] is None
