from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import lore.pipelines
from lore.encoders import Norm, Unique
from lore.errors import EmptySplit, EncodingError


def events(rows: int = 50) -> pd.DataFrame:
    rng = np.random.default_rng(4)
    days = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 20, rows), unit="D")
    return pd.DataFrame({"at": days, "kind": rng.choice(["a", "b"], rows), "value": rng.normal(size=rows)})


class Events(lore.pipelines.TimedTrainTestSplit):
    time_column = "at"
    frame = events()

    def get_data(self) -> pd.DataFrame:
        return self.frame

    def get_encoders(self) -> tuple:
        return (Unique("kind"),)

    def get_output_encoder(self) -> Norm:
        return Norm("value")


def test_no_future_rows_in_training() -> None:
    pipeline = Events(test_size=0.2, validation_size=0.2)
    positions = pipeline.split(pipeline.data)
    times = {name: pipeline.data["at"].iloc[rows] for name, rows in positions.items()}
    assert times["training"].max() < times["validation"].min()
    assert times["validation"].max() < times["test"].min()
    assert sum(len(rows) for rows in positions.values()) == 50
    assert len(pipeline.training_data) == len(positions["training"])


def test_time_column_as_argument_or_the_data_order_without_one() -> None:
    class Untimed(Events):
        time_column = None

    assert len(Untimed("at").training_data) > 0
    positions = Untimed(test_size=0.2, validation_size=0.1).split(Events.frame)
    assert positions["training"].tolist() == list(range(35))
    assert positions["validation"].tolist() == list(range(35, 40))
    assert positions["test"].tolist() == list(range(40, 50))


def test_the_original_sort_by_keyword_warns_and_works() -> None:
    class Untimed(Events):
        time_column = None

    with pytest.warns(
        DeprecationWarning, match=r"sort_by=\) is the original Lore spelling: use time_column="
    ):
        pipeline = Untimed(sort_by="at", test_size=0.2)
    assert pipeline.time_column == "at"
    with pytest.warns(DeprecationWarning, match="lore.pipelines.TimedTrainTestSplit"):
        from lore.pipelines.time_series import Base
    assert Base is lore.pipelines.TimedTrainTestSplit


def test_missing_times_are_refused() -> None:
    class Gaps(Events):
        frame = events().assign(at=lambda f: f["at"].where(f.index != 3))

    with pytest.raises(EncodingError, match="1 rows have no 'at'"):
        _ = Gaps().training_data


def test_one_timestamp_cannot_be_split() -> None:
    class Same(Events):
        frame = events().assign(at=pd.Timestamp("2024-01-01"))

    with pytest.raises(EmptySplit, match="share the boundary"):
        _ = Same().training_data
