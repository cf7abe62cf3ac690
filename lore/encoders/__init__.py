"""Encoders: one feature of the raw data into numbers a model can learn from.

Each takes a column name or a :mod:`lore.transformers` transformer, learns on
``fit(frame)`` and encodes with ``transform(frame)``; see :mod:`lore.encoders.base`
for the contract and the streaming fit.

>>> import pandas as pd
>>> from lore.encoders import Norm
>>> from lore.transformers import Log
>>> frame = pd.DataFrame({"income": [10.0, 100.0, 1000.0]})
>>> Norm(Log("income")).fit(frame).transform(frame).astype(float).round(2).tolist()
[-1.22, 0.0, 1.22]
"""

from __future__ import annotations

from lore.encoders.base import CATEGORICAL, CONTINUOUS, SEQUENCE, Encoder
from lore.encoders.binned import Discrete, Enum, Quantile
from lore.encoders.categorical import OTHER, Boolean, Equals, OneHot, Unique
from lore.encoders.continuous import Continuous, Norm, Pass, Uniform
from lore.encoders.sequence import MiddleOut, NestedNorm, NestedUnique, Token
from lore.encoders.twin import Twin
from lore.util import lazy_exports

__all__ = [
    "CATEGORICAL",
    "CONTINUOUS",
    "OTHER",
    "SEQUENCE",
    "Boolean",
    "Continuous",
    "Discrete",
    "Encoder",
    "Enum",
    "Equals",
    "MiddleOut",
    "NestedNorm",
    "NestedUnique",
    "Norm",
    "OneHot",
    "Pass",
    "Quantile",
    "SKLearn",
    "Token",
    "Twin",
    "Uniform",
    "Unique",
]

#: the scikit-learn adapter imports scikit-learn, so only when it is used
__getattr__, __dir__ = lazy_exports(__name__, {"SKLearn": "lore.encoders.sklearn"})
