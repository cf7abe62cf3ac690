from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lore.errors import EncodingError
from lore.transformers import Log, LogPlusOne, NameAge


def test_log_and_log_plus_one() -> None:
    frame = pd.DataFrame({"x": [np.e, 0.0, -1.0, None]})
    assert Log("x").transform(frame).tolist()[0] == pytest.approx(1.0)
    assert Log("x").transform(frame)[1:].isna().all()
    assert LogPlusOne("x").transform(frame)[1] == 0.0
    assert LogPlusOne("x").transform(frame)[2:].isna().all()


def test_log_refuses_text_and_chains() -> None:
    with pytest.raises(EncodingError, match="needs numbers"):
        Log("x").transform(pd.DataFrame({"x": ["a"]}))
    chained = Log(NameAge("first_name"))
    assert chained.name == "log_name_age_first_name"
    assert chained.input_columns() == ["first_name"]
    assert chained.transform(pd.DataFrame({"first_name": ["Mary"]}))[0] == pytest.approx(
        np.log(61.4), abs=0.01
    )
