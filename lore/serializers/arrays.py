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
from typing import Any, BinaryIO

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


def open_npy(path: Path, dtype: Any, shape: tuple[int, ...]) -> BinaryIO:
    """An open file with a ``.npy`` header for an array of ``dtype`` and ``shape``.

    The caller writes the array's bytes after it, in pieces (C order), and closes it:
    how ``LowMemory`` spills encoded chunks without holding the whole array.

    Parameters
    ----------
    path
        The file to create.
    dtype, shape
        Of the whole array that will be written.

    Returns
    -------
    BinaryIO
        The open file, positioned after the header.

    >>> import tempfile, pathlib, numpy
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "x.npy"
    >>> with open_npy(path, numpy.dtype("float32"), (2,)) as stream:
    ...     _ = stream.write(numpy.array([1, 2], dtype="float32").tobytes())
    >>> numpy.load(path).tolist()
    [1.0, 2.0]
    """
    import numpy as np

    stream = open(path, "wb")  # noqa: SIM115 - closed by the caller
    header = {"descr": np.lib.format.dtype_to_descr(dtype), "fortran_order": False, "shape": shape}
    np.lib.format.write_array_header_2_0(stream, header)
    return stream


def read(folder: Path, name: str, record: dict[str, Any]) -> Any:
    import numpy

    return numpy.load(folder / record["files"][0], allow_pickle=False)
