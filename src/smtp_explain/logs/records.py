"""Lines of a log -> its records, each with the queue id it belongs to.

A record is one line, except in the CSV formats (Exchange, Office 365), where
a quoted field may hold a line break, so a row spans lines: those are joined
as the format's reader joins them (bounded), then keyed. Used where lines are
grouped by queue id before they are read (Spark)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple

from smtp_explain.logs.formats import get_format
from smtp_explain.logs.formats.csv_rows import RowJoiner
from smtp_explain.logs.stream import queue_key


class Record(NamedTuple):
    first: int  # index of the record's first line among the lines given
    text: str
    key: str | None  # queue id or message id; None for a record that stands alone


def records_from_lines(lines: Iterable[str], fmt: str) -> Iterator[Record]:
    """The records of ``lines`` (a batch, or a stream) of format ``fmt`` in order.
    A CSV row still open after the last line is given as it is."""
    if not get_format(fmt).csv_rows:
        for index, line in enumerate(lines):
            yield Record(index, line, queue_key(line, fmt))
        return
    rows = RowJoiner()
    first: int | None = None
    for index, line in enumerate(lines):
        first = index if first is None else first
        text = rows.push(line)
        if text is not None:
            yield Record(first, text, queue_key(text, fmt))
            first = None
    rest = rows.rest()
    if rest is not None and first is not None:
        yield Record(first, rest, queue_key(rest, fmt))
