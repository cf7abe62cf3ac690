"""Every user mistake is one clear line on stderr and a non-zero exit, never a traceback.

Each case starts from a copy of one project made by ``lore init``, breaks one thing
(a config file, .env, a parameter...) and runs the real command in a subprocess.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from lore.cli.init import create

from .conftest import lore_cli

MODEL = "demo.models.subscribers.BoostedName"
VERSION = ".".join(map(str, sys.version_info[:3]))


def database(text: str | bytes):
    def setup(root: Path, tmp: Path) -> dict[str, str]:
        data = text if isinstance(text, bytes) else text.encode()
        (root / "config" / "database.cfg").write_bytes(data)
        return {}

    return setup


def dotenv(data: bytes):
    def setup(root: Path, tmp: Path) -> dict[str, str]:
        (root / ".env").write_bytes(data)
        return {}

    return setup


def env_directory(root: Path, tmp: Path) -> dict[str, str]:
    (tmp / "secrets").mkdir()
    (tmp / "secrets" / "TOKEN").write_bytes(b"\xff\xfe")
    return {"ENV_DIRECTORY": str(tmp / "secrets")}


def variables(**values: str):
    return lambda root, tmp: values


def nothing(root: Path, tmp: Path) -> dict[str, str]:
    return {}


FIT = ("fit", MODEL)
CASES = {
    "unset variable in database.cfg": (
        database("[MAIN]\nurl: $LORE_TEST_UNSET_URL\n"),
        FIT,
        "refers to $LORE_TEST_UNSET_URL, which is not set",
    ),
    "config syntax error": (database("[MAIN\nurl: sqlite://\n"), FIT, "database.cfg does not parse"),
    "duplicate section": (
        database("[MAIN]\nurl: sqlite://\n[MAIN]\nurl: sqlite://\n"),
        FIT,
        "section 'MAIN' already exists",
    ),
    "unknown config key": (database("[MAIN]\nurl: sqlite://\nuser: me\n"), FIT, "unknown key 'user'"),
    "non-UTF-8 .env": (dotenv(b"NAME=caf\xe9\n"), FIT, ".env:1: byte 0xe9 is not UTF-8"),
    "non-UTF-8 config": (
        database(b"[MAIN]\nurl: sqlite:///caf\xe9\n"),
        FIT,
        "database.cfg:2: byte 0xe9 is not",
    ),
    "non-UTF-8 ENV_DIRECTORY file": (env_directory, FIT, "TOKEN:1: byte 0xff is not UTF-8"),
    "port that is not a number": (
        database("[MAIN]\nurl: postgresql://u:secretpw@h:po/db\n"),
        FIT,
        "the port is not a number",
    ),
    "unknown dialect": (database("[MAIN]\nurl: nosuchdb://h/db\n"), FIT, "unknown dialect 'nosuchdb'"),
    "negative max depth": (nothing, (*FIT, "--max-depth", "-3"), "max_depth=-3 is out of range"),
    "zero boosting rounds": (nothing, (*FIT, "--num-boost-round", "0"), "num_boost_round=0 is out of range"),
    "learning rate nan": (nothing, (*FIT, "--learning-rate", "nan"), "learning_rate=nan is not a finite"),
    "search trials not a number": (
        nothing,
        (*FIT, "--search", "trials=abc"),
        "trials must be a whole number",
    ),
    "search timeout negative": (
        nothing,
        (*FIT, "--search", "trials=2,timeout=-1"),
        "timeout must be a positive",
    ),
    "unknown parameter": (nothing, (*FIT, "--max-dept", "3"), "does not accept --max-dept"),
    "unknown model": (nothing, ("fit", "demo.models.nothing.Here"), "cannot import model"),
    "unknown environment": (variables(LORE_ENV="staging"), FIT, "LORE_ENV='staging' is not an environment"),
    "malformed .env line with a secret": (
        dotenv(b"GOOD=1\nDB_PASSWORD='hunter2 and more\n"),
        ("env",),
        ".env:2: cannot parse this line (variable DB_PASSWORD)",
    ),
    "signing key too short": (variables(LORE_SIGNING_KEY="short"), FIT, "LORE_SIGNING_KEY holds a key of 5"),
    "300-character project name": (nothing, ("init", "a" * 300), "characters long; use at most 64"),
}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return create(tmp_path_factory.mktemp("user-errors") / "demo", VERSION)


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(CASES))
def test_a_user_mistake_is_one_clear_line(case: str, template: Path, tmp_path: Path) -> None:
    setup, args, expected = CASES[case]
    root = tmp_path / "demo"
    shutil.copytree(template, root)
    extra = setup(root, tmp_path)
    result = lore_cli(root, *args, **extra)
    lines = result.stderr.strip().splitlines()
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    assert len(lines) == 1 and lines[0].startswith("lore: "), result.stderr
    assert expected in lines[0], lines[0]
    assert "hunter2" not in result.stderr and "secretpw" not in result.stderr
    assert not list((root / "models").glob("*/[0-9]*")), "a failed fit saved a fitting"
