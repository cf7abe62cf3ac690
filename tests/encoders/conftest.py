"""A small mixed-type frame that every encoder can be fitted on."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest


def mixed(rows: int = 60) -> Any:
    import pandas as pd

    rng = np.random.default_rng(7)
    cities = np.array(["oslo", "lima", "pune", "kyiv", "rome", "bern"], dtype=object)[
        rng.integers(0, 6, rows)
    ]
    cities[::11] = None
    age = rng.normal(40, 12, rows).round(1)
    age[::9] = np.nan
    words = np.array(["red", "blue", "shoe", "hat", "big", "sale"])
    titles = [" ".join(rng.choice(words, rng.integers(1, 6))) for _ in range(rows)]
    tags = [list(rng.choice(["a", "b", "c", "d"], rng.integers(0, 4))) for _ in range(rows)]
    length = rng.integers(1, 9, rows)
    readings = [
        [None if rng.random() < 0.1 else float(v) for v in rng.normal(5, 2, rng.integers(0, 4))]
        for _ in range(rows)
    ]
    return pd.DataFrame(
        {
            "city": pd.array(cities, dtype="str"),
            "age": age,
            "count": rng.integers(0, 5, rows),
            "flag": rng.random(rows) > 0.5,
            "title": pd.array(titles, dtype="str"),
            "tags": pd.Series(tags, dtype=object),
            "readings": pd.Series(readings, dtype=object),  # lists of numbers, some missing
            "first_name": pd.array(
                rng.choice(["Mary", "John", "Taylor", "Madison", "Xqzz"], rows), dtype="str"
            ),
            "other_city": pd.array(np.where(rng.random(rows) > 0.5, cities, "oslo"), dtype="str"),
            "length": length,
            "position": (rng.random(rows) * length).astype(int),
            "city_twin": pd.array(cities[::-1], dtype="str"),  # for Twin encoders
            "age_twin": age[::-1] + 1.0,
            "when": pd.Series(pd.Timestamp("2024-01-01") + pd.to_timedelta(age, unit="D")),
        }
    )


@pytest.fixture(scope="session")
def frame() -> Any:
    return mixed()
