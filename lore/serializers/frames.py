"""pandas DataFrames and Series as Parquet, which keeps dtypes, datetimes and NaN.

A frame Parquet cannot hold (non-string column names, object columns of mixed
types) goes to the pickle fallback instead.

>>> import tempfile, pathlib, pandas
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> files, details = write(pandas.Series([1.5, 2.5], name="price"), folder, "prices")
>>> read(folder, "prices", {"files": files, **details}).name
'price'
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lore.serializers.registry import Unsupported

NAME = "frames"
LIBRARIES = ("pandas", "pyarrow")
_COLUMN = "__series__"


def claims(obj: Any) -> bool:
    return type(obj).__module__.startswith("pandas") and type(obj).__name__ in ("DataFrame", "Series")


def write(obj: Any, folder: Path, name: str) -> tuple[list[str], dict[str, Any]]:
    details: dict[str, Any] = {}
    frame = obj
    if type(obj).__name__ == "Series":
        if not (obj.name is None or isinstance(obj.name, str)):
            raise Unsupported(f"series name {obj.name!r} is not a string")
        details["series_name"] = obj.name
        frame = obj.to_frame(name=_COLUMN)
    file = f"{name}.parquet"
    path = folder / file
    try:
        frame.to_parquet(path, engine="pyarrow")
    except (ValueError, TypeError, NotImplementedError) as error:
        path.unlink(missing_ok=True)
        raise Unsupported(str(error)) from None
    return [file], details


def read(folder: Path, name: str, record: dict[str, Any]) -> Any:
    import pandas

    frame = pandas.read_parquet(folder / record["files"][0], engine="pyarrow")
    if "series_name" in record:
        return frame[_COLUMN].rename(record["series_name"])
    return frame
