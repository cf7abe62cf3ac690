"""A canned Keras 3 network (TensorFlow backend) built from a pipeline's encoders.

Each categorical encoder that produces one column gets an ``Embedding`` sized from
its ``cardinality()``; each sequence encoder (``Token``) gets a token embedding
averaged over the sequence; continuous columns (and multi-column categoricals such
as one-hot) go in as one dense input. The concatenation feeds ``hidden_layers``
dense layers of ``hidden_width`` units (``kernel_initializer``) with ``dropout`` and,
with ``batch_norm``, batch normalization, then a sigmoid, softmax or linear output for
a binary, multi-class or regression task. ``sequence_embedding`` says how a token
sequence's embeddings become one vector: ``"average"`` (the default), ``"flatten"``,
or a recurrent layer, ``"lstm"``, ``"gru"`` or ``"simple_rnn"``. With ``towers=N`` the
network is N independent stacks (embeddings, hidden layers, output) whose outputs
are averaged. :meth:`Keras.build_network` builds the compiled network before any fit,
to inspect (``.summary()``) or change; ``fit`` then trains that network.

Training runs :class:`ReloadBest`, which stops when the validation loss has not
improved for ``patience`` epochs and restores the best epoch's weights. When the
model fits into a fitting folder, TensorBoard logs go to ``<fitting>/tensorboard``
(``tensorboard --logdir models``) and each epoch's weights to
``<fitting>/checkpoints``. Keras is imported with ``KERAS_BACKEND=tensorflow`` only
when a Keras estimator fits or loads, and its session is cleared at exit.

>>> estimator = Keras(hidden_layers=1, epochs=2)
>>> estimator.get_params()["hidden_width"]
64
>>> embedding_size(1000), embedding_size(3)
(50, 2)
"""

from __future__ import annotations

import atexit
import re
from pathlib import Path
from typing import Any

import numpy as np

from lore.compat import module_getattr, old_keywords
from lore.errors import ModelError
from lore.estimators.base import BINARY, MULTICLASS, REGRESSION, Estimator, columns_of, to_matrix
from lore.estimators.progress import Progress
from lore.util import optional, quiet_tensorflow

CATEGORICAL = "categorical"
CONTINUOUS = "continuous"
SEQUENCE = "sequence"
#: How a token sequence's embeddings become one vector (``sequence_embedding=``).
SEQUENCE_EMBEDDINGS = ("average", "flatten", "lstm", "gru", "simple_rnn")
_cleanup_registered = False


def keras_module() -> Any:
    """Import Keras on the TensorFlow backend, and clear its session at exit."""
    global _cleanup_registered
    with quiet_tensorflow():
        keras = optional("keras", "keras", "Keras models")
    if not _cleanup_registered:
        atexit.register(keras.backend.clear_session)
        _cleanup_registered = True
    return keras


