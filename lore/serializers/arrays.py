"""numpy arrays as ``.npy`` files, read with ``allow_pickle=False``.

Arrays of Python objects cannot be stored without pickle, so they go to the pickle
fallback instead.

>>> import tempfile, pathlib, numpy
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> files, _ = write(numpy.arange(3), folder, "codes")
>>> read(folder, "codes", {"files": files}).tolist()
[0, 1, 2]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lore.serializers.registry import Unsupported

NAME = "arrays"
LIBRARIES = ("numpy",)


def claims(obj: Any) -> bool:
    return type(obj).__module__ == "numpy" and type(obj).__name__ == "ndarray"


def write(obj: Any, folder: Path, name: str) -> tuple[list[str], dict[str, Any]]:
    import numpy

    if obj.dtype.hasobject:
        raise Unsupported(f"dtype {obj.dtype} holds Python objects")
    file = f"{name}.npy"
    numpy.save(folder / file, obj, allow_pickle=False)
    return [file], {}


def read(folder: Path, name: str, record: dict[str, Any]) -> Any:
    import numpy

    return numpy.load(folder / record["files"][0], allow_pickle=False)
