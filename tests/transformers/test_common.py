"""Every transformer through the shared invariants of lore.testing.check_transformer."""

from __future__ import annotations

import pytest

from lore.testing import check_transformer
from lore.transformers import (
    Age,
    AreaCode,
    DateTime,
    Distance,
    EmailDomain,
    Extract,
    IsNull,
    Length,
    Log,
    LogPlusOne,
    Map,
    NameAge,
    NameFamilial,
    NamePopulation,
    NameSex,
    String,
)

TRANSFORMERS = [
    NameAge("first_name"),
    NameSex("first_name"),
    NamePopulation("first_name"),
    NameFamilial("first_name"),
    Log(NameAge("first_name")),
    AreaCode("phone"),
    AreaCode("phone", region=True),
    EmailDomain("email"),
    Log("income"),
    LogPlusOne("income"),
    DateTime("at", "year"),
    DateTime("at", "month"),
    DateTime("at", "dayofweek"),
    DateTime("at", "hour"),
    DateTime("at", "epoch"),
    Age("at", unit="days", reference="2025-01-01"),
    String("plan", "upper"),
    String("email"),
    IsNull("code"),
    Map("plan", {"free": 0, "pro": 1}),
    Map("plan", {"free": 0}, default=-1),
    Extract("code", r"\d+"),
    Length("code"),
    Distance("lat", "lon", "lat2", "lon2"),
]


@pytest.mark.parametrize("transformer", TRANSFORMERS, ids=repr)
def test_transformer_contract(transformer, raw) -> None:
    check_transformer(transformer, raw)


def test_every_public_transformer_is_checked() -> None:
    import lore.transformers

    exempt = {
        "Transformer",
        "Binary",
        "GeoIP",
    }  # bases; GeoIP needs a MaxMind file (tests/transformers/test_geo.py)
    public = {name for name in lore.transformers.__all__ if name not in exempt}
    assert public == {type(transformer).__name__ for transformer in TRANSFORMERS}