def embedding_size(cardinality: int) -> int:
    """A default embedding width: half the codes, at most 50."""
    return max(1, min(50, (int(cardinality) + 1) // 2))


def _input_name(name: str) -> str:
    return re.sub(r"\W+", "_", str(name)).strip("_") or "input"


def describe_inputs(encoders: list[Any]) -> list[dict[str, Any]]:
    """One input per embedded encoder plus one for all continuous columns (JSON-ready)."""
    inputs: list[dict[str, Any]] = []
    continuous: list[str] = []
    for encoder in encoders:
        columns = [str(name) for name in encoder.feature_names()]
        kind = getattr(encoder, "kind", CONTINUOUS)
        cardinality = encoder.cardinality() if kind != CONTINUOUS else None
        shared = len(columns) == 1 or getattr(encoder, "shares_embedding", False)  # twins: one embedding
        if kind == SEQUENCE or (kind == CATEGORICAL and shared and cardinality):
            name = _input_name(f"{encoder.name}_{len(inputs)}")
            inputs.append({"name": name, "kind": kind, "cardinality": int(cardinality), "columns": columns})
        else:
            continuous.extend(columns)
    if continuous:
        inputs.append({"name": "continuous", "kind": CONTINUOUS, "cardinality": None, "columns": continuous})
    return inputs


def reload_best_class() -> type:
    """The :class:`ReloadBest` callback class (built on first use, so Keras loads lazily)."""
    keras = keras_module()

    class ReloadBest(keras.callbacks.Callback):
        """Stop when ``monitor`` has not improved for ``patience`` epochs; restore the best epoch.

        Unlike ``EarlyStopping(restore_best_weights=True)`` it also restores the best
        weights when training ends by running out of epochs.
        """

        def __init__(self, monitor: str = "val_loss", patience: int = 3) -> None:
            super().__init__()
            self.monitor = monitor
            self.patience = patience

        def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
            self.best = np.inf
            self.best_epoch = -1
            self.best_weights: list[Any] | None = None
            self.waited = 0

        def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
            value = (logs or {}).get(self.monitor)
            if value is None:
                return
            if value < self.best:
                self.best, self.best_epoch, self.waited = float(value), epoch, 0
                self.best_weights = self.model.get_weights()
                return
            self.waited += 1
            if self.waited >= self.patience:
                self.model.stop_training = True

        def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
            if self.best_weights is not None:
                self.model.set_weights(self.best_weights)

    return ReloadBest


def __getattr__(name: str) -> Any:
    if name == "ReloadBest":
        value = reload_best_class()
        globals()[name] = value
        return value
    return module_getattr(__name__)(name)  # the original Lore's class names


def progress_callback(epochs: int) -> Any:
    keras = keras_module()

    class ReportEpochs(keras.callbacks.Callback):
        def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
            self.progress = Progress("epoch", total=epochs)

        def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
            self.progress.update(epoch + 1, **{key: float(value) for key, value in (logs or {}).items()})

        def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
            self.progress.finish()

    return ReportEpochs()


@old_keywords
class Keras(Estimator):
    """A dense network over embeddings and continuous inputs; see the module docs."""

    defaults = {
        "hidden_layers": 2,
        "hidden_width": 64,
        "dropout": 0.1,
        "activation": "relu",
        "kernel_initializer": "glorot_uniform",
        "batch_norm": False,
        "towers": 1,
        "sequence_embedding": "average",
        "embedding_size": None,
        "sequence_embedding_size": 16,
        "batch_size": 256,
        "epochs": 10,
        "learning_rate": 1e-3,
        "patience": 3,
        "seed": None,
        "tensorboard": True,
        "checkpoints": True,
        "verbose": 0,
    }
    ranges = {
        "hidden_layers": (0, None), "hidden_width": (1, None), "dropout": (0, 1), "batch_size": (1, None),
        "epochs": (1, None), "learning_rate": (0, None), "patience": (0, None),
        "embedding_size": (1, None), "sequence_embedding_size": (1, None),
    }  # fmt: skip

    def state(self) -> dict[str, Any]:
        return {**super().state(), "inputs_": self.inputs_}

    def build(self, params: dict[str, Any]) -> Any:
        """The compiled Keras model for :attr:`inputs_` and the task."""
        keras = keras_module()
        layers = keras.layers
        pooling = params["sequence_embedding"]
        if pooling not in SEQUENCE_EMBEDDINGS:
            raise ModelError(
                f"sequence_embedding={pooling!r} is not one of {', '.join(map(repr, SEQUENCE_EMBEDDINGS))}"
            )
        tensors = [
            keras.Input(shape=(len(spec["columns"]),), name=spec["name"])
            if spec["kind"] == CONTINUOUS
            else keras.Input(shape=(len(spec["columns"]),), name=spec["name"], dtype="int32")
            for spec in self.inputs_
        ]
        towers = int(params["towers"])
        outputs = [
            self._tower(keras, tensors, params, f"{tower}_" if towers > 1 else "") for tower in range(towers)
        ]
        output = outputs[0] if towers == 1 else layers.Average(name="towers")(outputs)
        loss = {BINARY: "binary_crossentropy", MULTICLASS: "sparse_categorical_crossentropy"}.get(
            self.task_, "mse"
        )
        model = keras.Model(tensors, output)
        model.compile(optimizer=keras.optimizers.Adam(float(params["learning_rate"])), loss=loss)
        return model

    def _tower(self, keras: Any, tensors: list[Any], params: dict[str, Any], prefix: str) -> Any:
        """One stack of embeddings, hidden layers and output over the shared inputs."""
        layers = keras.layers
        features = []
        for spec, tensor in zip(self.inputs_, tensors):
            if spec["kind"] == CONTINUOUS:
                features.append(tensor)
                continue
            sequence = spec["kind"] == SEQUENCE
            width = params["sequence_embedding_size"] if sequence else params["embedding_size"]
            width = int(width or embedding_size(spec["cardinality"]))
            embedded = layers.Embedding(spec["cardinality"], width, name=f"{prefix}{spec['name']}_embedding")(
                tensor
            )
            if not sequence or params["sequence_embedding"] == "flatten":
                features.append(layers.Flatten()(embedded))
            elif params["sequence_embedding"] == "average":
                features.append(layers.GlobalAveragePooling1D()(embedded))
            else:
                recurrent = {"lstm": layers.LSTM, "gru": layers.GRU, "simple_rnn": layers.SimpleRNN}
                features.append(recurrent[params["sequence_embedding"]](width)(embedded))
        hidden = features[0] if len(features) == 1 else layers.Concatenate()(features)
        for index in range(int(params["hidden_layers"])):
            hidden = layers.Dense(
                int(params["hidden_width"]),
                activation=params["activation"],
                kernel_initializer=params["kernel_initializer"],
                name=f"{prefix}hidden_{index}",
            )(hidden)
            if params["dropout"]:
                hidden = layers.Dropout(float(params["dropout"]))(hidden)
            if params["batch_norm"]:
                hidden = layers.BatchNormalization(name=f"{prefix}batch_norm_{index}")(hidden)
        if self.task_ == BINARY:
            return layers.Dense(1, activation="sigmoid", name=f"{prefix}output")(hidden)
        if self.task_ == MULTICLASS:
            return layers.Dense(self.n_classes_, activation="softmax", name=f"{prefix}output")(hidden)
        return layers.Dense(1, name=f"{prefix}output")(hidden)

    def build_network(self, x: Any = None) -> Any:
        """The compiled network, before any fit (after ``configure``, or given ``x``).

        ``fit`` trains this network (so changes made to it are kept) unless its
        parameters changed in between.
        """
        self._describe_inputs(x)
        self.network_ = self.build(self.get_params())
        self.network_params_ = dict(self.get_params())
        return self.network_

    def _describe_inputs(self, x: Any) -> None:
        encoders = getattr(self, "encoders_", None)
        if encoders:
            self.inputs_ = describe_inputs(encoders)
        else:
            if x is None:
                raise ModelError("build_network() needs configure(pipeline) first, or x")
            columns = columns_of(x) or [str(i) for i in range(to_matrix(x).shape[1])]
            self.inputs_ = [
                {"name": "continuous", "kind": CONTINUOUS, "cardinality": None, "columns": columns}
            ]

    def feed(self, x: Any) -> dict[str, np.ndarray]:
        """The network's inputs for ``x``: one array per input, codes clipped into range."""
        matrix = to_matrix(x)
        positions = self._positions()
        inputs = {}
        for spec in self.inputs_:
            block = matrix[:, positions[spec["name"]]]
            if spec["kind"] != CONTINUOUS:
                block = np.clip(block, 0, spec["cardinality"] - 1).astype(np.int32)
            inputs[spec["name"]] = block
        return inputs

    def _positions(self) -> dict[str, list[int]]:
        cached = getattr(self, "positions_", None)
        if cached is None:
            names = self.feature_names_
            index = {name: i for i, name in enumerate(names)} if names else {}
            cached = {
                spec["name"]: [index[column] for column in spec["columns"]]
                if index
                else list(range(len(spec["columns"])))
                for spec in self.inputs_
            }
            self.positions_ = cached
        return cached

    def _fit(
        self,
        x: Any,
        y: np.ndarray,
        validation: tuple[Any, np.ndarray] | None,
        folder: Path | None,
        params: dict[str, Any],
    ) -> dict[str, Any]:
        keras = keras_module()
        if params["seed"] is not None:
            keras.utils.set_random_seed(int(params["seed"]))
        built = self.__dict__.pop("network_", None)
        if built is not None and self.__dict__.pop("network_params_", None) == params:
            model = built  # build_network() made it, perhaps changed since
        else:
            self._describe_inputs(x)
            model = self.build(params)
        self.positions_ = None
        epochs = int(params["epochs"])
        monitor = "val_loss" if validation is not None else "loss"
        callbacks = [
            reload_best_class()(monitor=monitor, patience=int(params["patience"])),
            progress_callback(epochs),
        ]
        if folder is not None and params["tensorboard"]:
            callbacks.append(keras.callbacks.TensorBoard(log_dir=str(folder / "tensorboard")))
        if folder is not None and params["checkpoints"]:
            (folder / "checkpoints").mkdir(parents=True, exist_ok=True)
            pattern = str(folder / "checkpoints" / "epoch-{epoch:03d}.weights.h5")
            callbacks.append(keras.callbacks.ModelCheckpoint(pattern, save_weights_only=True))
        labels = y.astype(np.float32) if self.task_ != MULTICLASS else y.astype(np.int32)
        history = model.fit(
            self.feed(x),
            labels,
            validation_data=None if validation is None else (self.feed(validation[0]), validation[1]),
            batch_size=int(params["batch_size"]),
            epochs=epochs,
            callbacks=callbacks,
            verbose=params["verbose"],
        )
        self.native_ = model
        return {key: [float(value) for value in values] for key, values in history.history.items()}

    @classmethod
    def prepare(cls) -> None:
        keras_module()  # the backend must be chosen before the first import of keras

    def restored(self) -> None:
        self.positions_ = None

    def _predict_raw(self, x: Any) -> np.ndarray:
        inputs = self.feed(x)
        rows = len(next(iter(inputs.values())))
        if rows <= int(self.get_params()["batch_size"]):
            raw = np.asarray(self.native_(inputs, training=False))
        else:
            raw = self.native_.predict(inputs, batch_size=int(self.get_params()["batch_size"]), verbose=0)
        if self.task_ == BINARY:
            raw = raw.reshape(-1)
            return np.column_stack((1.0 - raw, raw))
        return raw.reshape(-1) if self.task_ == REGRESSION else raw
