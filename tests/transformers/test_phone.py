from __future__ import annotations

import pandas as pd

from lore.transformers import AreaCode


def test_area_code_and_region() -> None:
    frame = pd.DataFrame({"p": ["(201) 555-0123", "1-415-555-0000", "+44 20 7946 0000", None, "2125550199"]})
    codes = AreaCode("p").transform(frame)
    assert codes[[0, 1, 4]].tolist() == ["201", "415", "212"]
    assert codes[2] == "" and pd.isna(codes[3])  # a bad number is "", a missing one NaN
    regions = AreaCode("p", region=True).transform(frame)
    assert regions[[0, 1, 4]].tolist() == ["New Jersey", "California", "New York, NY"]


def test_area_code_of_numbers_is_empty_as_in_the_original() -> None:
    frame = pd.DataFrame({"p": [2015550123, 12015550123]})
    assert AreaCode("p").transform(frame).tolist() == ["", ""]  # an integer is not a phone number's text
    mixed = pd.DataFrame({"p": pd.Series(["201-555-0123", 2015550123, None, "12"], dtype=object)})
    assert AreaCode("p").transform(mixed).tolist()[:2] == ["201", ""]
    assert AreaCode("p").transform(mixed).isna().tolist() == [False, False, True, False]
