"""The fallback: pickle, for objects with no native format (fitted pipelines, encoders).

Pickle runs code while it reads, so a pickle from an untrusted source can do
anything. The model store therefore checks every file's SHA-256 against the
fitting's manifest before this module reads it.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write((1, "a"), folder, "pair")
(['pair.pkl'], {})
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

NAME = "pickled"
LIBRARIES: tuple[str, ...] = ()


def claims(obj: Any) -> bool:
    return True


def write(obj: Any, folder: Path, name: str) -> tuple[list[str], dict[str, Any]]:
    file = f"{name}.pkl"
    with open(folder / file, "wb") as stream:
        pickle.dump(obj, stream, protocol=pickle.HIGHEST_PROTOCOL)
    return [file], {}


def read(folder: Path, name: str, record: dict[str, Any]) -> Any:
    from lore.stores.manifest import open_file

    with open(open_file(folder / record["files"][0]), "rb") as stream:  # a symbolic link is refused
        return pickle.load(stream)
