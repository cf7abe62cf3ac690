"""The smallest building block of a workflow: one class that does one thing.

A step takes every hyperparameter as a keyword argument of ``__init__`` (and only
stores them), does its work in ``execute(*upstream)``, and returns data for the steps
downstream. Persistence is right by construction: ``persist(path, data)`` and
``load(path)`` write and read the result through :mod:`lore.workflow.persistence`
(Parquet, ``.npy``, native estimator formats, pickle last), atomically. Override them
only for a format of your own.

Example usage:

>>> import pandas as pd
>>> class Double(Step):
...     '''Doubles a column.
...
...     Init parameters:
...         column: the column to double
...     Execution Args:
...         df: a DataFrame with that column
...     Execution Returns:
...         the DataFrame with the column doubled
...     Persist Strategy:
...         Parquet (the default)
...     '''
...     def __init__(self, column="value"):
...         self.column = column
...     def execute(self, df):
...         return df.assign(**{self.column: df[self.column] * 2})
>>> Double().execute(pd.DataFrame({"value": [1, 2]}))["value"].tolist()
[2, 4]
>>> Double.parameters()
['column']
"""

from __future__ import annotations

import inspect
import os
from typing import Any

from lore.workflow import persistence


class Step:
    """Base class of workflow steps; subclasses implement :meth:`execute`."""

    def execute(self, *upstream: Any) -> Any:
        """Run the step on the upstream data and return the result."""
        raise NotImplementedError(f"{type(self).__name__} must implement execute()")

    def persist(self, path: str | os.PathLike[str], data: Any) -> None:
        """Write ``data`` (this step's result) to the folder ``path``, atomically."""
        persistence.save(data, path, {"step": type(self).__qualname__})

    def load(self, path: str | os.PathLike[str]) -> Any:
        """Read a result written by :meth:`persist` back, after verifying it."""
        return persistence.load(path)

    def execute_persist(self, path: str | os.PathLike[str], *upstream: Any) -> Any:
        """Run the step, persist its result at ``path`` and return it."""
        result = self.execute(*upstream)
        self.persist(path, result)
        return result

    @classmethod
    def parameters(cls) -> list[str]:
        """The names of the keyword arguments ``__init__`` accepts."""
        signature = inspect.signature(cls.__init__)
        return [
            name
            for name, parameter in signature.parameters.items()
            if name != "self" and parameter.kind in (parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY)
        ]

    @classmethod
    def accepts_any_parameter(cls) -> bool:
        """Whether ``__init__`` takes ``**kwargs`` (then any key is accepted)."""
        signature = inspect.signature(cls.__init__)
        return any(p.kind is p.VAR_KEYWORD for p in signature.parameters.values())

    def get_params(self) -> dict[str, Any]:
        """The step's hyperparameters, as stored by ``__init__``."""
        return {name: getattr(self, name) for name in self.parameters() if hasattr(self, name)}

    def __repr__(self) -> str:
        params = ", ".join(f"{key}={value!r}" for key, value in self.get_params().items())
        return f"{type(self).__name__}({params})"
