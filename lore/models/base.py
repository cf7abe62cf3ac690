"""A model: a pipeline that encodes the data and an estimator that learns from it.

:class:`Base` holds the two and does everything around learning: ``fit(**params)``
fits the estimator on the pipeline's training data, validates it on the validation
set, measures it on train, validation and test, and saves the whole fitting
(pipeline, estimator, parameters, metrics, timings, data signature, code version and
package versions) into the model store, then records it in the metadata database.
``predict`` takes raw rows, which the pipeline encodes, or an already-encoded ``x``
(its columns are exactly the pipeline's feature names), and returns decoded
predictions. ``Model.load()`` brings back the latest fitting, a number or an alias.

Subclass it (or :class:`~lore.models.SKLearn`, :class:`~lore.models.XGBoost`,
:class:`~lore.models.Keras`) and give ``__init__`` your pipeline and estimator::

    class BoostedName(lore.models.Base):
        def __init__(self):
            super().__init__(pipeline=Subscribers(), estimator=lore.estimators.XGBoost())

>>> Base.name()
'lore.models.base.Base'
>>> Base().predict([])
Traceback (most recent call last):
...
lore.errors.NotFittedError: lore.models.base.Base is not fitted: call fit(), or Base.load() a fitting
"""

from __future__ import annotations

import copy
import datetime
import json
import logging
import math
from concurrent.futures import Future
from pathlib import Path
from typing import Any, ClassVar

import lore.estimators
from lore.errors import ModelError, NotFittedError, QueryError, StoreError
from lore.estimators.base import REGRESSION, Estimator
from lore.estimators.progress import Progress
from lore.models import metadata as history_db
from lore.models import metrics as measures
from lore.models import provenance
from lore.pipelines.contract import Pipeline
from lore.pipelines.holdout import feature_names
from lore.stores import signing
from lore.stores.layout import read_record
from lore.util import package_versions, timer, to_json, with_hooks

logger = logging.getLogger(__name__)

PIPELINE = "pipeline"
ESTIMATOR = "estimator"


def check_finite_loss(name: str, metrics: dict[str, Any]) -> None:
    """Raise :class:`ModelError` when a split's loss is NaN or infinite: such a fit is not kept.

    >>> check_finite_loss("m.Model", {"validation": {"loss": float("nan")}})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    lore.errors.ModelError: m.Model: the validation loss is nan, so the fit diverged and nothing ...
    """
    for split, values in metrics.items():
        loss = values.get("loss") if isinstance(values, dict) else None
        if isinstance(loss, (int, float)) and not math.isfinite(loss):
            raise ModelError(
                f"{name}: the {split} loss is {loss}, so the fit diverged and nothing was saved; lower the "
                "learning rate or check the data for infinite values"
            )


