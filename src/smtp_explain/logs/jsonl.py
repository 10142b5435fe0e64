"""Events as JSON lines: the one writer of ``logs --json-lines``, in one process or in
the workers of ``--jobs``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

import orjson

from smtp_explain.logs.event import LogEvent
from smtp_explain.logs.tally import Tally

_NEWLINE = orjson.OPT_APPEND_NEWLINE


def json_lines(events: Iterable[LogEvent]) -> bytes:
    """One JSON object per event, keys in EVENT_FIELDS order, each line ending in a newline."""
    dumps = orjson.dumps
    return b"".join([dumps(event.to_dict(), option=_NEWLINE) for event in events])


def write_json_lines(batches: Iterable[list[LogEvent]], out: IO[bytes],
                     tally: Tally | None = None) -> None:
    """Write each batch of events as JSON lines (one write per batch); count them in
    ``tally`` when given."""
    for batch in batches:
        if batch:
            if tally is not None:
                for event in batch:
                    tally.add(event)
            out.write(json_lines(batch))
