"""What every request passes through, in one ASGI middleware (one layer is
measurably cheaper than three on the /api/explain hot path):

* security headers on every response;
* the body limits: more than ``max_upload`` bytes raises BodyTooLarge (413), a
  body still incomplete ``body_timeout`` seconds after the request began raises
  BodyTooSlow (408); both reach the app's exception handlers;
* the access log, which records size and timing only: method, path, status,
  bytes in and out, milliseconds. Never the query string (``/explain?q=``
  carries the pasted text), never a body, never the client address.
"""

from __future__ import annotations

import asyncio
import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from smtp_explain.web.limits import BODY_TIMEOUT, DEFAULT_MAX_UPLOAD, BodyTooLarge, BodyTooSlow

access_logger = logging.getLogger("smtp_explain.web.access")
MAX_LOGGED_PATH = 120

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    # no-referrer: result URLs (/explain?q=...) hold the pasted text, and pages
    # link to blocklist and provider sites.
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
)


def _declared_length(scope: Scope) -> int:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else 0
    return 0


class Edge:
    def __init__(self, app: ASGIApp, max_upload: int = DEFAULT_MAX_UPLOAD,
                 body_timeout: float = BODY_TIMEOUT) -> None:
        self.app = app
        self.max_upload = max_upload
        self.body_timeout = body_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        limit = self.max_upload
        too_large = _declared_length(scope) > limit  # refused before any byte is read
        deadline = asyncio.get_running_loop().time() + self.body_timeout
        status = 500
        size_in = size_out = 0

        async def limited_receive() -> Message:
            nonlocal size_in
            if too_large:
                raise BodyTooLarge(limit)
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise BodyTooSlow(
                    f"the request body did not arrive within {self.body_timeout:g} s") from None
            size_in += len(message.get("body", b""))
            if size_in > limit:
                raise BodyTooLarge(limit)
            return message

        async def send_with_headers(message: Message) -> None:
            nonlocal status, size_out
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), *SECURITY_HEADERS]
            elif message["type"] == "http.response.body":
                size_out += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        finally:
            if access_logger.isEnabledFor(logging.INFO):
                # raw_path is still percent-encoded: no control characters reach the log.
                raw = scope.get("raw_path") or scope["path"].encode("utf-8", "replace")
                access_logger.info(
                    "%s %s %d in=%dB out=%dB %.1fms",
                    scope["method"], raw.decode("ascii", "backslashreplace")[:MAX_LOGGED_PATH],
                    status, size_in, size_out, (time.perf_counter() - started) * 1000,
                )
