"""Hyper-parameter search with Optuna: each trial fits and saves a fitting.

:func:`run` is the core: give it a model (it spawns a copy per trial that shares the
pipeline), a search space and an Optuna ``storage`` URL; trials in other processes
that share the storage and the study name join the same study. Trials skip their
reports; the best trial of each process gets one at the end. Each trial's fitting
number is kept as the trial's ``fitting`` attribute, so the best one can be loaded.
Optuna is imported only here (``pip install "lore-ml[search]"``).

>>> distributions({"max_depth": (2, 8), "eta": (0.01, 0.3), "booster": ["gbtree", "dart"]})["max_depth"]
IntDistribution(high=8, log=False, low=2, step=1)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from lore.errors import MissingDependency, ModelError
from lore.estimators.progress import Progress

logger = logging.getLogger(__name__)


@dataclass
class SearchResult:
    """The outcome of a search: the best trial's fitting, parameters and validation loss.

    ``best_model`` is that fitting loaded (set by ``Model.hyper_parameter_search``, which
    also makes the searched model that fitting); ``best_estimator`` is its estimator.
    """

    fitting: int
    params: dict[str, Any]
    value: float
    trials: int
    study_name: str
    best_model: Any = field(default=None, repr=False, compare=False)

    @property
    def best_estimator(self) -> Any:
        """The fitted estimator of the best trial (``None`` before the model is loaded)."""
        return None if self.best_model is None else self.best_model.estimator


def _optuna() -> Any:
    try:
        import optuna
    except ImportError:  # pragma: no cover - optuna is an optional extra
        raise MissingDependency("optuna", "search", "hyper-parameter search") from None
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return optuna


def distributions(space: dict[str, Any]) -> dict[str, Any]:
    """Optuna distributions for a space of lists, ``(low, high)`` pairs and distributions."""
    optuna = _optuna()
    result = {}
    for name, spec in space.items():
        if isinstance(spec, optuna.distributions.BaseDistribution):
            result[name] = spec
        elif isinstance(spec, list) and spec:
            result[name] = optuna.distributions.CategoricalDistribution(spec)
        elif isinstance(spec, tuple) and len(spec) == 2 and all(isinstance(v, int) for v in spec):
            result[name] = optuna.distributions.IntDistribution(*spec)
        elif isinstance(spec, tuple) and len(spec) == 2 and all(isinstance(v, (int, float)) for v in spec):
            result[name] = optuna.distributions.FloatDistribution(float(spec[0]), float(spec[1]))
        else:
            raise ModelError(
                f"search space entry {name!r}: {spec!r} is not a list of choices, a (low, high) pair "
                "or an Optuna distribution"
            )
    return result


def suggest(optuna: Any, trial: Any, name: str, distribution: Any) -> Any:
    """Ask ``trial`` for a value of ``name`` from ``distribution`` through Optuna's public API."""
    kinds = optuna.distributions
    if isinstance(distribution, kinds.CategoricalDistribution):
        return trial.suggest_categorical(name, distribution.choices)
    if isinstance(distribution, kinds.IntDistribution):
        return trial.suggest_int(
            name, distribution.low, distribution.high, step=distribution.step, log=distribution.log
        )
    return trial.suggest_float(
        name, distribution.low, distribution.high, step=distribution.step, log=distribution.log
    )


def run(
    model: Any,
    space: dict[str, Any],
    *,
    trials: int = 20,
    timeout: float | None = None,
    storage: str | None = None,
    study_name: str | None = None,
    seed: int | None = None,
) -> SearchResult:
    """Run ``trials`` fits of ``model`` over ``space`` (or until ``timeout`` seconds).

    With a Dask cluster (:mod:`lore.cluster`), the trials run on its workers, sharing
    one study in ``storage`` (default: the project's database); see
    :mod:`lore.models.distributed`.
    """
    from lore.models import distributed

    model.estimator.check_parameters(dict.fromkeys(space))
    distributions(space)
    name = study_name or f"{model.name()}-search"
    shared = distributed.run(
        run_here, model, space, trials=trials, timeout=timeout, storage=storage, study_name=name, seed=seed
    )
    if shared is None:  # no cluster: the trials run in this process
        return run_here(
            model, space, trials=trials, timeout=timeout, storage=storage, study_name=name, seed=seed
        )
    return run_here(model, space, trials=0, storage=shared, study_name=name)


def run_here(
    model: Any,
    space: dict[str, Any],
    *,
    trials: int = 20,
    timeout: float | None = None,
    storage: str | None = None,
    study_name: str | None = None,
    seed: int | None = None,
) -> SearchResult:
    """:func:`run` in this process (``trials=0`` only reads the study's best trial)."""
    optuna = _optuna()
    model.estimator.check_parameters(dict.fromkeys(space))
    spaces = distributions(space)
    name = study_name or f"{model.name()}-search"
    study = optuna.create_study(
        study_name=name,
        storage=storage,
        direction="minimize",
        load_if_exists=True,
        sampler=optuna.samplers.TPESampler(seed=seed),
    )
    progress = Progress("trial", total=trials)
    leader: dict[str, Any] = {}  # this process's best trial, whose report is written at the end

    def objective(trial: Any) -> float:
        params = {key: suggest(optuna, trial, key, distribution) for key, distribution in spaces.items()}
        candidate = model.spawn()
        candidate.reports = False  # a report per trial would cost more than a small trial
        metrics = candidate.fit(**params)
        trial.set_user_attr("fitting", candidate.fitting)
        value = float(metrics["validation"]["loss"])
        if "value" not in leader or value < leader["value"]:
            leader.update(value=value, model=candidate)
        progress.update(trial.number + 1, loss=value, fitting=candidate.fitting)
        return value

    if trials:
        from lore.models.report import reports_enabled

        study.optimize(objective, n_trials=trials, timeout=timeout)
        progress.finish()
        if "model" in leader and model.reports and reports_enabled():
            leader["model"].write_report()
    completed = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    if not completed:
        raise ModelError(f"no trial of {name} completed; raise the timeout or check the logs")
    best = study.best_trial
    logger.info(
        "best of %s: fitting %s, loss %.6g, %s", name, best.user_attrs["fitting"], best.value, best.params
    )
    return SearchResult(
        best.user_attrs["fitting"], dict(best.params), float(best.value), len(completed), name
    )
