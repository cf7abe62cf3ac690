"""Geographic transformers: great-circle distance, and IP geolocation from a MaxMind file.

>>> import pandas as pd
>>> from lore.transformers import Distance
>>> frame = pd.DataFrame({"lat": [0.0], "lon": [0.0], "lat2": [0.0], "lon2": [1.0]})
>>> Distance("lat", "lon", "lat2", "lon2").transform(frame).round(1).tolist()
[111.2]
"""

from __future__ import annotations

from typing import Any

from lore.compat import old_keywords
from lore.errors import EncodingError, MissingDependency
from lore.transformers.base import Source, Transformer, read, source_columns, source_name
from lore.transformers.numeric import numbers

EARTH_RADIUS_KM = 6371.0088
GEOIP_FIELDS = ("country", "continent", "subdivision", "city", "latitude", "longitude", "postal")


@old_keywords
class Distance(Transformer):
    """Haversine distance in kilometres between ``(lat, lon)`` and ``(other_lat, other_lon)``."""

    def __init__(self, lat: Source, lon: Source, other_lat: Source, other_lon: Source) -> None:
        self.column = lat
        self.lon = lon
        self.other_lat = other_lat
        self.other_lon = other_lon

    def _sources(self) -> list[Source]:
        return [self.column, self.lon, self.other_lat, self.other_lon]

    @property
    def name(self) -> str:
        return "distance_" + "_".join(source_name(source) for source in self._sources())

    def input_columns(self) -> list[str]:
        return list(dict.fromkeys(column for source in self._sources() for column in source_columns(source)))

    def transform(self, frame: Any) -> Any:
        import numpy as np

        lat1, lon1, lat2, lon2 = (
            np.radians(numbers(read(frame, s, self.name), self.name)) for s in self._sources()
        )
        a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
        result = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a.clip(0, 1)))
        result.name = self.name
        return result


def default_database() -> str:
    """``$LORE_GEOIP_DATABASE``, else the GeoLite2 City file of the ``maxminddb-geolite2`` package."""
    import importlib.util
    import os
    from pathlib import Path

    configured = os.environ.get("LORE_GEOIP_DATABASE")
    if configured:
        return configured
    spec = importlib.util.find_spec("_maxminddb_geolite2")
    if spec is None or spec.origin is None:
        raise MissingDependency("maxminddb-geolite2", "geoip", "GeoIP without a database")
    return str(Path(spec.origin).parent / "GeoLite2-City.mmdb")


class GeoIP(Transformer):
    """One field of the MaxMind record of an IP address, read from ``database`` (.mmdb).

    ``field`` is ``country`` / ``continent`` / ``subdivision`` (ISO codes), ``city``,
    ``postal``, ``latitude`` or ``longitude``. Needs the ``maxminddb`` library
    (``pip install "lore-ml[geoip]"``). Without ``database``, the file named by
    ``$LORE_GEOIP_DATABASE`` (a newer GeoLite2 or GeoIP2 you downloaded), else the
    GeoLite2 City database shipped in the ``maxminddb-geolite2`` package (part of the
    ``geoip`` extra; GeoLite2 data created by MaxMind, CC BY-SA 3.0,
    https://www.maxmind.com: credit it where you publish results). Lookups happen once
    per distinct address; addresses that are not in the database, not IP addresses, or
    missing give NaN.
    """

    def __init__(self, column: Source, database: str | None = None, field: str = "country") -> None:
        self.column = column
        self.database = database
        self.field = field

    @property
    def name(self) -> str:
        return f"geoip_{self.field}_{source_name(self.column)}"

    def __getstate__(self) -> dict[str, Any]:
        return {key: value for key, value in self.__dict__.items() if key != "_reader"}

    def _open(self) -> Any:
        reader = self.__dict__.get("_reader")
        if reader is None:
            try:
                import maxminddb
            except ModuleNotFoundError as error:
                raise MissingDependency("maxminddb", "geoip", "GeoIP") from error
            database = self.database or default_database()
            try:
                reader = maxminddb.open_database(str(database))
            except (OSError, ValueError, maxminddb.InvalidDatabaseError) as error:
                raise EncodingError(
                    f"GeoIP cannot open the MaxMind database {str(database)!r}: {error}; "
                    "pass the path of a .mmdb file (e.g. GeoLite2-City.mmdb)"
                ) from None
            self._reader = reader
        return reader

    def _field(self, record: Any) -> Any:
        if not record:
            return None
        if self.field in ("latitude", "longitude"):
            return (record.get("location") or {}).get(self.field)
        if self.field == "city":
            return ((record.get("city") or {}).get("names") or {}).get("en")
        if self.field == "postal":
            return (record.get("postal") or {}).get("code")
        if self.field == "subdivision":
            subdivisions = record.get("subdivisions") or [{}]
            return subdivisions[0].get("iso_code")
        key = "country" if self.field == "country" else "continent"
        part = record.get(key) or {}
        return part.get("iso_code") or part.get("code")

    def apply(self, series: Any) -> Any:
        import numpy as np
        import pandas as pd

        if self.field not in GEOIP_FIELDS:
            raise EncodingError(
                f"GeoIP field {self.field!r} is unknown; use one of {', '.join(GEOIP_FIELDS)}"
            )
        reader = self._open()
        codes, uniques = pd.factorize(series)
        found = []
        for address in uniques:  # one C lookup per distinct address
            try:
                found.append(self._field(reader.get(str(address).strip())))
            except ValueError:  # not an IP address
                found.append(None)
        numeric = self.field in ("latitude", "longitude")
        per_key = np.array([*found, None], dtype="float64" if numeric else object)
        result = pd.Series(per_key[codes], index=series.index)
        return result if numeric else result.astype("str")
