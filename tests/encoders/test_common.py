"""Every encoder through the shared invariants of lore.testing.check_encoder.

Adding an encoder to lore means adding it to ENCODERS.
"""

from __future__ import annotations

import pytest

from lore.encoders import (
    Boolean,
    Continuous,
    Discrete,
    Enum,
    Equals,
    MiddleOut,
    NestedUnique,
    Norm,
    OneHot,
    Pass,
    Quantile,
    Token,
    Uniform,
    Unique,
)
from lore.testing import check_encoder
from lore.transformers import Log, NameAge, NameSex

ENCODERS = [
    Unique("city"),
    Unique("city", minimum_occurrences=8),
    Unique("city", maximum_cardinality=4),
    Unique("count"),
    OneHot("city"),
    OneHot("city", maximum_cardinality=3),
    Boolean("flag"),
    Equals("city", "other_city"),
    Pass("age"),
    Continuous("count"),
    Norm("age"),
    Norm("age", robust=True),
    Norm("age", clip=True),
    Uniform("age"),
    Discrete("age", bins=5),
    Quantile("age", quantiles=4),
    Enum("count"),
    Token("title", sequence_length=4),
    NestedUnique("tags"),
    NestedUnique("tags", sequence_length=2, minimum_occurrences=5),
    MiddleOut("position", "length", depth=2),
    Norm(Log(NameAge("first_name"))),
    Discrete(NameSex("first_name"), bins=10),
    Unique(NameSex("first_name")),
]


@pytest.mark.parametrize("encoder", ENCODERS, ids=lambda encoder: f"{type(encoder).__name__}-{encoder.name}")
def test_encoder_contract(encoder, frame) -> None:
    check_encoder(encoder, frame)


def test_every_public_encoder_is_checked() -> None:
    import lore.encoders

    public = {
        name
        for name in lore.encoders.__all__
        if isinstance(getattr(lore.encoders, name), type) and name != "Encoder"
    }
    assert public == {type(encoder).__name__ for encoder in ENCODERS}
