from __future__ import annotations

import pandas as pd

from lore.transformers import AreaCode


def test_area_code_and_region() -> None:
    frame = pd.DataFrame({"p": ["(201) 555-0123", "1-415-555-0000", "+44 20 7946 0000", None, "2125550199"]})
    codes = AreaCode("p").transform(frame)
    assert codes[[0, 1, 4]].tolist() == ["201", "415", "212"]
    assert codes[[2, 3]].isna().all()
    regions = AreaCode("p", region=True).transform(frame)
    assert regions[[0, 1, 4]].tolist() == ["New Jersey", "California", "New York, NY"]


def test_area_code_of_numbers() -> None:
    frame = pd.DataFrame({"p": [2015550123, 12015550123]})
    assert AreaCode("p").transform(frame).tolist() == ["201", "201"]
