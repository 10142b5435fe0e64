"""Every line and event of one queue id or message id (``logs --trace ID``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from smtp_explain.logs.event import LogEvent
from smtp_explain.logs.formats import get_format
from smtp_explain.logs.stream import events_from_lines, queue_key
from smtp_explain.logs.unparsed import Unparsed

MAX_KEYS = 1000


@dataclass
class Trace:
    lines: list[str]
    events: list[LogEvent]


def trace(lines: Iterable[str], wanted: str, fmt: str) -> Trace:
    """Lines that belong to ``wanted`` (a queue id, or a message id and the queue ids
    that carried it) and the events made from them. ``fmt`` must be a format name."""
    needle = wanted.strip().strip("<>")
    keys = {needle}
    kept: list[str] = []
    headers: list[str] = []  # CSV header lines name the columns of the rows kept
    log_format = get_format(fmt)
    for line in lines:
        key = queue_key(line, fmt)
        if key is None and log_format.csv_rows and log_format.sniff(line):
            headers.append(line.rstrip("\r\n"))
            continue
        if key in keys or needle in line:
            kept.append(line.rstrip("\r\n"))
            if key and key not in keys and len(keys) < MAX_KEYS:
                keys.add(key)
    events = [e for e in events_from_lines([*headers[-1:], *kept], fmt, unparsed=Unparsed())
              if e.queue_id in keys or e.message_id == needle]
    return Trace(kept, events)
