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
    NestedNorm,
    NestedUnique,
    Norm,
    OneHot,
    Pass,
    Quantile,
    Token,
    Twin,
    Uniform,
    Unique,
)
from lore.testing import check_encoder
from lore.transformers import Log, NameAge, NameSex

ENCODERS = [
    Unique("city"),
    Unique("city", minimum_occurrences=8),
    Unique("city", maximum_cardinality=4),
    Unique("city", minimum_occurrences=2, stratify="other_city"),
    Unique("count"),
    OneHot("city"),
    OneHot("city", maximum_cardinality=3),
    OneHot("city", minimum_occurrences=8, compressed=True),
    OneHot("city", drop_first=True),
    OneHot("city", minimum_occurrences=8, compressed=True, drop_first=True),
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
    MiddleOut("city", depth=3),
    NestedNorm("readings"),
    NestedNorm("readings", sequence_length=2, robust=True, clip=True),
    Norm(Log(NameAge("first_name"))),
    Discrete(NameSex("first_name"), bins=10),
    Unique(NameSex("first_name")),
    Discrete("when", bins=4),
    Twin(Unique("city")),
    Twin(Unique("city", minimum_occurrences=8), twin="other_city"),
    Twin(Norm("age")),
]


@pytest.mark.parametrize("encoder", ENCODERS, ids=lambda encoder: f"{type(encoder).__name__}-{encoder.name}")
def test_encoder_contract(encoder, frame) -> None:
    check_encoder(encoder, frame)


def test_every_public_encoder_is_checked() -> None:
    import lore.encoders

    public = {
        name
        for name in lore.encoders.__all__
        if isinstance(getattr(lore.encoders, name), type) and name not in ("Encoder", "SKLearn")
    }  # SKLearn adapts an encoder; every encoder's check runs it
    assert public == {type(encoder).__name__ for encoder in ENCODERS}


def test_parameters_are_checked_at_fit_from_the_declared_table() -> None:
    import pandas as pd
    import pytest

    from lore.encoders import Discrete, OneHot
    from lore.errors import EncodingError

    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0], "city": ["a", "b", "a"]})
    lazy = Discrete("x", bins=0)  # __init__ only stores
    with pytest.raises(EncodingError, match=r"discrete_x \(Discrete\): bins must be at least 1, got 0"):
        lazy.fit(frame)
    with pytest.raises(EncodingError, match="maximum_cardinality must be an integer or None, got 'many'"):
        OneHot("city", maximum_cardinality="many").fit(frame)
    hot = OneHot("city", maximum_cardinality=2).fit(frame)
    assert hot.maximum_cardinality == 2 and hot.cardinality() == 2  # fit wrote no hyper-parameter
