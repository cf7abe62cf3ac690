"""Transformers: vectorized, chainable functions of raw columns (no fitting).

Each takes a column name or another transformer and returns a
:class:`pandas.Series` from ``transform(frame)``; encoders accept them wherever they
accept a column name: ``Norm(Log(NameAge("first_name")))``.

>>> import pandas as pd
>>> from lore.transformers import Log, Length
>>> Log(Length("word")).transform(pd.DataFrame({"word": ["e"]})).tolist()
[0.0]
"""

from __future__ import annotations

from lore.transformers.base import Binary, Transformer
from lore.transformers.dates import Age, DateTime
from lore.transformers.geo import Distance, GeoIP
from lore.transformers.names import NameAge, NameFamilial, NamePopulation, NameSex
from lore.transformers.numeric import Log, LogPlusOne
from lore.transformers.phone import AreaCode
from lore.transformers.text import EmailDomain, Extract, IsNull, Length, Map, String

__all__ = [
    "Age",
    "AreaCode",
    "Binary",
    "DateTime",
    "Distance",
    "EmailDomain",
    "Extract",
    "GeoIP",
    "IsNull",
    "Length",
    "Log",
    "LogPlusOne",
    "Map",
    "NameAge",
    "NameFamilial",
    "NamePopulation",
    "NameSex",
    "String",
    "Transformer",
]
