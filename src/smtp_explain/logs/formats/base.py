"""The typed interface every log format module implements."""

from __future__ import annotations

from collections.abc import Callable, Iterable
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

    def feed_batch(self, lines: Iterable[str]) -> list[LogEvent]:
        """The events of ``lines`` in order, as ``feed`` one line after the other
        gives them (empty lines skipped). A reader whose lines are many and cheap
        overrides this with one loop; readers that subclass Reader inherit this one."""
        events: list[LogEvent] = []
        feed = self.feed
        for line in lines:
            if line:
                found = feed(line)
                if found:
                    events.extend(found)
        return events


def guarded(unparsed: Unparsed, line: str,
            dispatch: Callable[[], list[LogEvent] | None]) -> Iterable[LogEvent]:
    """The events ``dispatch`` reads from a delivery line; a line it cannot read
    (None, or a malformed field raising ValueError/IndexError) is counted as unparsed,
    never dropped silently and never an error."""
    try:
        events = dispatch()
    except (ValueError, IndexError):
        events = None
    if events is None:
        unparsed.add(line)
        return ()
    return events


@dataclass(frozen=True, slots=True)
class LogFormat:
    """One log format: its name, how to recognise its lines, how to key a line by
    queue id (or message id), and a reader for a whole log. Each format module
    builds one from its own functions (``FORMAT``)."""

    name: str
    # True when the line is clearly of this format (used by auto-detection)
    sniff: Callable[[str], bool]
    # the queue id (or message id) the line belongs to; None for a line on its own
    queue_key: Callable[[str], str | None]
    reader: Callable[[Unparsed, ReadOptions], Reader]
    # True for CSV logs: a row may span lines, and the header line names the columns
    csv_rows: bool = False
