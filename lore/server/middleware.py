"""The ASGI layer around every request: bearer-token auth, metrics and access logs.

It is plain ASGI (no per-request objects beyond what the server already built), so
it costs microseconds. The route label of the metrics and logs is the route's path
template (``/models/{name}/predict``), never the raw path, so unknown URLs cannot
blow up the number of time series.

>>> OPEN_PATHS >= {"/health", "/ready"}
True
"""

from __future__ import annotations

import hmac
import logging
import time
from typing import Any

from lore.server.metrics import Metrics

access_logger = logging.getLogger("lore.server.access")

#: Paths that answer without a token: probes, and the docs page (which asks for one).
OPEN_PATHS = frozenset({"/health", "/ready", "/docs", "/docs/oauth2-redirect", "/openapi.json"})
UNMATCHED = "(unmatched)"


class Observe:
    """Wrap an ASGI app with auth (when ``token`` is set), metrics and access logs."""

    def __init__(
        self, app: Any, metrics: Metrics, token: str | None = None, access_log: bool = False
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.token = f"Bearer {token}".encode() if token else None
        self.access_log = access_log

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_status(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            if self.token is not None and scope["path"] not in OPEN_PATHS and not self._authorized(scope):
                await _unauthorized(send_status)
            else:
                await self.app(scope, receive, send_status)
        finally:
            seconds = time.perf_counter() - start
            route = scope.get("route")
            template = getattr(route, "path", None) or UNMATCHED
            self.metrics.observe(scope["method"], template, status, seconds)
            if self.access_log:
                client = scope.get("client") or ("", 0)
                access_logger.info(
                    "%s %s %s %.1fms",
                    scope["method"],
                    scope["path"],
                    status,
                    seconds * 1000,
                    extra={
                        "method": scope["method"],
                        "path": scope["path"],
                        "route": template,
                        "status": status,
                        "duration_ms": round(seconds * 1000, 3),
                        "client": client[0],
                    },
                )

    def _authorized(self, scope: dict[str, Any]) -> bool:
        for name, value in scope["headers"]:
            if name == b"authorization":
                return hmac.compare_digest(value, self.token or b"")
        return False


async def _unauthorized(send: Any) -> None:
    body = (
        b'{"detail":"missing or wrong bearer token: send the header Authorization: Bearer <LORE_API_TOKEN>"}'
    )
    await send(
        {
            "type": "http.response.start",
            "status": 401,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"www-authenticate", b"Bearer"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
