"""Phone numbers: the area code and where it is.

>>> import pandas as pd
>>> from lore.transformers import AreaCode
>>> frame = pd.DataFrame({"phone": ["(201) 555-0123", "+1 415 555 0000", "12", None]})
>>> AreaCode("phone").transform(frame).tolist()
['201', '415', '', nan]
>>> AreaCode("phone", region=True).transform(frame).tolist()
['New Jersey', 'California', '', nan]
"""

from __future__ import annotations

from typing import Any

from lore.errors import MissingDependency
from lore.transformers.base import Source, Transformer
from lore.transformers.text import text

_REGIONS: dict[str, str] = {}


def area_regions() -> dict[str, str]:
    """North American area code -> state or province (``"201"`` -> ``"New Jersey"``)."""
    if not _REGIONS:
        try:
            from phonenumbers.geodata import GEOCODE_DATA
        except ModuleNotFoundError as error:
            raise MissingDependency("phonenumbers", "names", "AreaCode(region=True)") from error
        _REGIONS.update(
            {
                prefix[1:]: places["en"]
                for prefix, places in GEOCODE_DATA.items()
                if len(prefix) == 4 and prefix.startswith("1") and "en" in places
            }
        )
    return _REGIONS


class AreaCode(Transformer):
    """The three-digit North American area code of a free-text phone number.

    Accepts ``(201) 555-0123``, ``201.555.0123``, ``+1 201 555 0123``, ``12015550123``;
    text without 10 digits (11 starting with 1), and a value that is not text (an
    integer is not a phone number's digits: its leading zeros and formatting are
    gone), give ``""``, as in the original Lore, so an encoder tells a bad number
    from a missing one (NaN). With ``region=True``
    the result is where the area code is (``"New Jersey"``, or a city: ``"New York, NY"``), from the
    ``phonenumbers`` package's geocoding data.
    """

    def __init__(self, column: Source, region: bool = False) -> None:
        self.column = column
        self.region = region

    def apply(self, series: Any) -> Any:
        if series.dtype.kind in "fiub":
            strings = text(series).where(series.isna())  # numbers are not text: all missing
        elif series.dtype == object:  # .str.len() is NaN for the values that are not strings
            strings = text(series.where(series.str.len().notna()))
        else:
            strings = text(series)
        digits = strings.str.replace(r"\D", "", regex=True)
        digits = digits.where(~((digits.str.len() == 11) & digits.str.startswith("1")), digits.str[1:])
        codes = digits.str[:3].where(digits.str.len() == 10)
        if self.region:
            codes = codes.map(area_regions())
        return codes.fillna("").where(series.notna())
