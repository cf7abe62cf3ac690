from __future__ import annotations

import pickle
import sys

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


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("country", "GB"),
        ("continent", "EU"),
        ("subdivision", "ENG"),
        ("city", "London"),
        ("postal", "SW1"),
        ("latitude", 51.5),
        ("longitude", -0.1),
    ],
)
def test_geoip_fields_from_a_maxmind_file(mmdb, field, expected) -> None:
    frame = pd.DataFrame({"ip": ["81.2.69.7", "8.8.8.8", "not an ip", None, "81.2.69.200"]})
    result = GeoIP("ip", mmdb, field=field).transform(frame)
    assert result[0] == expected and result[4] == expected
    assert result[1:4].isna().all()


def test_geoip_missing_database_and_missing_library(tmp_path, monkeypatch) -> None:
    frame = pd.DataFrame({"ip": ["1.2.3.4"]})
    with pytest.raises(EncodingError, match="cannot open the MaxMind database"):
        GeoIP("ip", tmp_path / "missing.mmdb").transform(frame)
    (tmp_path / "bad.mmdb").write_bytes(b"not a database")
    with pytest.raises(EncodingError, match="cannot open the MaxMind database"):
        GeoIP("ip", tmp_path / "bad.mmdb").transform(frame)
    monkeypatch.setitem(sys.modules, "maxminddb", None)  # as if not installed
    with pytest.raises(MissingDependency, match=r"lore-ml\[geoip\]"):
        GeoIP("ip", tmp_path / "bad.mmdb").transform(frame)


def test_geoip_check_transformer(mmdb) -> None:
    from lore.testing import check_transformer

    check_transformer(GeoIP("ip", mmdb), pd.DataFrame({"ip": ["81.2.69.7", "8.8.8.8", "81.2.69.1"]}))


def test_geoip_unknown_field_and_pickle(tmp_path) -> None:
    transformer = GeoIP("ip", tmp_path / "x.mmdb", field="planet")
    with pytest.raises(EncodingError, match="'planet' is unknown"):
        transformer.transform(pd.DataFrame({"ip": ["1.2.3.4"]}))
    assert pickle.loads(pickle.dumps(transformer)).field == "planet"
    assert transformer.name == "geoip_planet_ip"


def test_geoip_without_a_database_uses_the_packaged_geolite2(monkeypatch, mmdb) -> None:
    pytest.importorskip("_maxminddb_geolite2", reason="the geoip extra's maxminddb-geolite2")
    monkeypatch.delenv("LORE_GEOIP_DATABASE", raising=False)
    frame = pd.DataFrame({"ip": ["8.8.8.8", "81.2.69.160", "not an ip", None]})
    countries = GeoIP("ip").transform(frame)
    assert countries.tolist()[:2] == ["US", "GB"] and countries.iloc[2:].isna().all()
    monkeypatch.setenv("LORE_GEOIP_DATABASE", str(mmdb))  # a configured database wins
    configured = GeoIP("ip").transform(frame)
    assert pd.isna(configured.iloc[0]) and configured.iloc[1] == "GB"  # 8.8.8.8 is not in the tiny file
