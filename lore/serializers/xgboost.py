"""XGBoost boosters and scikit-learn wrappers in XGBoost's own UBJSON format.

The file holds trees and parameters, never code. A wrapper such as
``XGBClassifier`` is rebuilt from its class name, which must be one of XGBoost's.

>>> claims([1, 2])
False
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lore.errors import CorruptArtifact
from lore.serializers.registry import Unsupported, from_library
from lore.util import optional

NAME = "xgboost"
LIBRARIES = ("xgboost", "xgboost-cpu")


def claims(obj: Any) -> bool:
    return from_library(obj, "xgboost")


def write(obj: Any, folder: Path, name: str) -> tuple[list[str], dict[str, Any]]:
    xgboost = optional("xgboost", "xgboost", "saving XGBoost models")

    if getattr(xgboost, type(obj).__name__, None) is not type(obj):
        raise Unsupported(f"{type(obj).__qualname__} is not one of XGBoost's own classes")
    file = f"{name}.ubj"
    obj.save_model(folder / file)
    return [file], {"class": type(obj).__name__}


def read(folder: Path, name: str, record: dict[str, Any]) -> Any:
    xgboost = optional("xgboost", "xgboost", f"loading {name}")

    path = folder / record["files"][0]
    klass = getattr(xgboost, str(record.get("class")), None)
    if klass is xgboost.Booster:
        return xgboost.Booster(model_file=path)
    if not (isinstance(klass, type) and issubclass(klass, xgboost.XGBModel)):
        raise CorruptArtifact(f"{path}: {record.get('class')!r} is not an XGBoost model class")
    model = klass()
    model.load_model(path)
    return model
