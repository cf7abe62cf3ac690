"""A real lore ui server (uvicorn in a thread, on a free port) over a project's store."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytest.importorskip("uvicorn", reason='lore ui needs pip install "lore-ml[api]"')


@pytest.fixture
def ui_server() -> Iterator[Callable[..., str]]:
    """``ui_server(root, store=None, promote=..., token=...)``: lore ui over ``root/models``; its URL."""
    import uvicorn

    from lore.stores import ModelStore
    from lore.ui import create_app
    from tests.conftest import free_port

    servers = []

    def start(root: Path, store: object = None, **options: object) -> str:
        port = free_port()
        app = create_app(store or ModelStore(root / "models"), **options)
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("lore ui did not start within 20 s")
            time.sleep(0.05)
        servers.append((server, thread))
        return f"http://127.0.0.1:{port}"

    yield start
    for server, thread in servers:
        server.should_exit = True
        thread.join(timeout=10)
