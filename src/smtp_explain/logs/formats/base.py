"""The typed interface every log format module implements."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from smtp_explain.logs.event import LogEvent
from smtp_explain.logs.unparsed import Unparsed

DEFAULT_MAX_IN_FLIGHT = 200_000
MAX_RECIPIENTS_PER_MESSAGE = 10_000


@dataclass(frozen=True, slots=True)
class ReadOptions:
    year: int | None = None  # year of classic syslog stamps; None infers it
    max_in_flight: int = DEFAULT_MAX_IN_FLIGHT  # queue ids held at once


class Reader(Protocol):
    """Reads the lines of one log in order, keeping per-queue-id state."""

    def feed(self, line: str) -> Iterable[LogEvent]: ...

    def finish(self) -> Iterable[LogEvent]: ...


class LogFormat(Protocol):
    name: str

    def sniff(self, line: str) -> bool:
        """True when the line is clearly of this format (used by auto-detection)."""
        ...

    def queue_key(self, line: str) -> str | None:
        """The queue id (or message id) the line belongs to; None for a line on its own."""
        ...

    def reader(self, unparsed: Unparsed, options: ReadOptions) -> Reader: ...
