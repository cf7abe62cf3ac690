"""Fixtures shared by the whole suite: an isolated project, and the real services.

Tests that need PostgreSQL, Redis or S3 ask for ``postgres_url``, ``redis_url`` or
``s3_endpoint``. Locally an absent service skips those tests with the reason; with
``LORE_REQUIRE_SERVICES=1`` (set by .ci/run) an absent service fails them instead.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import lore.env

# the per-user signing key lore makes for fittings (lore.stores.signing) goes to a folder
# of this run, never the real ~/.config; set before any test, so subprocesses inherit it
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="lore-test-config-")
for _name in ("LORE_SIGNING_KEY", "LORE_TRUSTED_KEYS", "LORE_ALLOW_UNSIGNED"):
    os.environ.pop(_name, None)

POSTGRES_URL = os.environ.get("LORE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("LORE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _require(service: str, host: str, port: int) -> None:
    if _listening(host, port):
        return
    message = f"{service} is not listening on {host}:{port} (.ci/run starts it)"
    if os.environ.get("LORE_REQUIRE_SERVICES"):
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def unused_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (for a server the test starts)."""
    return free_port()


@pytest.fixture(autouse=True)
def _no_reports(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fits write no report (seconds of plots each) unless a test asks with ``reports_on``."""
    monkeypatch.setenv("LORE_REPORTS", "0")


@pytest.fixture
def reports_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fits write their report, as they do by default outside the test suite."""
    monkeypatch.setenv("LORE_REPORTS", "1")


@pytest.fixture(autouse=True)
def _fresh_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts with no cached environment and no project variables leaking in."""
    for name in ("LORE_ROOT", "LORE_APP", "ENV_DIRECTORY", "LORE_CLUSTER"):
        monkeypatch.delenv(name, raising=False)
    lore.env.reset()
    yield
    lore.env.reset()


@pytest.fixture(autouse=True)
def _fresh_logging() -> Iterator[None]:
    """The handlers a command installs (``lore.log.setup``) leave with its test.

    A console handler holds the ``sys.stderr`` of the test that set it up; left behind,
    it writes to that test's closed capture and a later test's output shows the error.
    """
    root = logging.getLogger()
    level = root.level
    yield
    for handler in [h for h in root.handlers if getattr(h, "_lore_handler", False)]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)


def _forget_modules(package: str) -> None:
    for name in [name for name in sys.modules if name == package or name.startswith(f"{package}.")]:
        del sys.modules[name]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty lore project ``demo_app`` in a temporary folder, made current.

    ``demo_app`` modules imported by an earlier test (from another folder) are
    forgotten before and after, so each test imports its own project's code.
    """
    root = tmp_path / "demo_app"
    for folder in ("config", "demo_app/extracts", "data", "models", "logs"):
        (root / folder).mkdir(parents=True)
    (root / "runtime.txt").write_text("python-3.11.7\n")
    (root / "demo_app" / "__init__.py").write_text("")
    monkeypatch.setenv("LORE_ROOT", str(root))
    monkeypatch.chdir(root)
    monkeypatch.syspath_prepend(str(root))
    lore.env.reset()
    _forget_modules("demo_app")
    yield root
    _forget_modules("demo_app")


@pytest.fixture
def postgres_url() -> str:
    """The URL of the real PostgreSQL (database ``test``); skips or fails when absent."""
    _require("PostgreSQL", "127.0.0.1", 5432)
    return POSTGRES_URL


@pytest.fixture
def redis_url() -> str:
    """The URL of the real Redis (database 15); skips or fails when absent."""
    _require("Redis", "127.0.0.1", 6379)
    return REDIS_URL


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """moto's S3-compatible server over real HTTP on 127.0.0.1, for the whole session."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:  # pragma: no cover - moto is a test dependency
        pytest.skip('moto[server] is not installed: pip install "lore[test]"')
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_endpoint(s3_server: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The S3 endpoint with dummy credentials set for boto3, reset between tests."""
    import urllib.request

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    request = urllib.request.Request(f"{s3_server}/moto-api/reset", method="POST")
    urllib.request.urlopen(request, timeout=5).close()
    return s3_server


_HIDE = '''
import importlib.abc, sys

HIDDEN = set(sys.argv[1].split(","))


class Hide(importlib.abc.MetaPathFinder):
    """Wraps a finder so that it no longer finds the hidden distributions' modules."""

    def __init__(self, finder):
        self.finder = finder

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in HIDDEN or not hasattr(self.finder, "find_spec"):
            return None
        return self.finder.find_spec(name, path, target)

    def __getattr__(self, name):
        return getattr(self.finder, name)


sys.meta_path[:] = [Hide(finder) for finder in sys.meta_path]
exec(compile(sys.argv[2], "<test>", "exec"))
'''


@pytest.fixture
def without(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess]:
    """``without(["xgboost"], code)``: run ``code`` in a new Python where those modules are not installed.

    A meta-path wrapper hides them from every finder, as if uninstalled. The code runs
    in ``tmp_path`` (outside any project) with this tree's lore first on the path.
    """
    root = Path(__file__).resolve().parent.parent

    def run(hidden: list[str], code: str) -> subprocess.CompletedProcess:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")])
        env.pop("LORE_ROOT", None)
        return subprocess.run(
            [sys.executable, "-c", _HIDE, ",".join(hidden), code],
            capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120,
        )  # fmt: skip

    return run


MODEL = "shop.models.subscribers.BoostedName"


@pytest.fixture(scope="session")
def _fitted_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ``lore init`` project whose example model has two fittings with reports (made once per session)."""
    import importlib

    from lore.cli.init import create

    version = ".".join(map(str, sys.version_info[:3]))
    root = create(tmp_path_factory.mktemp("fitted") / "shop", version)
    sys.path.insert(0, str(root))
    try:
        with lore.env.variables(LORE_ROOT=str(root), LORE_ENV=None):
            model_class = importlib.import_module("shop.models.subscribers").BoostedName
            model_class().fit(report=True, num_boost_round=5)
            model_class().fit(report=True, num_boost_round=10, max_depth=2)
    finally:
        sys.path.remove(str(root))
        _forget_modules("shop")
        lore.env.reset()
    return root


@pytest.fixture
def fitted_project(_fitted_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private copy of a project with two fittings (1 and 2) of ``shop...BoostedName``, made current."""
    import shutil

    root = tmp_path / "shop"
    shutil.copytree(_fitted_template, root, symlinks=True)
    with current(root, monkeypatch):
        yield root


@contextlib.contextmanager
def own_modules(app: str, folder: Path | None = None) -> Iterator[None]:
    """Import the package ``app`` afresh in this block, and leave nothing of it behind.

    ``sys.path`` is restored on leaving (with ``folder``, it goes first on it meanwhile),
    and the ``app`` modules are forgotten on entering and leaving. Restoring ``sys.path``
    alone is not enough: a module left in ``sys.modules`` makes a later ``lore init`` of
    that name refuse it as shadowing an imported module, and a later import find stale code.
    """
    saved = list(sys.path)
    if folder is not None:
        sys.path.insert(0, str(folder))
    importlib.invalidate_caches()
    _forget_modules(app)
    try:
        yield
    finally:
        sys.path[:] = saved
        _forget_modules(app)


@contextlib.contextmanager
def current(root: Path, monkeypatch: pytest.MonkeyPatch, app: str = "shop") -> Iterator[Path]:
    """Make ``root`` the current project (working directory, fresh environment, its own ``app`` modules)."""
    monkeypatch.chdir(root)
    monkeypatch.delenv("LORE_ENV", raising=False)
    lore.env.reset()
    with own_modules(app):
        yield root
