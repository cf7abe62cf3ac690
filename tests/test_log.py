"""lore.log: one setup per environment."""

from __future__ import annotations

import json
import logging

import lore.env
import lore.log


def _reset_root():
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_lore_handler", False):
            root.removeHandler(handler)
            handler.close()


def test_test_environment_logs_to_a_file(project, monkeypatch):
    monkeypatch.setenv("LORE_ENV", "test")
    lore.log.setup(lore.env.load())
    try:
        logging.getLogger("lore.unit").warning("written to file")
        for handler in logging.getLogger().handlers:
            handler.flush()
        assert "written to file" in (project / "logs" / "test.log").read_text()
    finally:
        _reset_root()


def test_production_logs_json_lines(project, monkeypatch, capsys):
    monkeypatch.setenv("LORE_ENV", "production")
    lore.log.setup(lore.env.load())
    try:
        logging.getLogger("lore.unit").info("served", extra={"model": "demo"})
        line = capsys.readouterr().out.strip().splitlines()[-1]
        entry = json.loads(line)
        assert entry["message"] == "served" and entry["model"] == "demo" and entry["level"] == "INFO"
    finally:
        _reset_root()


def test_setup_is_idempotent(project):
    lore.log.setup(lore.env.load())
    lore.log.setup(lore.env.load())
    try:
        ours = [h for h in logging.getLogger().handlers if getattr(h, "_lore_handler", False)]
        assert len(ours) == 1
    finally:
        _reset_root()


def test_secrets_are_masked_and_chatty_libraries_quiet(project, monkeypatch):
    monkeypatch.setenv("LORE_ENV", "test")
    monkeypatch.delenv("LORE_LOG_LEVEL", raising=False)
    lore.log.setup(lore.env.load())
    try:
        logging.getLogger("botocore.endpoint").debug("Sending http request: Credential=AKIASECRET")
        logging.getLogger("lore.unit").warning("connecting to postgresql://u:p@ss@db/x?password=hunter2")
        logging.getLogger("lore.unit").warning("headers {'X-Amz-Security-Token': 'IQoJb3'}")
        for handler in logging.getLogger().handlers:
            handler.flush()
        text = (project / "logs" / "test.log").read_text()
        assert "postgresql://u:****@db/x?password=****" in text
        assert "'X-Amz-Security-Token': '****'" in text
        assert "AKIASECRET" not in text and "hunter2" not in text and "IQoJb3" not in text
        assert logging.getLogger("botocore").getEffectiveLevel() == logging.WARNING
        monkeypatch.setenv("LORE_LOG_LEVEL", "DEBUG")  # asked for: they speak again
        lore.log.setup(lore.env.load())
        assert logging.getLogger("botocore").getEffectiveLevel() == logging.DEBUG
    finally:
        _reset_root()
        logging.getLogger("botocore").setLevel(logging.NOTSET)