class Base:
    """A pipeline plus an estimator; see the module documentation.

    Parameters
    ----------
    pipeline
        A :class:`lore.pipelines.TrainTestSplit` (or any object with its contract).
    estimator
        A :class:`lore.estimators.Estimator`.
    """

    #: The splits ``fit`` measures; drop ``"train"`` in a subclass to skip predicting the
    #: whole training set after a fit on very large data. Search minimizes validation loss.
    metric_splits: ClassVar[tuple[str, ...]] = ("train", "validation", "test")
    #: Whether ``fit`` may write the fitting's report; ``False`` turns it off for the class
    #: (search trials skip it; the best gets one). On top of it, ``LORE_REPORTS`` and
    #: ``fit(report=...)`` decide, see :func:`lore.models.report.reports_enabled`.
    reports: ClassVar[bool] = True

    def __init__(self, pipeline: Pipeline | None = None, estimator: Estimator | None = None) -> None:
        self.pipeline = pipeline
        self.estimator = estimator
        self.fitting: int | None = None
        self.params: dict[str, Any] = {}
        self.metrics: dict[str, Any] = {}
        self.timings: dict[str, float] = {}
        self.history: dict[str, Any] = {}
        #: What production is compared against (:class:`lore.monitoring.Reference`), saved
        #: in the fitting as ``reference.json``; ``None`` for a pipeline without raw splits.
        self.reference: Any = None

    @classmethod
    def name(cls) -> str:
        """``"<module>.<Class>"``: the folder of this model's fittings in models/."""
        return f"{cls.__module__}.{cls.__qualname__}"

    def __repr__(self) -> str:
        fitted = f"fitting {self.fitting}" if self.fitting is not None else "not saved"
        return f"<{self.name()} {type(self.estimator).__name__} ({fitted})>"

    # -- fitting --------------------------------------------------------------------------

    def _require_parts(self) -> tuple[Any, Estimator]:
        if self.pipeline is None or self.estimator is None:
            raise ModelError(
                f"{self.name()} needs a pipeline and an estimator: "
                "super().__init__(pipeline=MyPipeline(), estimator=lore.estimators.XGBoost())"
            )
        return self.pipeline, self.estimator

    # -- hooks: override to run code around fit and predict (the original Lore's callbacks) --

    def before_fit(self, **params: Any) -> None:
        """Called before :meth:`fit` with its arguments."""

    def after_fit(self, **params: Any) -> None:
        """Called after :meth:`fit` (the fitting is saved) with its arguments."""

    def before_predict(self, frame: Any) -> None:
        """Called before :meth:`predict` with the rows."""

    def after_predict(self, frame: Any) -> None:
        """Called after :meth:`predict` with the rows."""

    def before_predict_proba(self, frame: Any) -> None:
        """Called before :meth:`predict_proba` with the rows."""

    def after_predict_proba(self, frame: Any) -> None:
        """Called after :meth:`predict_proba` with the rows."""

    @with_hooks
    def fit(self, report: bool | None = None, **params: Any) -> dict[str, Any]:
        """Fit on the training data, validate, measure, save a fitting; return the metrics.

        ``params`` are the estimator's (``epochs=20``, ``max_depth=4``...); one it does
        not know is an :class:`~lore.errors.UnknownParameter`. The metrics are
        ``{"train": {...}, "validation": {...}, "test": {...}}``. ``report`` says whether
        to write the fitting's report (plots, model card; seconds on a small fit):
        ``None`` follows the ``LORE_REPORTS`` setting (on by default) and the class's
        ``reports`` attribute; ``lore fit --no-report`` passes ``False``.
        """
        from lore.models.report import reports_enabled

        write_report = reports_enabled() and self.reports if report is None else report
        pipeline, estimator = self._require_parts()
        estimator.check_parameters({**estimator.params, **params})
        signing.signing_key()  # a malformed LORE_SIGNING_KEY fails before any data is read
        code_version = provenance.code_version_soon()  # git runs while the data is read and trained on
        timings: dict[str, float] = {}
        with timer(f"{self.name()}.data", log=False) as elapsed:
            progress = Progress("reading and encoding the data")
            try:
                training, validation = pipeline.training_data, pipeline.validation_data
            except BaseException:
                progress.finish(failed=True)
                raise
            progress.finish()
        timings["data"] = elapsed.seconds
        estimator.configure(pipeline)
        store = _model_store()
        with store.new_fitting(self.name()) as fitting:
            with timer(f"{self.name()}.fit") as elapsed:
                self.history = estimator.fit(
                    training.x, training.y, validation.x, validation.y, folder=fitting.path, **params
                )
            timings["fit"] = elapsed.seconds
            with timer(f"{self.name()}.evaluate", log=False) as elapsed:
                test = pipeline.test_data
                splits = {"train": training, "validation": validation, "test": test}
                measured = {name: splits[name] for name in splits if name in self.metric_splits}
                custom = type(self).evaluate is not Base.evaluate  # a subclass measures its own way
                # one output per split, shared by the metrics and the reference (the test's, always)
                wanted = {"test": test} if custom else {**measured, "test": test}
                outputs = estimator.outputs({name: data.x for name, data in wanted.items() if len(data)})
                self.metrics = {
                    name: self.evaluate(data.x, data.y)
                    if custom
                    else measures.evaluate(estimator.task_, data.y, outputs[name])
                    if len(data)
                    else {}
                    for name, data in measured.items()
                }
                test_output = outputs.get("test")
            timings["evaluate"] = elapsed.seconds
            check_finite_loss(self.name(), self.metrics)  # raising here keeps nothing
            with timer(f"{self.name()}.reference", log=False) as elapsed:
                self.reference = self._reference(test.y, test_output)
            timings["reference"] = elapsed.seconds
            self.params = estimator.get_params()
            self.timings = timings
            self._write(fitting, code_version)
        self._committed(fitting)
        logger.info("%s fitting %s: %s", self.name(), self.fitting, to_json(self.metrics.get("validation")))
        if write_report:
            self.write_report(outputs)
        return self.metrics

    def _reference(self, labels: Any, output: Any) -> Any:
        """The reference of this fitting: raw training inputs, test predictions, scores and labels."""
        loaded = getattr(self.pipeline, "loaded_splits", None)
        training = loaded().get("training") if callable(loaded) else None
        if training is None:
            return None  # a pipeline that keeps no raw rows (LowMemory, Dask) saves none
        from lore.monitoring.reference import build

        inputs = training[list(self.pipeline.input_schema())]
        if output is None:
            return build(inputs, [])
        if self.estimator.task_ == REGRESSION:
            return build(inputs, self.pipeline.decode(output))
        predictions = self.pipeline.decode(output.argmax(axis=1))
        return build(inputs, predictions, probabilities=output, labels=labels)

    def save(self) -> int:
        """Save the fitted model as a new fitting (``fit`` already does); return its number."""
        self.check_fitted()
        with _model_store().new_fitting(self.name()) as fitting:
            self._write(fitting)
        self._committed(fitting)
        self.write_report()
        return fitting.number

    def _write(self, fitting: Any, code_version: Future[str | None] | None = None) -> None:
        """Write pipeline, estimator and record into the fitting's (temporary) folder.

        ``code_version`` is the project's :func:`~lore.models.provenance.code_version_soon`
        when the caller started it; else it is read now.
        """
        from lore import serializers

        with timer(f"{self.name()}.save", log=False) as elapsed:
            serializers.save(self.pipeline, fitting.path, PIPELINE)
            self.estimator.save(fitting.path / ESTIMATOR)
            if self.reference is not None:
                self.reference.save(fitting.path)
        self.timings["save"] = elapsed.seconds
        signature = getattr(self.pipeline, "data_signature", None)
        self.record_ = {
            "model": self.name(),
            "estimator": type(self.estimator).__name__,
            "params": self.params or self.estimator.get_params(),
            "metrics": self.metrics,
            "timings": self.timings,
            "history": self.history,
            "data_signature": signature() if callable(signature) else signature,
            "code_version": provenance.code_version() if code_version is None else code_version.result(),
            "packages": package_versions(provenance.PACKAGES),
            "created_at": datetime.datetime.now(datetime.timezone.utc).isoformat(),
        }
        fitting.metadata = json.loads(to_json(self.record_))  # the store writes it as model.json

    def _committed(self, fitting: Any) -> None:
        """After the store numbered the fitting: remember it, and add its row to the SQL history if on."""
        self.fitting = fitting.number
        self.fitting_path_ = Path(fitting.path)
        if not history_db.enabled():
            return
        try:
            history_db.record(self.name(), fitting.number, self.record_)
        except (QueryError, StoreError, lore.errors.ConnectionFailed) as error:
            # the fitting and its record are saved; metadata.sync() adds the row later
            logger.warning(
                "%s fitting %s is saved but not in the metadata database (lore.models.metadata.sync() "
                "adds it later): %s",
                self.name(),
                fitting.number,
                error,
            )

    # -- reporting ------------------------------------------------------------------------

    def write_report(self, outputs: dict[str, Any] | None = None) -> Path | None:
        """Write the saved fitting's ``report/`` folder (report.html, plots, model card).

        ``fit`` calls it once the fitting is safe in the store, with the outputs it
        measured the splits with (split name -> output, see
        :meth:`lore.estimators.Estimator.outputs`), so the report predicts no split
        again; a split missing from ``outputs`` is predicted. A report that cannot be
        made is logged, never raised, so it cannot cost the fitting. Returns the page's
        path, or ``None`` when there is none (no matplotlib: ``pip install "lore-ml[report]"``).
        """
        from lore.models import report

        folder = getattr(self, "fitting_path_", None)
        if folder is None:
            return None
        try:
            with timer(f"{self.name()}.report", log=False) as elapsed:
                page = report.write(self, folder, outputs)
        except Exception as error:  # derived output: the fitting itself is already saved
            logger.warning(
                "%s fitting %s is saved, but its report failed: %s", self.name(), self.fitting, error
            )
            logger.debug("report failure", exc_info=True)
            return None
        if page is None:
            logger.info(
                '%s fitting %s: for its report, pip install "lore-ml[report]"', self.name(), self.fitting
            )
        else:
            logger.info("%s fitting %s report: %s (%.1fs)", self.name(), self.fitting, page, elapsed.seconds)
        return page

    def report(self) -> Any:
        """This fitting's report, shown inline in a notebook.

        The report saved with the fitting when there is one; otherwise one built now
        (with plots when the model's data is in memory). See :mod:`lore.models.report`.
        """
        from lore.models import report

        return report.report_of(self)

    def model_card(self) -> str:
        """A Markdown model card from the fitting's record; the class docstring describes the model."""
        from lore.models import report

        return report.card(self)

    # -- loading --------------------------------------------------------------------------

    @classmethod
    def load(cls, fitting: int | str | None = None) -> Base:
        """The model of a saved fitting: the latest (``None``), a number, or an alias.

        The store verifies every file against the fitting's manifest before anything
        is read. :class:`~lore.errors.FittingNotFound` lists the fittings that exist.
        """
        from lore import serializers
        from lore.monitoring.reference import Reference

        path = _model_store().resolve(cls.name(), fitting)
        record = read_record(path)
        model = cls.__new__(cls)
        Base.__init__(model, serializers.load(path, PIPELINE), Estimator.load(path / ESTIMATOR))
        model.fitting = int(path.name)
        model.fitting_path_ = path
        model.params = record.get("params", {})
        model.metrics = record.get("metrics", {})
        model.timings = record.get("timings", {})
        model.history = record.get("history", {})
        model.record_ = record
        model.reference = Reference.load(path)
        return model

    def upload(self) -> int:
        """Upload this model's fitting to the remote store (S3); return its number."""
        if self.fitting is None:
            raise ModelError(f"{self.name()} has no saved fitting to upload: fit() or save() it first")
        return _model_store().upload(self.name(), self.fitting)

    @classmethod
    def download(cls, fitting: int | str | None = None) -> Base:
        """Fetch a fitting from the remote store (S3), then :meth:`load` it."""
        folder = _model_store().download(cls.name(), fitting)
        return cls.load(int(Path(folder).name))

    # -- using ----------------------------------------------------------------------------

    @property
    def is_fitted(self) -> bool:
        return self.estimator is not None and self.estimator.is_fitted

    def check_fitted(self) -> None:
        if not self.is_fitted:
            raise NotFittedError(
                f"{self.name()} is not fitted: call fit(), or {type(self).__name__}.load() a fitting"
            )

    def encode(self, rows: Any) -> Any:
        """``rows`` as the estimator's ``x``: encoded by the pipeline unless it already is.

        ``rows`` is a DataFrame of raw columns, a mapping of column -> values, one
        record ``{column: value}``, or an already-encoded ``x`` (its columns are exactly
        the pipeline's feature names). Raw rows go through the pipeline's
        ``encode_matrix`` when it has one (one float32 matrix, no DataFrame of
        features), else ``encode_x``.
        """
        names = getattr(self, "feature_names_", None)
        if names is None:
            names = self.feature_names_ = feature_names(self.pipeline)
        columns = getattr(rows, "columns", None)
        if columns is not None and len(columns) == len(names) and list(columns) == names:
            return rows
        if isinstance(rows, dict) and rows and not any(_is_sequence(value) for value in rows.values()):
            rows = {key: [value] for key, value in rows.items()}  # one record
        encode_matrix = getattr(self.pipeline, "encode_matrix", None)
        if encode_matrix is not None:
            return encode_matrix(rows)
        if columns is None:
            import pandas

            rows = pandas.DataFrame(rows)
        return self.pipeline.encode_x(rows)

    @with_hooks
    def predict(self, frame: Any) -> Any:
        """Decoded predictions for raw rows (or an encoded ``x``)."""
        self.check_fitted()
        return self.pipeline.decode(self.estimator.predict(self.encode(frame)))

    @with_hooks
    def predict_proba(self, frame: Any) -> Any:
        """Class probabilities ``(rows, classes)`` for raw rows (or an encoded ``x``)."""
        self.check_fitted()
        if self.estimator.task_ == REGRESSION:
            raise ModelError(f"{self.name()} is a regression: predict_proba needs a classifier")
        return self.estimator.predict_proba(self.encode(frame))

    # -- serving --------------------------------------------------------------------------

    def predict_all(self, rows: Any) -> tuple[Any, Any]:
        """``(predictions, probabilities)`` for raw rows, from one pass of the estimator.

        What a server answers: the decoded predictions (as :meth:`predict` returns
        them) and, for a classifier, the class probabilities ``(rows, classes)`` in the
        order of :attr:`classes_` (``None`` for a regression). A classifier's
        predictions are the decoded argmax of its probabilities, so the rows are
        encoded and predicted once. ``rows`` takes every form :meth:`encode` takes.
        """
        self.check_fitted()
        x = self.encode(rows)
        if self.estimator.task_ == REGRESSION:
            return self.pipeline.decode(self.estimator.predict(x)), None
        import numpy

        probabilities = numpy.ascontiguousarray(self.estimator.predict_proba(x))
        return self.pipeline.decode(probabilities.argmax(axis=1)), probabilities

    @property
    def is_classifier(self) -> bool:
        """Whether the fitted estimator predicts classes (it has :attr:`classes_`)."""
        self.check_fitted()
        return bool(self.estimator.task_ != REGRESSION)

    @property
    def classes_(self) -> Any:
        """The decoded classes, in the order of :meth:`predict_all`'s probability columns.

        ``None`` for a regression.
        """
        if not self.is_classifier:
            return None
        import numpy

        return self.pipeline.decode(numpy.arange(int(self.estimator.n_classes_ or 2)))

    def input_schema(self) -> dict[str, str]:
        """The raw columns a request must send: column -> ``"string" | "integer" | "number" | ...``."""
        schema = getattr(self.pipeline, "input_schema", None)
        if not callable(schema):
            raise ModelError(f"{self.name()}'s pipeline has no input_schema(): it cannot be served")
        return {str(column): str(kind) for column, kind in schema().items()}

    def _output(self, x: Any) -> Any:
        if self.estimator.task_ == REGRESSION:
            return self.estimator.predict(x)
        return self.estimator.predict_proba(x)

    def evaluate(self, x: Any, y: Any) -> dict[str, float]:
        """Metrics on encoded ``x`` and ``y``: ``loss`` always, plus accuracy/auc or rmse/mae/r2."""
        self.check_fitted()
        return measures.evaluate(self.estimator.task_, y, self._output(x))

    def score(self, x: Any, y: Any) -> float:
        """One number, higher is better: accuracy for a classifier, R² for a regression."""
        metrics = self.evaluate(x, y)
        return metrics["r2"] if self.estimator.task_ == REGRESSION else metrics["accuracy"]

    def benchmark(self) -> dict[str, dict[str, float]]:
        """Test metrics of the model and of a trivial baseline (majority class / mean)."""
        self.check_fitted()
        test = self.pipeline.test_data
        output = measures.baseline(
            self.estimator.task_, self.pipeline.training_data.y, len(test.y), self.estimator.n_classes_
        )
        return {
            "model": self.evaluate(test.x, test.y),
            "baseline": measures.evaluate(self.estimator.task_, test.y, output),
        }

    # -- tuning ---------------------------------------------------------------------------

    def spawn(self) -> Base:
        """A copy sharing the pipeline, with a fresh unfitted estimator (for search trials)."""
        twin = copy.copy(self)
        twin.estimator = self.estimator.clone()
        twin.fitting = None
        twin.fitting_path_ = None
        return twin

    def hyper_parameter_search(
        self,
        space: dict[str, Any],
        trials: int = 20,
        timeout: float | None = None,
        *,
        storage: str | None = None,
        study_name: str | None = None,
        seed: int | None = None,
    ) -> Any:
        """Search the estimator's parameters with Optuna; every trial is a saved fitting.

        ``space`` maps parameter names to a list (choices), a ``(low, high)`` pair of
        ints or floats, or an Optuna distribution. Trials minimize the validation
        ``loss``. Returns a :class:`~lore.models.search.SearchResult` whose
        ``best_estimator`` is the best trial's fitted estimator; this model becomes that
        fitting (its pipeline, estimator, parameters and metrics), ready to predict.
        """
        from lore.models import search

        result = search.run(
            self, space, trials=trials, timeout=timeout, storage=storage, study_name=study_name, seed=seed
        )
        best = type(self).load(result.fitting)
        result.best_model = best
        for cached in ("feature_names_", "lean_encoding_"):  # of the pipeline being replaced
            self.__dict__.pop(cached, None)
        self.__dict__.update(vars(best))
        return result


def _is_sequence(value: Any) -> bool:
    """Whether a mapping's value holds several rows (a list, array or Series), not one value."""
    return isinstance(value, (list, tuple)) or getattr(value, "ndim", 0) > 0


def _model_store() -> Any:
    from lore.stores import model_store

    return model_store()
