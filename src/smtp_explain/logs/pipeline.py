"""Paths -> events: files read in the order given, consecutive files of one format
read as one log (a queue id may span a rotated file and the next)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from smtp_explain.logs.clock import instant
from smtp_explain.logs.detect import FALLBACK, SNIFF_LINES, sniff_line
from smtp_explain.logs.event import LogEvent
from smtp_explain.logs.formats import Reader, ReadOptions, get_format
from smtp_explain.logs.sources import read_lines
from smtp_explain.logs.stream import MAX_LINE
from smtp_explain.logs.unparsed import Unparsed


def _peek_format(lines: Iterator[str]) -> tuple[str | None, Iterator[str]]:
    head: list[str] = []
    found = None
    for line in itertools.islice(lines, SNIFF_LINES):
        head.append(line)
        found = sniff_line(line[:MAX_LINE])
        if found:
            break
    return found, itertools.chain(head, lines)


def _feed(reader: Reader, lines: Iterable[str]) -> Iterator[LogEvent]:
    feed = reader.feed
    for line in lines:
        if len(line) > MAX_LINE:
            line = line[:MAX_LINE]
        if line.endswith("\r"):
            line = line.rstrip("\r")
        if line:
            events = feed(line)
            if events:
                yield from events


def events_from_paths(
    paths: Iterable[str],
    fmt: str = "auto",
    *,
    unparsed: Unparsed,
    on_error: Callable[[str, str], None],
    year: int | None = None,
    lines_of: Callable[[str, Callable[[str, str], None]], Iterator[str]] = read_lines,
) -> Iterator[LogEvent]:
    options = ReadOptions(year=year)
    current: str | None = None
    reader: Reader | None = None
    for path in paths:
        lines = lines_of(path, on_error)
        name = fmt
        if fmt == "auto":
            found, lines = _peek_format(lines)
            name = found or current or FALLBACK
        if reader is None or name != current:
            if reader is not None:
                yield from reader.finish()
            reader, current = get_format(name).reader(unparsed, options), name
        yield from _feed(reader, lines)
    if reader is not None:
        yield from reader.finish()


def within(events: Iterable[LogEvent], since: datetime | None,
           until: datetime | None) -> Iterator[LogEvent]:
    """Events whose time is in [since, until); without bounds, all of them."""
    if since is None and until is None:
        yield from events
        return
    for event in events:
        when = instant(event.time) if event.time else None
        if when is None:
            continue
        if (since is None or when >= since) and (until is None or when < until):
            yield event
