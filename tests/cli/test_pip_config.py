"""lore.cli.pip_config: pip's index settings found as pip finds them, and given to uv."""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from lore.cli import pip_config
from lore.cli.installer import Installer
from lore.errors import ConfigError

PIP_CONF = """\
[global]
index-url = https://pypi.example/simple
extra-index-url =
    https://one.example/simple
    https://two.example/simple
trusted-host = pypi.example one.example

[install]
find-links = /wheels /more-wheels
"""


@pytest.fixture
def environ(tmp_path: Path) -> dict[str, str]:
    """An environment whose home and config folders are empty folders of the test."""
    for folder in ("home", "xdg", "work"):
        (tmp_path / folder).mkdir()
    return {
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "home" / ".config"),
        "XDG_CONFIG_DIRS": str(tmp_path / "xdg"),
    }


def test_a_pip_conf_becomes_uv_variables(tmp_path, environ):
    (tmp_path / "pip.conf").write_text(PIP_CONF)
    environ["PIP_CONFIG_FILE"] = str(tmp_path / "pip.conf")
    assert pip_config.for_uv(environ, folder=tmp_path / "work") == {
        "UV_DEFAULT_INDEX": "https://pypi.example/simple",
        "UV_INDEX": "https://one.example/simple https://two.example/simple",
        "UV_INSECURE_HOST": "pypi.example one.example",
        "UV_FIND_LINKS": "/wheels,/more-wheels",
    }


def test_pip_variables_win_and_uv_variables_the_user_set_are_left_alone(tmp_path, environ):
    (tmp_path / "pip.conf").write_text(PIP_CONF)
    environ.update(
        PIP_CONFIG_FILE=str(tmp_path / "pip.conf"),
        PIP_INDEX_URL="https://env.example/simple",
        PIP_EXTRA_INDEX_URL="https://x.example/simple https://y.example/simple",
        UV_FIND_LINKS="/my-wheels",
        UV_INSECURE_HOST="mine.example",
    )
    assert pip_config.for_uv(environ, folder=tmp_path / "work") == {
        "UV_DEFAULT_INDEX": "https://env.example/simple",
        "UV_INDEX": "https://x.example/simple https://y.example/simple",
    }
    environ["UV_INDEX_URL"] = "https://uv.example/simple"  # the deprecated spelling counts too
    assert "UV_DEFAULT_INDEX" not in pip_config.for_uv(environ, folder=tmp_path / "work")


def test_files_are_read_in_pip_s_order(tmp_path, environ):
    user = Path(environ["XDG_CONFIG_HOME"]) / "pip"
    user.mkdir(parents=True)
    (user / "pip.conf").write_text("[global]\nindex-url = https://user.example/simple\n")
    (tmp_path / "xdg" / "pip").mkdir()
    (tmp_path / "xdg" / "pip" / "pip.conf").write_text(
        "[global]\nindex-url = https://system.example/simple\nfind-links = /system-wheels\n"
    )
    work = tmp_path / "work"
    assert pip_config.read(environ) == {
        "index-url": "https://user.example/simple",
        "find-links": "/system-wheels",
    }
    venv = tmp_path / "venv"
    venv.mkdir()
    (venv / "pip.conf").write_text("[install]\nindex-url = https://venv.example/simple\n")
    assert pip_config.for_uv(environ, venv, work)["UV_DEFAULT_INDEX"] == "https://venv.example/simple"
    # PIP_CONFIG_FILE: read last, and the user's files are then skipped
    (tmp_path / "chosen.conf").write_text("[global]\nfind-links = /chosen\n")
    environ["PIP_CONFIG_FILE"] = str(tmp_path / "chosen.conf")
    assert pip_config.read(environ) == {"index-url": "https://system.example/simple", "find-links": "/chosen"}
    environ["PIP_CONFIG_FILE"] = os.devnull  # no file at all, as in pip
    assert pip_config.read(environ) == {}


