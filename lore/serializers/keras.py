"""Keras models in the ``.keras`` zip format, loaded with ``safe_mode=True``.

Safe mode refuses Lambda layers' serialized bytecode, so loading never runs code
from the file. Custom layers must be registered with
``keras.saving.register_keras_serializable``.

>>> claims([1, 2])
False
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lore.serializers.registry import from_library
from lore.util import optional, quiet_tensorflow

NAME = "keras"
LIBRARIES = ("keras", "tensorflow", "tensorflow-cpu")


def claims(obj: Any) -> bool:
    return from_library(obj, "keras", "tf_keras") and hasattr(obj, "save") and hasattr(obj, "layers")


def write(obj: Any, folder: Path, name: str) -> tuple[list[str], dict[str, Any]]:
    file = f"{name}.keras"
    obj.save(folder / file)
    return [file], {}


def read(folder: Path, name: str, record: dict[str, Any]) -> Any:
    with quiet_tensorflow():
        keras = optional("keras", "keras", f"loading {name}")
    return keras.saving.load_model(folder / record["files"][0], safe_mode=True)
