"""Limits on what one request may cost: body size and time spent decoding."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_MAX_UPLOAD = 10 * 1024 * 1024
DEFAULT_TIME_LIMIT = 20.0
BODY_TIMEOUT = 30.0
DECODING_THREADS = 2

T = TypeVar("T")


class BodyTooLarge(Exception):
    """The request body is larger than the configured limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"request body larger than {limit} bytes")
        self.limit = limit


class TooSlow(Exception):
    """Work on the request did not finish within the time limit (or could not start)."""


class BodyTooSlow(Exception):
    """The client did not send the whole request body in time."""


class BodyLimit:
    """ASGI middleware: reading more than ``limit`` body bytes raises BodyTooLarge,
    and a body still incomplete ``timeout`` seconds after the request began raises
    BodyTooSlow.

    A Content-Length above the limit fails on the first read, before any byte is
    taken; a streamed (chunked) body fails as soon as the running total passes it.
    The exceptions reach the app's exception handlers, which answer 413 and 408.
    """

    def __init__(self, app: ASGIApp, limit: int = DEFAULT_MAX_UPLOAD,
                 timeout: float = BODY_TIMEOUT) -> None:
        self.app = app
        self.limit = limit
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = 0
        for name, value in scope["headers"]:
            if name == b"content-length":
                declared = int(value) if value.isdigit() else 0
                break
        limit = self.limit
        if declared > limit:

            async def refuse() -> Message:
                raise BodyTooLarge(limit)

            await self.app(scope, refuse, send)
            return
        received = 0
        deadline = asyncio.get_running_loop().time() + self.timeout

        async def counted() -> Message:
            nonlocal received
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise BodyTooSlow(
                    f"the request body did not arrive within {self.timeout:g} s") from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, counted, send)


class Worker:
    """Runs blocking work in a small thread pool with a time limit.

    When the time is up the caller gets TooSlow at once; work still queued is
    dropped, and work already running finishes on its own (Python threads cannot
    be stopped) while holding one of the few threads, so runaway work cannot pile
    up: later requests wait for a free thread and time out with TooSlow too.
    """

    def __init__(self, time_limit: float = DEFAULT_TIME_LIMIT,
                 threads: int = DECODING_THREADS) -> None:
        self.time_limit = time_limit
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="smtp-explain-work")

    async def run(self, func: Callable[..., T], *args: object) -> T:
        future = asyncio.get_running_loop().run_in_executor(self._pool, func, *args)
        try:
            return await asyncio.wait_for(future, self.time_limit)
        except TimeoutError:
            raise TooSlow(f"gave up after {self.time_limit:g} seconds") from None

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
