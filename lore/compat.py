"""The original Lore's (0.8) spellings, accepted for one major version with a warning.

Every old name lore still accepts is in one of the two tables below, with the name
that replaces it; ``docs/migrating.rst`` lists them with the one-line change to make.
Each use raises a :class:`DeprecationWarning` that names the replacement (Python shows
those by default in ``__main__``, pytest always; ``-W error::DeprecationWarning``
finds every one left).

- :data:`NAMES`: module attributes and classes that moved (``lore.env.NAME``,
  ``lore.pipelines.holdout.Base``...). A module with an old name calls
  :func:`module_getattr` for its ``__getattr__``.
- :data:`KEYWORDS`: keyword arguments that were renamed (or dropped) on a callable
  (``dataframe(sql=...)``, ``Keras(embed_size=...)``). The callable is decorated with
  :func:`old_keywords`, which rewrites them and leaves the signature as it is (so
  ``inspect.signature`` and scikit-learn's ``get_params`` see only the new names).

The tables name their targets as text and import them on use, so this module imports
nothing of lore's and any layer may use it.

>>> import warnings
>>> with warnings.catch_warnings(record=True) as caught:
...     warnings.simplefilter("always")
...     name = module_getattr("lore.env")("NAME")
>>> str(caught[0].message)
'lore.env.NAME is the original Lore spelling: use lore.env.current().name (see docs/migrating.rst)'
"""

from __future__ import annotations

import functools
import importlib
import inspect
import os
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def _environment(attribute: str) -> Callable[[], Any]:
    def read() -> Any:  # the original's were strings
        value = getattr(importlib.import_module("lore.env").current(), attribute)
        return os.fspath(value) if isinstance(value, os.PathLike) else value

    return read


def _import(target: str) -> Callable[[], Any]:
    module, _, name = target.partition(":")
    return lambda: getattr(importlib.import_module(module), name)


#: old dotted name -> (what it is now, how to write that)
NAMES: dict[str, tuple[Callable[[], Any], str]] = {
    "lore.env.NAME": (_environment("name"), "lore.env.current().name"),
    "lore.env.APP": (_environment("app"), "lore.env.current().app"),
    "lore.env.ROOT": (_environment("root"), "lore.env.current().root"),
    "lore.env.WORK_DIR": (_environment("base"), "lore.env.current().base"),
    "lore.env.DATA_DIR": (_environment("data_dir"), "lore.env.current().data_dir"),
    "lore.env.MODELS_DIR": (_environment("models_dir"), "lore.env.current().models_dir"),
    "lore.env.LOG_DIR": (_environment("logs_dir"), "lore.env.current().logs_dir"),
    "lore.pipelines.holdout.Base": (
        _import("lore.pipelines.holdout:TrainTestSplit"),
        "lore.pipelines.TrainTestSplit",
    ),
    "lore.pipelines.time_series.Base": (
        _import("lore.pipelines.timed:TimedTrainTestSplit"),
        "lore.pipelines.TimedTrainTestSplit (time_column= for sort_by=)",
    ),
    "lore.pipelines.iterative.Base": (
        _import("lore.pipelines.low_memory:LowMemory"),
        "lore.pipelines.LowMemory",
    ),
    "lore.models.keras.Base": (_import("lore.models.keras:Keras"), "lore.models.Keras"),
    "lore.models.xgboost.Base": (_import("lore.models.xgboost:XGBoost"), "lore.models.XGBoost"),
    "lore.models.sklearn.Base": (_import("lore.models.sklearn:SKLearn"), "lore.models.SKLearn"),
    "lore.models.naive.Base": (_import("lore.models.naive:Naive"), "lore.models.Naive"),
    "lore.tasks.base.Base": (_import("lore.cli.task:Task"), "lore.cli.task.Task (or a plain function)"),
    "lore.stores.disk.Disk": (_import("lore.io.disk_cache:DiskCache"), "lore.io.DiskCache"),
}
for _library, _class in (
    ("keras", "Keras"),
    ("xgboost", "XGBoost"),
    ("sklearn", "SKLearn"),
    ("naive", "Naive"),
):
    for _old in ("Base", "Regression", "BinaryClassifier", "MultiClassifier"):
        NAMES[f"lore.estimators.{_library}.{_old}"] = (
            _import(f"lore.estimators.{_library}:{_class}"),
            f"lore.estimators.{_class} (the task comes from the pipeline's output encoder)",
        )

