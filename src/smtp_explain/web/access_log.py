"""An access log that records size and timing only.

Never the query string (``/explain?q=`` carries the pasted text), never a body,
never the client address: method, path, status, bytes in and out, milliseconds.
"""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("smtp_explain.web.access")
MAX_PATH = 120


class AccessLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not logger.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        size_in = size_out = 0

        async def counting_receive() -> Message:
            nonlocal size_in
            message = await receive()
            size_in += len(message.get("body", b""))
            return message

        async def counting_send(message: Message) -> None:
            nonlocal status, size_out
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                size_out += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, counting_receive, counting_send)
        finally:
            # raw_path is still percent-encoded: no control characters reach the log.
            raw = scope.get("raw_path") or scope["path"].encode("utf-8", "replace")
            path = raw.decode("ascii", "backslashreplace")[:MAX_PATH]
            logger.info(
                "%s %s %d in=%dB out=%dB %.1fms",
                scope["method"], path, status, size_in, size_out,
                (time.perf_counter() - started) * 1000,
            )
