"""``lore api``: serve the project's models over HTTP with uvicorn.

Every model class in ``<app>.models`` gets ``POST /models/<name>/predict``; see
:mod:`lore.server.app` for the endpoints and :mod:`lore.server.settings` for the
``LORE_API_*`` variables. FastAPI and uvicorn are imported only when the command
runs; without them the command says to ``pip install "lore-ml[api]"``.

>>> from click.testing import CliRunner
>>> "--workers" in CliRunner().invoke(api, ["--help"]).output
True
"""

from __future__ import annotations

import os

import click

from lore.errors import MissingDependency

#: The import string of the app factory, which every uvicorn worker calls.
FACTORY = "lore.server.app:from_environment"
#: uvicorn's HTTP protocol with header and body deadlines (:mod:`lore.server.protocol`).
PROTOCOL = "lore.server.protocol:Guarded"


@click.command()
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0 for all)."
)
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on."
)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1), help="Worker processes.")
@click.option("--reload", is_flag=True, help="Restart when the code changes (development).")
@click.option(
    "--graceful-timeout",
    default=30,
    show_default=True,
    type=click.IntRange(0),
    help="Seconds to finish in-flight requests on shutdown.",
)
def api(host: str, port: int, workers: int, reload: bool, graceful_timeout: int) -> None:
    """Serve the project's models over HTTP (predict, models, health, ready, metrics, docs)."""
    from lore.cli import project
    from lore.monitoring.compare import Thresholds

    try:
        import uvicorn

        # fails early, naming the extra to install
        import lore.server.app
    except ImportError as missing:
        raise MissingDependency(missing.name or "uvicorn", "api", "lore api") from None
    # the app package imports from the project's root, with or without a .venv
    env = project.enter()
    root = env.require_root()
    settings = lore.server.app.Settings.from_environment(environment=env.name)
    # the live drift gauges judge by lore monitor's [DRIFT]: a bad value is one line here,
    # not a traceback from each worker
    Thresholds.from_config()
    # one library thread per worker: OpenMP threads fighting over the cores cost a
    # single-row XGBoost prediction 50x (measured); scale with --workers instead
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    uvicorn.run(
        FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers if not reload else None,
        reload=reload,
        reload_dirs=[str(root)] if reload else None,
        timeout_graceful_shutdown=graceful_timeout,
        timeout_keep_alive=settings.keep_alive,
        http=PROTOCOL,
        access_log=False,
        log_config=None,
        proxy_headers=True,
        server_header=False,
    )
