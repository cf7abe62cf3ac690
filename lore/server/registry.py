"""The models a server holds: found in the app, loaded from the store, swapped on reload.

:func:`discover` imports ``<app>.models`` (a module or a package, every submodule
included) and returns the subclasses of :class:`lore.models.Base` defined there.
Each becomes a :class:`ServedModel`, named in URLs by its class path under
``<app>.models`` (``product_popularity.Keras`` for
``my_app.models.product_popularity.Keras``); the full ``Model.name()`` works too.

:meth:`ServedModel.load` picks the fitting: the alias or number in
``LORE_API_ALIAS`` when set, else ``production`` when that alias exists, else the
latest fitting. When S3 is configured it is asked first (a fitting already on
disk is not downloaded again), since an alias is promoted there; otherwise, or when
S3 lacks it, the local store answers. :meth:`ServedModel.reload` loads the fitting the alias points at
now and swaps it in with one assignment: requests already running finish on the
model they started with, later ones get the new one, none is dropped.

>>> served = ServedModel(dict)
>>> served.name, served.ready
('builtins.dict', False)
"""

from __future__ import annotations

import importlib
import inspect
import logging
import pkgutil
import threading
from dataclasses import dataclass
from typing import Any

from lore.errors import FittingNotFound, LoreError, ModelError, NotInProject, RemoteStorageError

logger = logging.getLogger(__name__)

PRODUCTION = "production"


def discover(app: str) -> list[type]:
    """The model classes defined in ``<app>.models`` and its submodules, by name."""
    from lore.models.base import Base

    try:
        package = importlib.import_module(f"{app}.models")
    except ModuleNotFoundError as error:
        if error.name not in (app, f"{app}.models"):
            raise
        raise NotInProject(
            f"no module {app}.models to serve: put model classes in {app}/models/ "
            "(lore generate model NAME creates one), or set LORE_APP"
        ) from None
    modules = [package]
    if hasattr(package, "__path__"):
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}."):
            modules.append(importlib.import_module(info.name))
    found = {
        cls.name(): cls
        for module in modules
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, Base) and cls.__module__ == module.__name__
    }
    return [found[name] for name in sorted(found)]


@dataclass
class Loaded:
    """One loaded fitting: the model object, its number and what it expects."""

    model: Any
    fitting: int | None
    schema: dict[str, str]
    is_classifier: bool
    classes: list[Any] | None


class ServedModel:
    """One model class the server answers for, and the fitting it serves now."""

    def __init__(self, cls: type, app: str | None = None, alias: str | None = None) -> None:
        self.cls = cls
        self.name = f"{cls.__module__}.{cls.__qualname__}"
        prefix = f"{app}.models."
        self.short_name = self.name[len(prefix) :] if app and self.name.startswith(prefix) else self.name
        self.alias = alias
        self.current: Loaded | None = None
        self.error: str | None = None
        self._reloading = threading.Lock()

    def __repr__(self) -> str:
        fitting = self.current.fitting if self.current else None
        return f"<ServedModel {self.short_name} fitting={fitting}>"

    @property
    def ready(self) -> bool:
        return self.current is not None

    def candidates(self) -> list[int | str | None]:
        """The fittings to try, in order: the configured alias, else production, else latest."""
        if self.alias is not None:
            return [self.alias]
        return [PRODUCTION, None]

    def fetch(self) -> Any:
        """Load the fitting to serve, from the local store or else S3."""
        from lore.stores import model_store

        store = model_store()
        failures: list[str] = []
        for wanted in self.candidates():
            if store.remote is not None:  # S3 is the truth about aliases when configured
                try:
                    return self.cls.download(wanted)
                except (FittingNotFound, RemoteStorageError) as error:
                    failures.append(str(error))
            try:
                return self.cls.load(wanted)
            except FittingNotFound as error:
                failures.append(str(error))
        raise FittingNotFound(f"cannot serve {self.name}: " + "; ".join(dict.fromkeys(failures)))

    def load(self) -> Loaded:
        """Load the fitting to serve and swap it in; an error leaves the old one serving."""
        with self._reloading:
            try:
                model = self.fetch()
                loaded = describe(model)
            except LoreError as error:
                self.error = str(error)
                raise
            self.current, self.error = loaded, None  # one assignment: the atomic swap
        logger.info("serving %s fitting %s", self.name, loaded.fitting)
        return loaded


def describe(model: Any) -> Loaded:
    """What the server needs to know about a loaded model, checked up front."""
    if not all(callable(getattr(model, method, None)) for method in ("input_schema", "predict_all")):
        raise ModelError(f"{model!r} has no input_schema() and predict_all(): it cannot be served")
    classes = model.classes_
    return Loaded(
        model,
        getattr(model, "fitting", None),
        model.input_schema(),
        model.is_classifier,
        None if classes is None else to_list(classes),
    )


def to_list(values: Any) -> list[Any]:
    """A numpy array or pandas object as plain Python values (orjson writes NaN as null)."""
    import numpy

    array = numpy.asarray(values)
    if array.dtype.kind == "M":
        return numpy.datetime_as_string(array, unit="ms").tolist()
    return array.tolist()
