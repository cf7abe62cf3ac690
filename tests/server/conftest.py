"""A real project with fitted XGBoost models, and ``lore api`` serving it on 127.0.0.1.

The project ``shop`` has a classifier (``subscribers.Subscribers``) and a regression
(``subscribers.Spend``) over a small generated table, plus a custom router in
``shop/api/``. It is fitted once per session, in a subprocess. Servers run as
``python -m lore api`` subprocesses on free ports, as in production.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

MODELS = """
import numpy as np
import pandas as pd

import lore.estimators
import lore.models
import lore.pipelines
from lore.encoders import Boolean, Norm, Unique


def users(rows=400):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "city": np.array(["paris", "lima", "oslo", "pune"])[rng.integers(0, 4, rows)],
            "plan": np.array(["free", "pro", "team"])[rng.integers(0, 3, rows)],
            "age": rng.normal(40, 10, rows).round(),
        }
    )
    frame["spend"] = (frame["plan"] != "free") * 50.0 + frame["age"] + rng.normal(0, 5, rows)
    frame["subscribed"] = (frame["plan"] == "pro") | ((frame["city"] == "oslo") & (frame["age"] > 40))
    return frame


class Users(lore.pipelines.TrainTestSplit):
    def get_data(self):
        return users()

    def get_encoders(self):
        return (Unique("city"), Unique("plan"), Norm("age"))

    def get_output_encoder(self):
        return Boolean("subscribed")


class Amounts(Users):
    def get_output_encoder(self):
        return Norm("spend")


class Subscribers(lore.models.Base):
    def __init__(self):
        super().__init__(pipeline=Users(), estimator=lore.estimators.XGBoost(n_estimators=20, max_depth=3))


class Spend(lore.models.Base):
    def __init__(self):
        super().__init__(pipeline=Amounts(), estimator=lore.estimators.XGBoost(n_estimators=20, max_depth=3))
"""

ROUTER = """
import asyncio

from fastapi import APIRouter, Query

router = APIRouter(prefix="/extra", tags=["extra"])


@router.get("/hello")
async def hello(who: str = "world") -> dict:
    return {"message": "hello " + who}


@router.get("/square")
async def square(n: int = Query(ge=-1000, le=1000)) -> dict:
    return {"square": n * n}


@router.get("/sleep", include_in_schema=False)
async def sleep(seconds: float = 1.0) -> dict:
    await asyncio.sleep(seconds)
    return {"slept": seconds}
"""

TOKEN = "s3cret-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_in_project(root: Path, code: str, **extra: str) -> str:
    """Run Python ``code`` inside the project (as ``lore`` commands do); return its stdout."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=root,
        env=project_env(root, **extra),
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


#: The folder holding the ``lore`` under test (a worktree may differ from the installed one).
LORE = str(Path(__import__("lore").__file__).parents[1])


#: The key the test project's fittings are signed with, shared by fits and servers.
SIGNING_KEY = "lore-server-tests-signing-key-0123456789"


def project_env(root: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("LORE_", "PYTEST"))}
    path = os.pathsep.join([str(root), LORE])
    # fittings are signed and, in production, loaded only with this key (docs/stores.rst)
    signing = {"LORE_SIGNING_KEY": SIGNING_KEY}
    env.update({"LORE_ROOT": str(root), "PYTHONPATH": path, "OMP_NUM_THREADS": "1", **signing, **extra})
    return env


