"""Small real datasets from scikit-learn, split into train and validation halves."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest


def _split(loader: Any, integer: bool) -> dict[str, Any]:
    data = loader(as_frame=True)
    order = np.random.default_rng(0).permutation(len(data.target))
    x = data.data.iloc[order].reset_index(drop=True)
    y = data.target.to_numpy()[order].astype(int if integer else float)
    half = len(y) // 2
    return {"x": x[:half], "y": y[:half], "validation_x": x[half:], "validation_y": y[half:]}


@pytest.fixture(scope="session")
def binary() -> dict[str, Any]:
    from sklearn.datasets import load_breast_cancer

    return _split(load_breast_cancer, integer=True)


@pytest.fixture(scope="session")
def multiclass() -> dict[str, Any]:
    from sklearn.datasets import load_iris

    return _split(load_iris, integer=True)


@pytest.fixture(scope="session")
def regression() -> dict[str, Any]:
    from sklearn.datasets import load_diabetes

    return _split(load_diabetes, integer=False)
