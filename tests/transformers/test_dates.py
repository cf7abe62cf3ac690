from __future__ import annotations

import pandas as pd
import pytest

from lore.errors import EncodingError
from lore.transformers import Age, DateTime

FRAME = pd.DataFrame({"at": pd.to_datetime(["2024-03-04 05:06:07", None])})


@pytest.mark.parametrize(
    ("part", "value"),
    [("year", 2024), ("month", 3), ("day", 4), ("dayofweek", 0), ("hour", 5), ("epoch", 1709528767.0)],
)
def test_datetime_parts(part, value) -> None:
    result = DateTime("at", part).transform(FRAME)
    assert result[0] == value and pd.isna(result[1])


def test_text_dates_and_time_zones_are_read() -> None:
    text = pd.DataFrame({"at": ["2024-03-04T05:06:07Z", "2024-03-04T06:06:07+01:00"]})
    assert DateTime("at", "hour").transform(text).tolist() == [5.0, 5.0]
    aware = pd.DataFrame({"at": pd.to_datetime(["2024-03-04 05:00"]).tz_localize("US/Eastern")})
    assert DateTime("at", "hour").transform(aware).tolist() == [10.0]


def test_bad_dates() -> None:
    with pytest.raises(EncodingError, match="cannot read 'at' as dates"):
        DateTime("at", "year").transform(pd.DataFrame({"at": ["yesterday"]}))
    with pytest.raises(EncodingError, match="needs dates"):
        DateTime("at", "year").transform(pd.DataFrame({"at": [1, 2]}))
    with pytest.raises(EncodingError, match="'week' is unknown"):
        DateTime("at", "week").transform(FRAME)


def test_age_to_a_reference_or_a_column() -> None:
    frame = pd.DataFrame(
        {"born": pd.to_datetime(["2000-01-01", None]), "seen": pd.to_datetime(["2000-01-11"] * 2)}
    )
    assert Age("born", unit="days", reference="2000-01-02").transform(frame)[0] == 1.0
    by_column = Age("born", unit="days", reference_column="seen")
    assert by_column.transform(frame)[0] == 10.0 and pd.isna(by_column.transform(frame)[1])
    assert by_column.input_columns() == ["born", "seen"]
    assert Age("born").transform(frame)[0] > 24
    with pytest.raises(EncodingError, match="'weeks' is unknown"):
        Age("born", unit="weeks").transform(frame)
