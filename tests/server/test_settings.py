"""Server settings from the environment."""

from __future__ import annotations

import pytest

from lore.errors import ConfigError
from lore.server.settings import Settings


def test_defaults():
    settings = Settings.from_environment({}, "development")
    assert settings == Settings()
    assert settings.access_log is False and settings.batching is True


def test_values_are_read_and_checked():
    settings = Settings.from_environment(
        {
            "LORE_API_ALIAS": "candidate",
            "LORE_API_TOKEN": "t",
            "LORE_API_MAX_BODY": "1000",
            "LORE_API_TIMEOUT": "0.5",
            "LORE_API_BATCHING": "no",
            "LORE_API_ACCESS_LOG": "0",
        },
        "production",
    )
    assert (settings.alias, settings.token, settings.max_body, settings.timeout) == (
        "candidate",
        "t",
        1000,
        0.5,
    )
    assert settings.batching is False and settings.access_log is False


def test_the_token_is_off_in_development_and_access_logs_on_in_production():
    assert Settings.from_environment({"LORE_API_TOKEN": "t"}, "development").token is None
    assert Settings.from_environment({"LORE_API_TOKEN": "t"}, "test").token == "t"
    assert Settings.from_environment({}, "production").access_log is True


@pytest.mark.parametrize(
    ("name", "value"),
    [("LORE_API_MAX_ROWS", "0"), ("LORE_API_TIMEOUT", "soon"), ("LORE_API_BATCHING", "maybe")],
)
def test_bad_values_name_the_variable(name, value):
    with pytest.raises(ConfigError, match=name):
        Settings.from_environment({name: value}, "development")


def test_the_package_exports_its_public_names_lazily():
    import lore.server

    assert lore.server.__all__ == sorted(
        ["Metrics", "MicroBatcher", "ServedModel", "Settings", "create_app", "discover", "parse"]
    )
    for name in lore.server.__all__:
        assert getattr(lore.server, name).__name__ == name
