"""Lines of a log -> events, joined by queue id with bounded memory."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator

from smtp_explain.logs.detect import FALLBACK, SNIFF_LINES, sniff_line
from smtp_explain.logs.event import LogEvent
from smtp_explain.logs.formats import ReadOptions, get_format
from smtp_explain.logs.formats.base import DEFAULT_MAX_IN_FLIGHT
from smtp_explain.logs.sources import MAX_LINE
from smtp_explain.logs.unparsed import Unparsed


def events_from_lines(
    lines: Iterable[str],
    fmt: str = "auto",
    *,
    unparsed: Unparsed | None = None,
    year: int | None = None,
    max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
) -> Iterator[LogEvent]:
    """Events of the log ``lines`` (in log order; any subset holding whole queue ids
    works too). ``fmt`` "auto" detects the format from the first lines that show it.
    Delivery-looking lines that cannot be read are counted in ``unparsed``."""
    unparsed = unparsed if unparsed is not None else Unparsed()
    iterator = iter(lines)
    if fmt == "auto":
        head: list[str] = []
        found = None
        for line in itertools.islice(iterator, SNIFF_LINES):
            head.append(line)
            found = sniff_line(line[:MAX_LINE])
            if found:
                break
        fmt = found or FALLBACK
        iterator = itertools.chain(head, iterator)
    reader = get_format(fmt).reader(unparsed, ReadOptions(year=year, max_in_flight=max_in_flight))
    feed = reader.feed
    for line in iterator:
        if len(line) > MAX_LINE:
            line = line[:MAX_LINE]
        if line.endswith(("\n", "\r")):
            line = line.rstrip("\r\n")
        if line:
            events = feed(line)
            if events:
                yield from events
    yield from reader.finish()


def queue_key(line: str, fmt: str) -> str | None:
    """The queue id or message id ``line`` belongs to in format ``fmt``; None for a
    line that stands on its own (a NOQUEUE reject, a line that is not about mail)."""
    if fmt == "auto":
        fmt = sniff_line(line) or FALLBACK
    return get_format(fmt).queue_key(line[:MAX_LINE])
