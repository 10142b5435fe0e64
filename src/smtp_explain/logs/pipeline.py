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
from smtp_explain.logs.sources import read_batches
from smtp_explain.logs.stream import MAX_LINE
from smtp_explain.logs.unparsed import Unparsed


def _peek_format(batches: Iterator[list[str]]) -> tuple[str | None, Iterator[list[str]]]:
    """The format of the first of the first SNIFF_LINES lines that shows one."""
    head: list[list[str]] = []
    seen = 0
    found = None
    for batch in batches:
        head.append(batch)
        for line in itertools.islice(batch, SNIFF_LINES - seen):
            found = sniff_line(line[:MAX_LINE])
            if found:
                return found, itertools.chain(head, batches)
        seen += len(batch)
        if seen >= SNIFF_LINES:
            break
    return found, itertools.chain(head, batches)


def clean_batch(batch: list[str]) -> list[str]:
    """Lines as readers take them: cut to MAX_LINE characters, without a trailing
    carriage return. Checked once per batch (both are rare)."""
    if batch and max(map(len, batch)) > MAX_LINE:
        batch = [line[:MAX_LINE] for line in batch]
    if "\r" in "".join(batch):
        batch = [line.rstrip("\r") for line in batch]
    return batch


def event_batches_from_paths(
    paths: Iterable[str],
    fmt: str = "auto",
    *,
    unparsed: Unparsed,
    on_error: Callable[[str, str], None],
    year: int | None = None,
    batches_of: Callable[[str, Callable[[str, str], None]], Iterator[list[str]]] = read_batches,
) -> Iterator[list[LogEvent]]:
    """The events of ``paths``, one list per batch of lines read (lists may be empty)."""
    options = ReadOptions(year=year)
    current: str | None = None
    reader: Reader | None = None
    for path in paths:
        batches = batches_of(path, on_error)
        name = fmt
        if fmt == "auto":
            found, batches = _peek_format(batches)
            name = found or current or FALLBACK
        if reader is None or name != current:
            if reader is not None:
                yield list(reader.finish())
            reader, current = get_format(name).reader(unparsed, options), name
        feed_batch = reader.feed_batch
        for batch in batches:
            yield feed_batch(clean_batch(batch))
    if reader is not None:
        yield list(reader.finish())


def events_from_paths(
    paths: Iterable[str],
    fmt: str = "auto",
    *,
    unparsed: Unparsed,
    on_error: Callable[[str, str], None],
    year: int | None = None,
) -> Iterator[LogEvent]:
    """The events of ``paths``: files read in the order given."""
    for batch in event_batches_from_paths(paths, fmt, unparsed=unparsed, on_error=on_error,
                                          year=year):
        yield from batch


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


def within_batches(batches: Iterable[list[LogEvent]], since: datetime | None,
                   until: datetime | None) -> Iterator[list[LogEvent]]:
    """:func:`within` for each batch of events."""
    if since is None and until is None:
        yield from batches
        return
    for batch in batches:
        yield list(within(batch, since, until))