def test_nothing_is_carried_over_when_uv_has_its_own_configuration(tmp_path, environ):
    environ["PIP_INDEX_URL"] = "https://env.example/simple"
    work = tmp_path / "work"
    assert pip_config.for_uv(environ, folder=work) == {"UV_DEFAULT_INDEX": "https://env.example/simple"}
    (tmp_path / "pyproject.toml").write_text('[tool.uv]\nindex-url = "https://uv.example/simple"\n')
    assert pip_config.for_uv(environ, folder=work) == {}
    (tmp_path / "pyproject.toml").unlink()
    (Path(environ["XDG_CONFIG_HOME"]) / "uv").mkdir(parents=True)
    (Path(environ["XDG_CONFIG_HOME"]) / "uv" / "uv.toml").write_text("")
    assert pip_config.for_uv(environ, folder=work) == {}
    assert pip_config.for_uv({**environ, "UV_NO_CONFIG": "1"}, folder=work) != {}


def test_a_broken_pip_conf_is_one_line(tmp_path, environ):
    (tmp_path / "pip.conf").write_text("index-url = no section header\n")
    environ["PIP_CONFIG_FILE"] = str(tmp_path / "pip.conf")
    with pytest.raises(ConfigError, match=r"^pip's configuration .*pip\.conf cannot be read \(File contains"):
        pip_config.read(environ)


def test_only_uv_runs_with_the_translated_variables(tmp_path, environ, monkeypatch):
    monkeypatch.chdir(tmp_path / "work")
    environ["PIP_INDEX_URL"] = "https://env.example/simple"
    assert Installer("pip", None).environment(tmp_path / "venv", environ) is None
    uv = Installer("uv", "/bin/uv").environment(tmp_path / "venv", environ)
    assert uv == {**environ, "UV_DEFAULT_INDEX": "https://env.example/simple"}


def wheel(folder: Path, name: str) -> Path:
    """A pure-Python wheel ``name`` 1.0 in ``folder``, made by hand (no build backend)."""
    module = name.replace("-", "_")
    files = {
        f"{module}/__init__.py": f"NAME = {name!r}\n",
        f"{module}-1.0.dist-info/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n",
        f"{module}-1.0.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: lore-tests\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
    }
    record = [
        f"{path},sha256={base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b'=').decode()},"
        f"{len(text.encode())}"
        for path, text in files.items()
    ]
    files[f"{module}-1.0.dist-info/RECORD"] = "\n".join([*record, f"{module}-1.0.dist-info/RECORD,,"]) + "\n"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{module}-1.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for name_in_zip, text in files.items():
            archive.writestr(name_in_zip, text)
    return path


def test_uv_installs_from_the_index_and_links_of_a_pip_conf(tmp_path, environ, monkeypatch):
    uv = shutil.which("uv") or shutil.which("uv", path=str(Path(sys.executable).parent))
    if uv is None:
        pytest.skip("uv is not installed (the test extra brings it)")
    simple = tmp_path / "simple"  # a PEP 503 index in a folder, and a folder of wheels
    served = wheel(simple / "lore-toy-index", "lore-toy-index")
    (simple / "lore-toy-index" / "index.html").write_text(f'<a href="{served.name}">{served.name}</a>')
    wheel(tmp_path / "links", "lore-toy-links")
    (tmp_path / "pip.conf").write_text(
        f"[global]\nindex-url = {simple.as_uri()}\nfind-links = {tmp_path / 'links'}\n"
    )
    environ.update(
        PIP_CONFIG_FILE=str(tmp_path / "pip.conf"),
        PATH=os.environ["PATH"],
        UV_CACHE_DIR=str(tmp_path / "cache"),
    )
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    (tmp_path / "requirements.txt").write_text("lore-toy-index\nlore-toy-links\n")
    monkeypatch.chdir(tmp_path / "work")
    installer = Installer("uv", uv)
    python = venv / "bin" / "python"
    command = installer.install(python, [tmp_path / "requirements.txt"], None, upgrade=False)
    done = subprocess.run(command, env=installer.environment(venv, environ), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    frozen = subprocess.run(installer.freeze(python), capture_output=True, text=True, check=True).stdout
    assert frozen.split() == ["lore-toy-index==1.0", "lore-toy-links==1.0"]
    # without the translation uv would look on PyPI (offline here), where they are not
    bare = {**environ, "UV_OFFLINE": "1", "UV_NO_CACHE": "1"}
    assert subprocess.run([*command, "--reinstall"], env=bare, capture_output=True).returncode != 0
