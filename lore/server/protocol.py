"""uvicorn's HTTP protocol with a deadline on every phase of a request.

uvicorn closes a keep-alive connection left idle (``timeout_keep_alive``, which
``lore api`` sets from ``LORE_API_KEEP_ALIVE``), but it has no deadline for the
request line and headers, and none for a body the application has not asked for
yet: a client sending nothing, or headers at 8 bytes a second, or half a body, holds
its connection (and a slot of the server) for as long as it likes. :class:`Guarded`
(``lore api`` runs it; uvicorn's ``http=`` option) adds two timers and a size cap:

- **headers**: from the opening of a connection, or from the first byte of a request
  after a keep-alive pause, to the end of its headers: ``LORE_API_HEADER_TIMEOUT``;
  at most :data:`MAX_HEADER` bytes of request line and headers (431 above);
- **body**: from the end of the headers to the end of the body, whatever the route
  does and whether or not it has read anything yet: ``LORE_API_READ_TIMEOUT``.

A deadline missed is answered ``408`` (with ``{"detail": ...}`` naming the variable)
when no response has started, and the connection is closed; a request the
application is still reading wakes up to a disconnect. Each costs one timer per
request.

>>> Guarded.__mro__[1].__name__ in ("HttpToolsProtocol", "H11Protocol")
True
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, ClassVar

from lore.server.settings import Settings

try:  # uvicorn's own choice of parser: httptools when installed
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as _Protocol
except ImportError:  # pragma: no cover - uvicorn[standard] brings httptools
    from uvicorn.protocols.http.h11_impl import H11Protocol as _Protocol  # type: ignore[assignment]

logger = logging.getLogger(__name__)

#: The most bytes of request line and headers one request may send.
MAX_HEADER = 65_536

_REASONS = {408: b"Request Timeout", 431: b"Request Header Fields Too Large"}


class Guarded(_Protocol):  # type: ignore[misc, valid-type]
    """uvicorn's protocol, with header and body deadlines and a header size cap."""

    #: read once per process, from the environment (``lore api`` workers share it)
    settings: ClassVar[Settings | None] = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if Guarded.settings is None:
            Guarded.settings = Settings.from_environment()
        self._timer: asyncio.TimerHandle | None = None
        self._phase = ""  # "headers", "body", or "" when no deadline runs
        self._header_bytes = 0

    def connection_made(self, transport: Any) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start("headers")

    def data_received(self, data: bytes) -> None:
        if not self._phase:  # nothing in progress: these are the first bytes of a request
            self._start("headers")
        if self._phase == "headers":
            self._header_bytes += len(data)
        cycle = self.cycle
        super().data_received(data)
        if self.cycle is not cycle:  # a request's headers are complete
            self._header_bytes = 0
            if self.cycle.more_body:
                self._start("body")
            else:
                self._stop()
        elif self._phase == "body" and not self.cycle.more_body:
            self._stop()
        elif self._phase == "headers" and self._header_bytes > MAX_HEADER:
            self._refuse(431, f"the request line and headers are over {MAX_HEADER} bytes")

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop()
        super().connection_lost(exc)

    def _start(self, phase: str) -> None:
        settings = self.settings or Settings()
        seconds = settings.header_timeout if phase == "headers" else settings.read_timeout
        if self._timer is not None:
            self._timer.cancel()
        self._phase = phase
        self._timer = self.loop.call_later(seconds, self._expired)

    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer, self._phase = None, ""

    def _expired(self) -> None:
        settings = self.settings or Settings()
        if self._phase == "headers":
            self._refuse(
                408,
                f"the request headers did not arrive within {settings.header_timeout:g}s "
                "(LORE_API_HEADER_TIMEOUT)",
            )
        else:
            self._refuse(
                408, f"the body did not arrive within {settings.read_timeout:g}s (LORE_API_READ_TIMEOUT)"
            )

    def _refuse(self, status: int, message: str) -> None:
        """Answer ``status`` if no response has started, and close the connection."""
        headers = self._phase == "headers"
        self._stop()
        if self.transport.is_closing():
            return
        logger.info("closing the connection of %s: %s", (self.client or ("?",))[0], message)
        cycle = self.cycle
        # between requests (headers), or before the application answers (body)
        if cycle is None or (cycle.response_complete if headers else not cycle.response_started):
            body = b'{"detail":"' + message.encode() + b'"}'
            self.transport.write(
                b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\nconnection: close\r\n"
                b"content-length: %d\r\n\r\n%s" % (status, _REASONS[status], len(body), body)
            )
        if cycle is not None and not cycle.response_complete:
            cycle.disconnected = True  # the application's reads see a disconnect, its writes go nowhere
            cycle.message_event.set()
        self.transport.close()
