"""A small users table and pipelines over it, for real fits in a temporary project."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pytest


def users(rows: int = 600) -> Any:
    import pandas as pd

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "city": np.array(["paris", "lima", "oslo", "pune", "kyiv"])[rng.integers(0, 5, rows)],
            "plan": np.array(["free", "pro", "team"])[rng.integers(0, 3, rows)],
            "age": rng.normal(40, 10, rows).round(),
        }
    )
    words = np.array(["likes", "cats", "runs", "daily", "reads", "books", "cooks"])
    frame["bio"] = [" ".join(words[rng.integers(0, len(words), 3)]) for _ in range(rows)]
    frame["spend"] = (frame["plan"] != "free") * 50.0 + frame["age"] + rng.normal(0, 5, rows)
    frame["subscribed"] = (frame["plan"] == "pro") | ((frame["city"] == "oslo") & (frame["age"] > 40))
    return frame


@functools.lru_cache(maxsize=1)
def users_frame_cached() -> Any:
    return users()


def _pipeline_classes() -> tuple[type, type, type]:
    """Module-level classes (fitted pipelines pickle by reference to their class)."""
    import lore.pipelines
    from lore.encoders import Boolean, Norm, Token, Unique

    global Subscribers, Spend, WithBios

    class Subscribers(lore.pipelines.TrainTestSplit):
        def get_data(self) -> Any:
            return users_frame_cached()

        def get_encoders(self) -> tuple:
            return (Unique("city"), Unique("plan"), Norm("age"))

        def get_output_encoder(self) -> Any:
            return Boolean("subscribed")

    class Spend(Subscribers):
        def get_output_encoder(self) -> Any:
            return Norm("spend")

    class WithBios(Subscribers):
        def get_encoders(self) -> tuple:
            return (*super().get_encoders(), Token("bio", sequence_length=3))

    for klass in (Subscribers, Spend, WithBios):
        klass.__qualname__ = klass.__name__
    return Subscribers, Spend, WithBios


@pytest.fixture(scope="session")
def users_frame() -> Any:
    return users_frame_cached()


@pytest.fixture(scope="session")
def pipelines() -> tuple[type, type, type]:
    """``(classifier, regressor, classifier with a Token encoder)`` pipeline classes."""
    return _pipeline_classes()
