"""Mail server logs -> one event per recipient outcome, each reply explained.

Public API::

    EVENT_FIELDS                      # the fixed keys of every event, in order
    events_from_lines(lines, fmt)     # -> Iterator[LogEvent]
    LogEvent(...).to_dict()           # exactly EVENT_FIELDS, None where unknown
    queue_key(line, fmt)              # the id a line belongs to (for grouping)
    records_from_lines(lines, fmt)    # -> Iterator[Record(first, text, key)]: CSV rows joined
    Unparsed(sink)                    # counts (and hands on) unreadable delivery lines
    FORMAT_NAMES                      # "postfix", "exim", ... ("auto" detects)
"""

from __future__ import annotations

from smtp_explain.logs.detect import detect
from smtp_explain.logs.event import EVENT_FIELDS, STATUSES, LogEvent
from smtp_explain.logs.formats import FORMATS
from smtp_explain.logs.records import Record, records_from_lines
from smtp_explain.logs.stream import events_from_lines, queue_key
from smtp_explain.logs.unparsed import Unparsed

FORMAT_NAMES: tuple[str, ...] = tuple(FORMATS)

__all__ = [
    "EVENT_FIELDS", "FORMAT_NAMES", "STATUSES", "LogEvent", "Record", "Unparsed", "detect",
    "events_from_lines", "queue_key", "records_from_lines",
]
