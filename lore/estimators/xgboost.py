"""Gradient boosted trees with XGBoost, for regression and classification.

Training calls ``xgboost.train`` directly on a ``DMatrix``, with early stopping on
the validation set when there is one; the booster kept is cut at the best round.
Prediction uses ``Booster.inplace_predict`` on a float32 array, which skips building
a ``DMatrix``; batches of up to ``SMALL_BATCH`` rows run on one thread, since waking
the thread pool costs more than a small batch does (much more on a busy machine).
The objective follows the task (``reg:squarederror``, ``binary:logistic`` or
``multi:softprob``) unless given.

>>> import numpy as np
>>> x = np.array([[0.0], [1.0], [2.0], [3.0]] * 5)
>>> estimator = XGBoost(num_boost_round=5, max_depth=2)
>>> history = estimator.fit(x, np.array([0, 0, 1, 1] * 5))
>>> estimator.predict(np.array([[0.0], [3.0]])).tolist()
[0, 1]
>>> XGBoost(depth=3).fit(x, np.zeros(20))
Traceback (most recent call last):
...
lore.errors.UnknownParameter: XGBoost does not accept parameter(s) 'depth'; valid ones are: ...
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from lore.compat import module_getattr
from lore.estimators.base import BINARY, MULTICLASS, REGRESSION, Estimator, to_matrix
from lore.estimators.progress import Progress
from lore.util import optional

OBJECTIVES = {REGRESSION: "reg:squarederror", BINARY: "binary:logistic", MULTICLASS: "multi:softprob"}
#: lore's own names, and the scikit-learn API's names that ``xgboost.train`` does not take.
#: Batches up to this many rows are predicted on one thread (faster, and no contention).
SMALL_BATCH = 2048
ALIASES = {"n_estimators": "num_boost_round", "n_jobs": "nthread", "random_state": "seed"}


class XGBoost(Estimator):
    """XGBoost booster; every parameter of ``xgboost.train``'s ``params`` is accepted."""

    row_wise = True  # each row walks the trees alone
    defaults = {
        "num_boost_round": 500,
        "early_stopping_rounds": 20,
        "learning_rate": 0.1,
        "max_depth": 6,
        "tree_method": "hist",
        "objective": None,
        "eval_metric": None,
        "verbosity": 0,
    }
    extra_parameters = frozenset(
        {
            "alpha", "base_score", "booster", "colsample_bylevel", "colsample_bynode", "colsample_bytree",
            "device", "eta", "gamma", "grow_policy", "interaction_constraints", "lambda", "max_bin",
            "max_cat_threshold", "max_cat_to_onehot", "max_delta_step", "max_leaves", "min_child_weight",
            "min_split_loss", "monotone_constraints", "multi_strategy", "n_estimators", "n_jobs", "nthread",
            "num_class", "num_parallel_tree", "random_state", "reg_alpha", "reg_lambda", "sampling_method",
            "scale_pos_weight", "seed", "subsample", "validate_parameters",
        }
    )  # fmt: skip
    ranges = {
        "num_boost_round": (1, None), "n_estimators": (1, None), "early_stopping_rounds": (1, None),
        "learning_rate": (0, None), "eta": (0, None), "max_depth": (0, None), "max_leaves": (0, None),
        "max_bin": (2, None), "min_child_weight": (0, None), "gamma": (0, None), "min_split_loss": (0, None),
        "alpha": (0, None), "reg_alpha": (0, None), "lambda": (0, None), "reg_lambda": (0, None),
        "subsample": (0, 1), "colsample_bytree": (0, 1), "colsample_bylevel": (0, 1),
        "colsample_bynode": (0, 1), "max_delta_step": (0, None), "num_parallel_tree": (1, None),
    }  # fmt: skip

    def booster_parameters(self, params: dict[str, Any]) -> tuple[dict[str, Any], int, int | None]:
        """``(params for xgboost.train, rounds, early stopping rounds)`` for this task."""
        settings = {ALIASES.get(key, key): value for key, value in params.items() if value is not None}
        rounds = int(settings.pop("num_boost_round"))
        early = settings.pop("early_stopping_rounds", None)
        settings.setdefault("objective", OBJECTIVES[self.task_])
        if self.task_ == MULTICLASS:
            settings.setdefault("num_class", self.n_classes_)
        return settings, rounds, early

    def _single_threaded(self) -> Any:
        """The booster on one thread: small batches do not pay for waking a thread pool.

        The booster itself when it was given one thread (``nthread=1`` or ``n_jobs=1``),
        else a one-thread copy, made once.
        """
        single = getattr(self, "single_", None)
        if single is None or getattr(self, "single_of_", None) is not self.native_:
            params = self.get_params()
            single = self.native_
            if params.get("nthread", params.get("n_jobs")) != 1:
                single = single.copy()
                single.set_param({"nthread": 1})
            self.single_, self.single_of_ = single, self.native_
        return single

    def _fit(
        self,
        x: Any,
        y: np.ndarray,
        validation: tuple[Any, np.ndarray] | None,
        folder: Path | None,
        params: dict[str, Any],
    ) -> dict[str, Any]:
        from lore.estimators import distributed

        xgboost = optional("xgboost", "xgboost", "XGBoost models")

        settings, rounds, early = self.booster_parameters(params)
        train_x, callbacks = to_matrix(x), [progress_callback(rounds)]
        valid = None if validation is None else (to_matrix(validation[0]), validation[1])
        trained = distributed.train_xgboost(settings, rounds, early, (train_x, y), valid, callbacks)
        if trained is not None:  # on the cluster
            booster, history = trained
            evals: list[Any] = [valid] if valid is not None else []
        else:
            threads = settings.get("nthread")  # the matrices are built on the booster's threads too
            matrix = xgboost.DMatrix(train_x, label=y, nthread=threads)
            matrices, evals = [(matrix, train_x)], []
            if valid is not None:
                evaluated = xgboost.DMatrix(valid[0], label=valid[1], nthread=threads)
                matrices.append((evaluated, valid[0]))
                evals.append((evaluated, "validation"))
            kept = outputs_callback(matrices)
            # early stopping as xgboost.train adds it, but before ``kept``, which reads its best round
            stopping = [xgboost.callback.EarlyStopping(rounds=early)] if evals and early else []
            history = {}
            booster = xgboost.train(
                settings,
                matrix,
                num_boost_round=rounds,
                evals=evals,
                evals_result=history,
                verbose_eval=False,
                callbacks=[*callbacks, *stopping, kept],
            )
            if kept.outputs:  # the training and validation outputs of the booster kept stand
                given = [x] if validation is None else [x, validation[0]]
                self._keep_outputs(*zip(given, map(self._shaped, kept.outputs)))
        if evals and early:
            booster = booster[: booster.best_iteration + 1]
        self.native_ = booster
        return {
            "rounds": booster.num_boosted_rounds(),
            **{
                f"{split}_{metric}": values
                for split, scores in history.items()
                for metric, values in scores.items()
            },
        }

    def _predict_raw(self, x: Any) -> np.ndarray:
        matrix = to_matrix(x)
        booster = self.native_ if len(matrix) > SMALL_BATCH else self._single_threaded()
        return self._shaped(booster.inplace_predict(matrix))

    def _shaped(self, raw: np.ndarray) -> np.ndarray:
        """The booster's output as ``_predict_raw`` gives it: a binary task's two columns of probabilities."""
        if self.task_ == BINARY:
            return np.column_stack((1.0 - raw, raw))
        return raw


