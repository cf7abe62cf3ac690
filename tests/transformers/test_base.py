from __future__ import annotations

import pandas as pd
import pytest

from lore.errors import EncodingError, MissingColumn
from lore.transformers import Length, Log
from lore.transformers.base import read, snake, source_columns


def test_read_names_the_column_the_reader_and_what_exists() -> None:
    frame = pd.DataFrame({"a": [1], "b": [2]})
    with pytest.raises(
        MissingColumn, match=r"'c' \(needed by length_c\) is not in the data; columns present: a, b"
    ):
        Length("c").transform(frame)
    with pytest.raises(EncodingError, match="needs a DataFrame"):
        read([1, 2], "a")


def test_names_and_sources() -> None:
    assert snake("NameAge") == "name_age"
    assert source_columns(Log(Length("w"))) == ["w"]
    assert repr(Log("x")) == "Log('x')"
