"""Arithmetic transformers: logarithms.

Values that have no logarithm (zero or negative for ``Log``, below -1 for
``LogPlusOne``) become NaN, which encoders treat as missing, rather than ``-inf``.

>>> import pandas as pd
>>> from lore.transformers import Log, LogPlusOne
>>> frame = pd.DataFrame({"x": [1.0, 0.0, -2.0]})
>>> Log("x").transform(frame).tolist()
[0.0, nan, nan]
>>> LogPlusOne("x").transform(frame).tolist()
[0.6931471805599453, 0.0, nan]
"""

from __future__ import annotations

from typing import Any

from lore.errors import EncodingError
from lore.transformers.base import Transformer


def numbers(series: Any, reader: str) -> Any:
    """``series`` as float64; text that is not numeric raises :class:`~lore.errors.EncodingError`."""
    import pandas as pd

    kind = series.dtype.kind
    if kind in "fiub":
        return series.astype("float64")
    if kind == "M" or isinstance(series.dtype, pd.DatetimeTZDtype):
        raise EncodingError(f"{reader} needs numbers but {series.name!r} holds dates; use DateTime or Age")
    try:
        return pd.to_numeric(series, errors="raise").astype("float64")
    except (TypeError, ValueError) as error:
        raise EncodingError(
            f"{reader} needs numbers but {series.name!r} holds {series.dtype} values ({error})"
        ) from None


class Log(Transformer):
    """Natural logarithm; values <= 0 become NaN."""

    def apply(self, series: Any) -> Any:
        import numpy as np

        values = numbers(series, self.name)
        return np.log(values.where(values > 0))


class LogPlusOne(Transformer):
    """``log(1 + x)``; values < -1 become NaN."""

    def apply(self, series: Any) -> Any:
        import numpy as np

        values = numbers(series, self.name)
        return np.log1p(values.where(values > -1))
