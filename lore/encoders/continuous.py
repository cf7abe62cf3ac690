"""Continuous encoders: passthrough, standardization and min-max scaling.

Their output is float (``kind == "continuous"``, ``cardinality() is None``).

>>> import pandas as pd
>>> from lore.encoders import Norm, Uniform
>>> frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, None]})
>>> Norm("x").fit(frame).transform(frame).astype(float).round(3).tolist()
[-1.225, 0.0, 1.225, 0.0]
>>> Uniform("x").fit(frame).transform(frame).tolist()
[0.0, 0.5, 1.0, 0.0]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from lore.compat import old_keywords
from lore.encoders.base import CONTINUOUS, FLAG, Check, Encoder
from lore.encoders.sketch import Sketch
from lore.errors import EncodingError
from lore.transformers.base import Source
from lore.transformers.numeric import numbers


def moments(values: Any) -> dict[str, Any]:
    """Count, mean, sum of squared deviations, min and max of the non-missing values."""
    import numpy as np

    values = values[~np.isnan(values)]
    count = len(values)
    if not count:
        return {"count": 0, "mean": 0.0, "m2": 0.0, "min": np.inf, "max": -np.inf}
    mean = float(values.mean())
    return {
        "count": count,
        "mean": mean,
        "m2": float(((values - mean) ** 2).sum()),
        "min": float(values.min()),
        "max": float(values.max()),
    }


def merge_moments(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Chan et al.'s parallel update of :func:`moments`."""
    count = a["count"] + b["count"]
    if not count:
        return dict(a)
    delta = b["mean"] - a["mean"]
    return {
        "count": count,
        "mean": a["mean"] + delta * b["count"] / count,
        "m2": a["m2"] + b["m2"] + delta**2 * a["count"] * b["count"] / count,
        "min": min(a["min"], b["min"]),
        "max": max(a["max"], b["max"]),
    }