def progress_callback(rounds: int) -> Any:
    """An XGBoost callback that reports boosting rounds through :class:`Progress`."""
    xgboost = optional("xgboost", "xgboost", "XGBoost models")

    class ReportRounds(xgboost.callback.TrainingCallback):  # type: ignore[name-defined]  # built on first use
        def __init__(self) -> None:
            super().__init__()
            self.progress = Progress("boosting round", total=rounds)

        def after_iteration(self, model: Any, epoch: int, evals_log: dict[str, Any]) -> bool:
            figures = {
                f"{split}_{metric}": float(values[-1])
                for split, scores in evals_log.items()
                for metric, values in scores.items()
            }
            self.progress.update(epoch + 1, **figures)
            return False

        def after_training(self, model: Any) -> Any:
            self.progress.finish()
            return model

    return ReportRounds()


def outputs_callback(matrices: list[tuple[Any, np.ndarray]]) -> Any:
    """An XGBoost callback that reads the kept booster's outputs on ``matrices`` as training ends.

    ``matrices`` are ``(DMatrix, its float32 array)`` pairs: the training matrix and the
    evaluated ones, which hold the booster's running predictions (its prediction
    caches) that ``xgboost.train`` drops as it returns. Read from them, an output costs
    a copy instead of a pass over every tree. When early stopping will cut the booster
    at its best round, the caches have moved past it, so the callback (placed after
    :class:`xgboost.callback.EarlyStopping`) copies their margins at each new best
    round, and at the end passes the best round's margins through the objective
    (``inplace_predict`` over an empty range of trees, with the margins as
    ``base_margin``): the cut booster's outputs, bit for bit. ``outputs`` stays ``None``
    when no margins were kept.
    """
    xgboost = optional("xgboost", "xgboost", "XGBoost models")

    class KeepOutputs(xgboost.callback.TrainingCallback):  # type: ignore[name-defined]  # built on first use
        def __init__(self) -> None:
            super().__init__()
            self.outputs: list[np.ndarray] | None = None
            self.margins: list[np.ndarray] | None = None  # of the best round so far

        def after_iteration(self, model: Any, epoch: int, evals_log: dict[str, Any]) -> bool:
            if model.attr("best_iteration") == str(epoch):  # a new best round (early stopping only)
                self.margins = [model.predict(matrix, output_margin=True) for matrix, _ in matrices]
            return False

        def after_training(self, model: Any) -> Any:
            best = model.attr("best_iteration")
            if best is None or int(best) + 1 == model.num_boosted_rounds():
                self.outputs = [model.predict(matrix) for matrix, _ in matrices]
            elif self.margins is not None:
                empty = (int(best) + 1, int(best) + 1)  # no trees: the objective's transform alone
                self.outputs = [
                    model.inplace_predict(data, iteration_range=empty, base_margin=margin)
                    for (_, data), margin in zip(matrices, self.margins)
                ]
            return model

    return KeepOutputs()


__getattr__ = module_getattr(__name__)  # the original Lore's names: lore.compat.NAMES
