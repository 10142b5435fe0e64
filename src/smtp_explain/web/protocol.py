"""The HTTP connection guard: a deadline for request headers and a connection cap.

uvicorn times out idle keep-alive connections, but a client that sends its
headers a byte at a time keeps its connection (and a file descriptor) forever:
1,500 such clients starve a server with a 1,024-descriptor limit. This
protocol, uvicorn's own httptools one plus two rules, closes a connection whose
request headers are not complete ``HEADER_TIMEOUT`` seconds after they began
(or after the connection opened), answering 408, and answers 503 at once to
connections beyond ``MAX_CONNECTIONS``, so the descriptors of normal clients
stay free.

The limits come from the environment (set by ``serve``) so that worker
processes started by uvicorn apply the same ones.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

ENV_HEADER_TIMEOUT = "SMTP_EXPLAIN_HEADER_TIMEOUT"
ENV_MAX_CONNECTIONS = "SMTP_EXPLAIN_MAX_CONNECTIONS"
HEADER_TIMEOUT = 10.0  # seconds for a request's headers
MAX_CONNECTIONS = 512  # open connections per server process

_TOO_SLOW = (b"HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\n"
             b"connection: close\r\n\r\n")
_TOO_MANY = (b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nretry-after: 5\r\n"
             b"connection: close\r\n\r\n")


def _setting(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


class GuardedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a header deadline and a connection cap."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_deadline: asyncio.TimerHandle | None = None
        self._header_timeout = _setting(ENV_HEADER_TIMEOUT, HEADER_TIMEOUT)
        self._max_connections = int(_setting(ENV_MAX_CONNECTIONS, MAX_CONNECTIONS))

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self._max_connections:
            transport.write(_TOO_MANY)
            transport.close()
            return
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._header_deadline is None:
            self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def _arm(self) -> None:
        self._header_deadline = self.loop.call_later(self._header_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _too_slow(self) -> None:
        self._header_deadline = None
        if not self.transport.is_closing():
            self.transport.write(_TOO_SLOW)
            self.transport.close()
