"""lore.config: config/*.cfg with $VAR expansion and per-environment overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

import lore.config
from lore.errors import ConfigError, MissingVariable, UnknownConfigKey


def write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text)


def test_expands_both_variable_forms_and_literal_dollars(project: Path, monkeypatch):
    monkeypatch.setenv("DB_HOST", "db.internal")
    write(project / "config", "database.cfg", "[MAIN]\nurl: postgresql://$DB_HOST/${DB_HOST}\ncost: $$5\n")
    section = lore.config.read("database")["MAIN"]
    assert section["url"] == "postgresql://db.internal/db.internal"
    assert section["cost"] == "$5"
    assert section.values["url"].source == project / "config" / "database.cfg"


def test_unset_variable_names_file_section_key_and_variable(project: Path, monkeypatch):
    monkeypatch.delenv("LORE_T_UNSET", raising=False)
    write(project / "config", "database.cfg", "[MAIN]\nurl: $LORE_T_UNSET\n")
    with pytest.raises(MissingVariable) as caught:
        lore.config.read("database")
    message = str(caught.value)
    assert "database.cfg" in message and "[MAIN]" in message and "url" in message
    assert "$LORE_T_UNSET" in message


def test_environment_file_overrides_base_file(project: Path, monkeypatch):
    write(project / "config", "database.cfg", "[MAIN]\nurl: sqlite://\npool: 5\n")
    write(project / "config", "database.production.cfg", "[MAIN]\nurl: postgresql://prod/db\n")
    monkeypatch.setenv("LORE_ENV", "production")
    section = lore.config.read("database")["MAIN"]
    assert section["url"] == "postgresql://prod/db" and section["pool"] == "5"
    assert lore.config.files() == [project / "config" / "database.cfg"]


def test_file_that_does_not_parse(project: Path):
    write(project / "config", "database.cfg", "url: no section header\n")
    with pytest.raises(ConfigError, match="database.cfg does not parse"):
        lore.config.read("database")


def test_unknown_key_is_named_with_the_known_ones(project: Path):
    write(project / "config", "database.cfg", "[MAIN]\nurl: sqlite://\nurll: typo\n")
    section = lore.config.read("database")["MAIN"]
    with pytest.raises(UnknownConfigKey, match="'urll'.*known keys are pool_size, url"):
        section.check_keys({"url", "pool_size"})
    with pytest.raises(UnknownConfigKey, match="has no key 'password'"):
        section["password"]


def test_absent_file_reads_as_empty(project: Path):
    assert lore.config.read("nothing") == {}