class Numeric(Encoder):
    """Base of encoders of numbers: the input as float64, and min/max/moments to learn from."""

    def values(self, series: Any) -> Any:
        return numbers(series, self.name).to_numpy(dtype="float64", na_value=float("nan"))

    def _encode(self, series: Any) -> Any:
        return self._encode_numbers(self.values(series))

    def _encode_small(self, values: Any) -> Any:
        # numbers (and booleans) convert to float64 as numbers() converts their series
        if getattr(values, "dtype", None) is None or values.dtype.kind not in "fiub":
            return None
        return self._encode_numbers(values.astype("float64"))

    def _encode_numbers(self, values: Any) -> Any:
        """The codes of ``values`` (float64, NaN for missing): the encoding itself."""
        return values

    @classmethod
    def _blocks_like(cls, owner: type[Numeric], encoders: Sequence[Encoder]) -> bool:
        """Whether ``owner``'s :meth:`transform_block` may encode ``encoders`` (checked to be fitted).

        Not when this class encodes numbers otherwise than ``owner`` (a subclass that
        overrides the encoding gets no block of ``owner``'s).
        """
        if cls._encode_numbers is not owner._encode_numbers or cls._encode_small is not owner._encode_small:
            return False
        for encoder in encoders:
            encoder.check_fitted()
        return True

    def _summarize(self, series: Any) -> dict[str, Any]:
        return moments(self.values(series))

    def _combine(self, a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
        return merge_moments(a, b)

    def _require_values(self, stats: dict[str, Any]) -> None:
        if not stats["count"]:
            raise EncodingError(
                f"{self.name}: no values to fit on ({stats['rows']} rows, all missing); "
                "check the column, or drop this encoder"
            )


class Pass(Numeric):
    """Numbers as they are (float64); missing values stay NaN.

    For features that are already encoded. Tree models cope with NaN; neural networks
    do not, so prefer :class:`Norm` for them.
    """

    kind = CONTINUOUS

    def _summarize(self, series: Any) -> dict[str, Any]:
        self.values(series)  # checks the type
        return {}

    def _combine(self, a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
        return {}

    @classmethod
    def transform_block(cls, encoders: Sequence[Any], values: Any) -> Any:
        if not cls._blocks_like(Pass, encoders):
            return None
        return values

    def reverse_transform(self, encoded: Any) -> Any:
        import numpy as np

        return np.asarray(encoded, dtype="float64")


class Continuous(Pass):
    """Another name for :class:`Pass`."""


@old_keywords
class Norm(Numeric):
    """Standardize: ``(x - center_) / scale_`` as float32.

    By default the center is the mean and the scale the standard deviation; with
    ``robust=True`` they are the median and the interquartile range / 1.349, so a few
    extreme values do not squash everyone else. With ``clip=True`` values outside the
    range seen at fit are clipped to it, so an outlier at prediction time cannot
    produce an input the model never saw (leave it off for a target, whose test values
    must not be altered). Missing values encode as 0 (the
    center). A constant column has ``scale_ == 1`` and encodes as 0. An all-missing
    column cannot be fitted (:class:`~lore.errors.EncodingError`).
    """

    kind = CONTINUOUS

    constraints: ClassVar[dict[str, Check]] = {**Numeric.constraints, "robust": FLAG, "clip": FLAG}

    def __init__(
        self, column: Source, name: str | None = None, robust: bool = False, clip: bool = False
    ) -> None:
        super().__init__(column, name)
        self.robust = robust
        self.clip = clip

    def _summarize(self, series: Any) -> dict[str, Any]:
        return self._summarize_values(self.values(series))

    def _summarize_values(self, values: Any) -> dict[str, Any]:
        """The summary of ``values`` (float64, NaN for missing)."""
        stats = moments(values)
        if self.robust:
            stats["sketch"] = Sketch.of(values)
        return stats

    def _combine(self, a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
        stats = merge_moments(a, b)
        if self.robust:
            stats["sketch"] = a["sketch"].merge(b["sketch"])
        return stats

    def _learn(self, stats: dict[str, Any]) -> None:
        self._require_values(stats)
        if self.robust:
            low, median, high = stats["sketch"].quantiles([0.25, 0.5, 0.75])
            center, scale = float(median), float(high - low) / 1.349
        else:
            center, scale = stats["mean"], (stats["m2"] / stats["count"]) ** 0.5
        self.center_ = center
        self.scale_ = scale if scale > 0 else 1.0
        self.min_, self.max_ = stats["min"], stats["max"]

    def _encode_numbers(self, values: Any) -> Any:
        import numpy as np

        if self.clip:
            values = np.clip(values, self.min_, self.max_)
        result = ((values - self.center_) / self.scale_).astype("float32")
        result[np.isnan(result)] = 0.0
        return result

    @classmethod
    def transform_block(cls, encoders: Sequence[Any], values: Any) -> Any:
        import numpy as np

        if not cls._blocks_like(Norm, encoders):
            return None
        if any(encoder.clip for encoder in encoders):  # the others are clipped to +-inf: unchanged
            low = [encoder.min_ if encoder.clip else -np.inf for encoder in encoders]
            high = [encoder.max_ if encoder.clip else np.inf for encoder in encoders]
            values = np.clip(values, low, high)
        center = np.array([encoder.center_ for encoder in encoders])
        scale = np.array([encoder.scale_ for encoder in encoders])
        result = ((values - center) / scale).astype("float32")
        result[np.isnan(result)] = 0.0
        return result

    def reverse_transform(self, encoded: Any) -> Any:
        import numpy as np

        return np.asarray(encoded, dtype="float64") * self.scale_ + self.center_


class Uniform(Numeric):
    """Min-max scale into [0, 1] (float32), clipped; missing values encode as 0.

    A constant column encodes as 0. Missing values cannot be told from the minimum;
    use :class:`Discrete` or :class:`Quantile` when that matters.
    """

    kind = CONTINUOUS

    def _learn(self, stats: dict[str, Any]) -> None:
        self._require_values(stats)
        self.min_, self.max_ = stats["min"], stats["max"]

    def _encode_numbers(self, values: Any) -> Any:
        import numpy as np

        span = self.max_ - self.min_
        if span <= 0:
            return np.zeros(len(values), dtype="float32")
        result = np.clip((values - self.min_) / span, 0.0, 1.0).astype("float32")
        result[np.isnan(result)] = 0.0
        return result

    @classmethod
    def transform_block(cls, encoders: Sequence[Any], values: Any) -> Any:
        import numpy as np

        if not cls._blocks_like(Uniform, encoders):
            return None
        low = np.array([encoder.min_ for encoder in encoders])
        span = np.array([encoder.max_ - encoder.min_ for encoder in encoders])
        constant = span <= 0  # encodes as 0
        result = np.clip((values - low) / np.where(constant, 1.0, span), 0.0, 1.0).astype("float32")
        result[:, constant] = 0.0
        result[np.isnan(result)] = 0.0
        return result

    def reverse_transform(self, encoded: Any) -> Any:
        import numpy as np

        return np.asarray(encoded, dtype="float64") * (self.max_ - self.min_) + self.min_
