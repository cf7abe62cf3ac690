"""The pipeline contract, as a :class:`typing.Protocol`: what estimators and models rely on.

:class:`~lore.pipelines.TrainTestSplit` (and so ``LowMemory`` and
``TimedTrainTestSplit``) satisfies it; a pipeline of your own that does not subclass
it needs only these members. Estimators (``configure``) and models are typed against
it, so mypy checks what they use.

>>> from lore.pipelines import TrainTestSplit
>>> def needs(pipeline: Pipeline) -> bool:
...     return pipeline.is_classifier
>>> needs.__annotations__["pipeline"]
'Pipeline'
"""

from __future__ import annotations

from typing import Any, Protocol

from lore.encoders.base import Encoder


class Splits(Protocol):
    """One split's encoded rows: ``x`` (one column per feature name) and ``y``."""

    x: Any
    y: Any

    def __len__(self) -> int: ...


class Pipeline(Protocol):
    """What a model needs of its pipeline (``TrainTestSplit`` has all of it)."""

    @property
    def training_data(self) -> Splits: ...

    @property
    def validation_data(self) -> Splits: ...

    @property
    def test_data(self) -> Splits: ...

    @property
    def encoders(self) -> tuple[Encoder, ...]: ...

    @property
    def output_encoder(self) -> Encoder: ...

    @property
    def is_classifier(self) -> bool: ...

    def feature_names(self) -> list[str]: ...

    def input_schema(self) -> dict[str, str]: ...

    def encode_x(self, frame: Any) -> Any: ...

    def decode(self, y: Any) -> Any: ...
