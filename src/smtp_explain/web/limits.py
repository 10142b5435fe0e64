"""Limits on what one request may cost: body size, waiting for the body, decoding time.

The body limits are enforced by :class:`~smtp_explain.web.edge.Edge`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

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
    """Work on the request did not finish within the time limit (or could not start).

    Answered with the text ``too_slow`` of knowledge/texts/<lang>/api.toml.
    """

    key = "too_slow"

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


class BodyTooSlow(Exception):
    """The client did not send the whole request body in time.

    Answered with the text ``slow_body`` of knowledge/texts/<lang>/api.toml, which
    names the app's body timeout; the exception's own message is for logs only.
    """

    key = "slow_body"


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
        self._threads = threads
        self._pool: ThreadPoolExecutor | None = None

    async def run(self, func: Callable[..., T], *args: object) -> T:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self._threads, thread_name_prefix="smtp-explain")
        future = asyncio.get_running_loop().run_in_executor(self._pool, func, *args)
        try:
            return await asyncio.wait_for(future, self.time_limit)
        except TimeoutError:
            raise TooSlow(self.time_limit) from None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
