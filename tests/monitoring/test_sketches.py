"""Profiles: sketches of numbers and categories, merging, JSON round trips."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lore.monitoring.sketches import (
    CATEGORY,
    CHUNK,
    NUMBER,
    Profile,
    ProfileError,
    bin_numbers,
    numbers,
    profile,
    spread,
)


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
    assert len(age["edges"]) == 99 + 18  # percentiles, and per-mille edges in the outer percents
    assert np.allclose(age["edges"][9 + 49], np.median(frame()["age"]), atol=0.5)
    assert len(profile(frame(999))["age"]["edges"]) == 99  # too few values for per-mille edges
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
    whole = profile(pd.concat([first, second], ignore_index=True), reference)
    for name, sketch in whole.items():  # the same counts; sums up to rounding
        sums = {key: pytest.approx(sketch[key], rel=1e-12) for key in ("sum", "squares") if key in sketch}
        assert merged[name] == {**sketch, **sums}
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


@pytest.mark.parametrize(
    "values",
    [
        np.random.default_rng(0).normal(0, 1, 3 * CHUNK + 7),
        np.random.default_rng(1).lognormal(10, 2, 50_000),  # skewed: edges crowd at the bottom
        np.random.default_rng(2).pareto(0.5, 50_000),  # so skewed that searchsorted runs
        np.random.default_rng(3).poisson(3, 50_000).astype(float),  # few distinct values
        np.arange(10.0),
        np.array([5.0]),  # one edge at most
    ],
)
def test_bins_are_searchsorted_exactly(values: np.ndarray) -> None:
    edges = np.unique(np.quantile(values, np.linspace(0, 1, 101)[1:-1]))
    probes = np.concatenate(
        [
            values,
            edges,
            np.nextafter(edges, np.inf),
            np.nextafter(edges, -np.inf),
            [np.inf, -np.inf, 1e308, -1e308, 0.0, -0.0],
        ]
    )
    for side in ("left", "right"):
        np.testing.assert_array_equal(
            bin_numbers(edges, probes, side), np.searchsorted(edges, probes, side=side)
        )


def test_bins_without_edges() -> None:
    assert bin_numbers(np.empty(0), np.array([1.0, -2.0])).tolist() == [0, 0]


def test_a_references_mean_and_standard_deviation_are_exact() -> None:
    reference = profile(frame())
    for name in ("age", "visits", "seen"):
        values = numbers(frame()[name])
        assert np.allclose(spread(reference[name]), (values.mean(), values.std()), rtol=1e-9)
    assert np.allclose(spread(reference.merge(reference)["age"]), spread(reference["age"]), rtol=1e-12)
    assert "squares" not in profile(frame(500, seed=1), reference)["age"]  # new data's: not needed
    far = pd.DataFrame({"x": 1e12 + np.arange(1000.0)})  # squares about the middle edge keep precision
    assert np.isclose(spread(profile(far)["x"])[1], np.arange(1000.0).std(), rtol=1e-9)


def categorical_as_before(series: pd.Series, reference: dict | None, max_categories: int) -> dict:
    """The categorical sketch as it was written before its fast path for text (the oracle)."""
    counts = series.value_counts(dropna=True)
    counts = counts[counts > 0]
    counts.index = counts.index.map(str)
    if not counts.index.is_unique:
        counts = counts.groupby(level=0, sort=False).sum().sort_values(ascending=False, kind="stable")
    missing = int(len(series) - counts.sum())
    if reference is not None:
        known = counts.reindex(list(reference["values"]), fill_value=0)
        values = {str(key): int(count) for key, count in known.items()}
        other = int(counts.sum() - known.sum())
    else:
        top = counts.iloc[:max_categories]
        values = {str(key): int(count) for key, count in top.items()}
        other = int(counts.sum() - top.sum())
    return {"kind": CATEGORY, "count": len(series), "missing": missing, "values": values, "other": other}


def categorical_columns() -> dict[str, pd.Series]:
    rng = np.random.default_rng(3)
    words = rng.choice([f"w{i}" for i in range(150)], 2000).astype(object)
    words[rng.random(2000) < 0.1] = None
    return {
        "object text": pd.Series(words, dtype=object),
        "string": pd.Series(words, dtype="string"),
        "pyarrow string": pd.Series(words, dtype="string[pyarrow]"),
        "categorical": pd.Series(pd.Categorical(words, categories=[*np.unique(words[words != None]), "x"])),  # noqa: E711
        "booleans": pd.Series(rng.random(2000) < 0.3),
        "1 and '1'": pd.Series([1, "1", 2, "2", "2", None, 3] * 5, dtype=object),
        "ties": pd.Series(list("abcabcdd") * 3, dtype="string"),
        "empty": pd.Series([], dtype="string"),
    }


@pytest.mark.parametrize("name", list(categorical_columns()))
def test_categorical_sketches_are_as_before(name: str) -> None:
    """Every kind of column sketches to the same JSON, key order included, with and without a reference."""
    import json

    from lore.monitoring.sketches import _categorical

    series = categorical_columns()[name]
    for top in (100, 5):
        before = categorical_as_before(series, None, top)
        assert json.dumps(_categorical(series, None, top)) == json.dumps(before)
        reference = {"values": {**dict(list(before["values"].items())[:3]), "never": 0}}
        assert json.dumps(_categorical(series, reference, top)) == json.dumps(
            categorical_as_before(series, reference, top)
        )
