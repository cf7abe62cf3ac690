from __future__ import annotations

import pickle

import pandas as pd
import pytest

from lore.errors import EncodingError, MissingDependency
from lore.transformers import Distance, GeoIP


def test_distance_haversine_kilometres() -> None:
    frame = pd.DataFrame(
        {
            "lat": [40.7128, 0.0, None],
            "lon": [-74.006, 0.0, 1.0],
            "lat2": [51.5074, 0.0, 1.0],
            "lon2": [-0.1278, 0.0, 1.0],
        }
    )
    result = Distance("lat", "lon", "lat2", "lon2").transform(frame)
    assert result[0] == pytest.approx(5570, abs=5)  # New York - London
    assert result[1] == 0.0 and pd.isna(result[2])


def test_geoip_without_maxminddb_names_the_extra(tmp_path) -> None:
    pytest.importorskip("pytest")
    try:
        import maxminddb  # noqa: F401
    except ModuleNotFoundError:
        with pytest.raises(MissingDependency, match=r"lore\[geoip\]"):
            GeoIP("ip", tmp_path / "missing.mmdb").transform(pd.DataFrame({"ip": ["1.2.3.4"]}))
    else:
        with pytest.raises(EncodingError, match="cannot open the MaxMind database"):
            GeoIP("ip", tmp_path / "missing.mmdb").transform(pd.DataFrame({"ip": ["1.2.3.4"]}))


def test_geoip_unknown_field_and_pickle(tmp_path) -> None:
    transformer = GeoIP("ip", tmp_path / "x.mmdb", field="planet")
    with pytest.raises(EncodingError, match="'planet' is unknown"):
        transformer.transform(pd.DataFrame({"ip": ["1.2.3.4"]}))
    assert pickle.loads(pickle.dumps(transformer)).field == "planet"
    assert transformer.name == "geoip_planet_ip"