@pytest.fixture(scope="session")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``shop`` project, with one fitting of each model (``production`` -> 1)."""
    root = tmp_path_factory.mktemp("server") / "shop"
    for folder in ("config", "data", "models", "logs", "shop/models", "shop/api"):
        (root / folder).mkdir(parents=True)
    (root / "runtime.txt").write_text("python-3.11.7\n")
    (root / "shop" / "__init__.py").write_text("")
    (root / "shop" / "models" / "__init__.py").write_text("")
    (root / "shop" / "models" / "subscribers.py").write_text(MODELS)
    (root / "shop" / "api" / "__init__.py").write_text("")
    (root / "shop" / "api" / "extra.py").write_text(ROUTER)
    run_in_project(
        root,
        """
        import lore.stores
        from shop.models.subscribers import Spend, Subscribers
        for model in (Subscribers(), Spend()):
            model.fit()
            lore.stores.model_store().alias(model.name(), model.fitting, "production")
        """,
    )
    return root


@dataclass
class Server:
    """A ``lore api`` subprocess and where it listens."""

    url: str
    process: subprocess.Popen
    log: Path
    headers: dict[str, str] = field(default_factory=dict)

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(timeout=30)


def start(root: Path, name: str, script: bool = False, **settings: str) -> Server:
    """Start ``python -m lore api`` in ``root`` with ``settings``; wait until /ready.

    With ``script``, the ``lore`` command instead, and the project not on ``PYTHONPATH``
    (``python -m`` puts the working directory first on ``sys.path``; a script does not).
    """
    import httpx

    port = free_port()
    log = root / "logs" / f"{name}.out"
    env = project_env(root, **settings)
    command = [sys.executable, "-m", "lore"]
    if script:
        command = [str(Path(sys.executable).with_name("lore"))]
        env["PYTHONPATH"] = LORE
    process = subprocess.Popen(
        [*command, "api", "--port", str(port), "--graceful-timeout", "10"],
        cwd=root,
        env=env,
        stdout=open(log, "wb"),  # noqa: SIM115 - the child owns it
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"lore api exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                headers = (
                    {"Authorization": f"Bearer {settings['LORE_API_TOKEN']}"}
                    if "LORE_API_TOKEN" in settings
                    else {}
                )
                return Server(url, process, log, headers)
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    raise AssertionError(f"lore api did not get ready in 60s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def server(shop: Path) -> Iterator[Server]:
    """``lore api`` in development: no token, no batching, default limits."""
    running = start(shop, "development", LORE_API_BATCHING="0")
    yield running
    running.stop()


@pytest.fixture(scope="session")
def production(shop: Path) -> Iterator[Server]:
    """``lore api`` in production: bearer token, JSON access logs, batching, small limits."""
    running = start(
        shop,
        "production",
        LORE_ENV="production",
        LORE_API_TOKEN=TOKEN,
        LORE_API_BATCHING="1",
        LORE_API_MAX_ROWS="50",
        LORE_API_MAX_BODY="20000",
        LORE_API_READ_TIMEOUT="1",
    )
    yield running
    running.stop()


@pytest.fixture(scope="session")
def guarded(shop: Path) -> Iterator[Server]:
    """``lore api`` with one-second header, body and keep-alive deadlines."""
    running = start(
        shop,
        "deadlines",
        LORE_API_BATCHING="0",
        LORE_API_HEADER_TIMEOUT="1",
        LORE_API_READ_TIMEOUT="1",
        LORE_API_KEEP_ALIVE="1",
    )
    yield running
    running.stop()


ROWS = [
    {"city": "oslo", "plan": "pro", "age": 52.0},
    {"city": "lima", "plan": "free", "age": 23.0},
    {"city": "pune", "plan": "team", "age": 37.0},
]


@pytest.fixture(scope="session")
def rows() -> list[dict]:
    """Three raw rows of the ``shop`` models' input."""
    return [dict(row) for row in ROWS]


@pytest.fixture(scope="session")
def reference(shop: Path) -> dict:
    """What the served fittings predict in process for :data:`ROWS`: the truth to compare with."""
    import json

    output = run_in_project(
        shop,
        f"""
        import json
        import pandas as pd
        from shop.models.subscribers import Spend, Subscribers
        frame = pd.DataFrame({ROWS!r})
        classifier = Subscribers.load("production")
        print(json.dumps({{
            "predictions": classifier.predict(frame).tolist(),
            "probabilities": classifier.predict_proba(frame).tolist(),
            "spend": Spend.load("production").predict(frame).tolist(),
            "schema": classifier.pipeline.input_schema(),
        }}, default=str))
        """,
    )
    return json.loads(output.strip().splitlines()[-1])


@pytest.fixture
def in_project():
    """:func:`run_in_project`, for tests."""
    return run_in_project


@pytest.fixture
def fit_again(shop: Path):
    """Fit ``Subscribers`` once more and point ``production`` at the new fitting; return its number."""

    def fit() -> int:
        output = run_in_project(
            shop,
            """
            import lore.stores
            from shop.models.subscribers import Subscribers
            model = Subscribers()
            model.fit()
            lore.stores.model_store().alias(model.name(), model.fitting, "production")
            print(model.fitting)
            """,
        )
        return int(output.strip().splitlines()[-1])

    return fit


@pytest.fixture
def launch(shop: Path) -> Iterator:
    """Start servers for one test (``launch(name, root=shop, **settings)``); all are stopped after."""
    started: list[Server] = []

    def launch_one(name: str, root: Path | None = None, script: bool = False, **settings: str) -> Server:
        started.append(start(root or shop, name, script, **settings))
        return started[-1]

    yield launch_one
    for running in started:
        if running.process.poll() is None:
            running.process.kill()
            running.process.wait(timeout=10)