#: "module.Class.method" (or "module.Class" for its constructor) -> {old keyword: new keyword,
#: or None when the argument no longer does anything, with the reason}
KEYWORDS: dict[str, dict[str, str | None]] = {
    **{
        f"lore.io.database.Connection.{method}": {
            "sql": "extract_or_sql",
            "extract": "extract_or_sql",
            "filename": "extract_or_sql",
        }
        for method in ("dataframe", "select", "execute")
    },
    "lore.pipelines.timed.TimedTrainTestSplit": {"sort_by": "time_column"},
    "lore.estimators.keras.Keras": {
        "embed_size": "embedding_size",
        "sequence_embed_size": "sequence_embedding_size",
    },
    "lore.encoders.continuous.Norm": {"dtype": None},
    "lore.transformers.geo.Distance": {
        "lat_a": "lat",
        "lon_a": "lon",
        "lat_b": "other_lat",
        "lon_b": "other_lon",
    },
}
#: Why an argument that no longer does anything was dropped (shown in its warning).
DROPPED = {
    "lore.encoders.continuous.Norm.dtype": "encoders output float32 (cast the encoded frame for more)",
}


def warn(old: str, new: str, stacklevel: int = 3) -> None:
    """A :class:`DeprecationWarning`: ``old`` is the original Lore's spelling of ``new``."""
    warnings.warn(
        f"{old} is the original Lore spelling: use {new} (see docs/migrating.rst)",
        DeprecationWarning,
        stacklevel=stacklevel,
    )


def module_getattr(module: str) -> Callable[[str], Any]:
    """A module ``__getattr__`` that serves the old names of ``module`` from :data:`NAMES`."""

    def __getattr__(name: str) -> Any:
        found = NAMES.get(f"{module}.{name}")
        if found is None:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        value, replacement = found
        warn(f"{module}.{name}", replacement)
        return value()

    return __getattr__


def old_keywords(function: F) -> F:
    """Accept the old keywords :data:`KEYWORDS` lists for ``function`` (a method or a class).

    A class is decorated by wrapping its ``__init__``. Giving both an old keyword and
    its replacement is a :class:`TypeError`, as for any argument given twice.
    """
    where = f"{function.__module__}.{function.__qualname__}"
    if inspect.isclass(function):
        function.__init__ = _renaming(function.__init__, where, function.__name__)
        return function
    return _renaming(function, where, function.__qualname__)  # type: ignore[return-value]


def _renaming(function: F, where: str, label: str) -> F:
    renames = KEYWORDS[where]

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        for old in [name for name in kwargs if name in renames]:
            new = renames[old]
            value = kwargs.pop(old)
            if new is None:
                reason = DROPPED[f"{where}.{old}"]
                warn(f"{label}({old}=)", f"nothing: it is ignored, {reason}")
                continue
            if new in kwargs:
                raise TypeError(
                    f"{label}() got {old}= and {new}=; {old} is the old name of {new}: keep {new}"
                )
            warn(f"{label}({old}=)", f"{new}=")
            kwargs[new] = value
        return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


#: The original Lore's labels of the long tail and of missing values in ``reverse_transform``.
LONG_TAIL = "LONG_TAIL"
MISSING_VALUE = "MISSING_VALUE"


def original_labels(decoded: Any) -> Any:
    """``reverse_transform`` output with the original Lore's labels.

    lore decodes the long tail as :data:`lore.encoders.OTHER` and missing values as
    ``None`` (both encode back to the same codes); code that compared with the
    original's ``"LONG_TAIL"`` and ``"MISSING_VALUE"`` gets them from this.

    >>> original_labels(["oslo", "__other__", None]).tolist()
    ['oslo', 'LONG_TAIL', 'MISSING_VALUE']
    """
    import numpy as np
    import pandas as pd

    other = importlib.import_module("lore.encoders.categorical").OTHER
    values = np.asarray(decoded, dtype=object)
    result = values.copy()
    result[values == other] = LONG_TAIL
    result[pd.isna(values)] = MISSING_VALUE
    return result
