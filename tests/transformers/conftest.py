"""A small frame with every kind of raw column the transformers read."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="session")
def raw() -> Any:
    import numpy as np
    import pandas as pd

    return pd.DataFrame(
        {
            "first_name": pd.array(["Mary", "madison ", "TAYLOR", "John", "Zqxv", "Mom"], dtype="str"),
            "email": pd.array(
                ["a@Example.com", "b@x.org", "bad", "c@y.io", "d@x.org", "e@z.com"], dtype="str"
            ),
            "phone": pd.array(
                ["(201) 555-0123", "+1 415 555 0000", "555", "212.555.0199", "1-800-555-0100", "6175550000"],
                dtype="str",
            ),
            "income": [10.0, 0.0, -1.0, 1000.0, 55.5, 3.0],
            "at": pd.to_datetime(
                [
                    "2024-01-01 08:00",
                    "2024-02-29 23:30",
                    "2023-12-31 00:00",
                    "2020-06-15 12:00",
                    "2024-03-01 00:00",
                    "2024-03-02 00:00",
                ]
            ),
            "lat": [0.0, 40.7, 51.5, -33.9, 48.9, 35.7],
            "lon": [0.0, -74.0, -0.1, 151.2, 2.35, 139.7],
            "lat2": [0.0, 34.1, 48.9, -37.8, 48.9, 35.7],
            "lon2": [1.0, -118.2, 2.35, 144.9, 2.35, 139.7],
            "code": pd.array(["ab-12", "zz", "x9", "q-77", "", "7"], dtype="str"),
            "plan": pd.array(["free", "pro", "team", "pro", "gold", "free"], dtype="str"),
            "score": np.arange(6.0),
        }
    )
