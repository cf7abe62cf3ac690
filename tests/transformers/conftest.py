"""A small frame with every kind of raw column the transformers read."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="session")
def raw() -> Any:
    import numpy as np
    import pandas as pd

    return pd.DataFrame(
        {
            "first_name": pd.array(["Mary", "madison ", "TAYLOR", "John", "Zqxv", "Mom"], dtype="str"),
            "email": pd.array(
                ["a@Example.com", "b@x.org", "bad", "c@y.io", "d@x.org", "e@z.com"], dtype="str"
            ),
            "phone": pd.array(
                ["(201) 555-0123", "+1 415 555 0000", "555", "212.555.0199", "1-800-555-0100", "6175550000"],
                dtype="str",
            ),
            "income": [10.0, 0.0, -1.0, 1000.0, 55.5, 3.0],
            "at": pd.to_datetime(
                [
                    "2024-01-01 08:00",
                    "2024-02-29 23:30",
                    "2023-12-31 00:00",
                    "2020-06-15 12:00",
                    "2024-03-01 00:00",
                    "2024-03-02 00:00",
                ]
            ),
            "lat": [0.0, 40.7, 51.5, -33.9, 48.9, 35.7],
            "lon": [0.0, -74.0, -0.1, 151.2, 2.35, 139.7],
            "lat2": [0.0, 34.1, 48.9, -37.8, 48.9, 35.7],
            "lon2": [1.0, -118.2, 2.35, 144.9, 2.35, 139.7],
            "code": pd.array(["ab-12", "zz", "x9", "q-77", "", "7"], dtype="str"),
            "plan": pd.array(["free", "pro", "team", "pro", "gold", "free"], dtype="str"),
            "score": np.arange(6.0),
        }
    )


def _mmdb_value(value: Any) -> bytes:
    """One value in the MaxMind DB data-section encoding (the types the test needs)."""
    import struct

    if isinstance(value, str):
        data = value.encode()
        assert len(data) < 29
        return bytes([(2 << 5) | len(data)]) + data
    if isinstance(value, float):
        return bytes([(3 << 5) | 8]) + struct.pack(">d", value)
    if isinstance(value, dict):
        assert len(value) < 29
        body = b"".join(_mmdb_value(key) + _mmdb_value(item) for key, item in value.items())
        return bytes([(7 << 5) | len(value)]) + body
    if isinstance(value, list):  # extended type 11 (array)
        return bytes([len(value), 11 - 7]) + b"".join(_mmdb_value(item) for item in value)
    if isinstance(value, tuple):  # ("uint16" | "uint32" | "uint64", number)
        kind, number = value
        width, control = {"uint16": (2, [5 << 5]), "uint32": (4, [6 << 5]), "uint64": (8, [0, 9 - 7])}[kind]
        data = number.to_bytes(width, "big").lstrip(b"\0")
        return bytes([control[0] | len(data), *control[1:]]) + data
    raise TypeError(type(value))


def write_mmdb(path: Any, network: str, record: dict) -> None:
    """A minimal IPv4 MaxMind DB with one ``network`` (a.b.c.d/prefix) holding ``record``.

    The search tree has one node per prefix bit; each points on to the next node along
    the network's bits and to "no data" on the other side; the last points to the record.
    """
    import ipaddress

    net = ipaddress.ip_network(network)
    bits = format(int(net.network_address), "032b")[: net.prefixlen]
    nodes = len(bits)
    data = _mmdb_value(record)
    tree = b""
    for index, bit in enumerate(bits):
        onward = index + 1 if index + 1 < nodes else nodes + 16  # data at offset 0
        records = (onward, nodes) if bit == "0" else (nodes, onward)
        tree += b"".join(value.to_bytes(3, "big") for value in records)
    metadata = {
        "node_count": ("uint32", nodes),
        "record_size": ("uint16", 24),
        "ip_version": ("uint16", 4),
        "database_type": "lore-test",
        "languages": ["en"],
        "binary_format_major_version": ("uint16", 2),
        "binary_format_minor_version": ("uint16", 0),
        "build_epoch": ("uint64", 1700000000),
        "description": {"en": "lore test"},
    }
    with open(path, "wb") as stream:
        stream.write(tree + bytes(16) + data + b"\xab\xcd\xefMaxMind.com" + _mmdb_value(metadata))


@pytest.fixture(scope="session")
def mmdb(tmp_path_factory: Any) -> Any:
    """A tiny GeoIP2-City-like database: 81.2.69.0/24 is London, GB."""
    path = tmp_path_factory.mktemp("geoip") / "test-city.mmdb"
    record = {
        "continent": {"code": "EU"},
        "country": {"iso_code": "GB"},
        "subdivisions": [{"iso_code": "ENG"}],
        "city": {"names": {"en": "London"}},
        "postal": {"code": "SW1"},
        "location": {"latitude": 51.5, "longitude": -0.1},
    }
    write_mmdb(path, "81.2.69.0/24", record)
    return path
