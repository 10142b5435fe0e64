"""Split an mbox stream into messages without reading it whole.

Messages start at lines beginning with "From " that follow an empty line
(or start the file). ">From " quoting (mboxrd) is undone. Lines are read
from a binary stream, so memory stays bounded by the largest message (and
a message larger than MAX_MESSAGE is cut, never held whole).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

MAX_MESSAGE = 64 << 20
_QUOTED_FROM = re.compile(rb"^>+From ")


def is_mbox_start(head: bytes) -> bool:
    return head.startswith(b"From ")


def split_mbox(stream: Iterable[bytes]) -> Iterator[tuple[int, bytes, bool]]:
    """Yield (1-based index, message bytes, whether the message was cut at MAX_MESSAGE)
    for each message of an mbox stream."""
    chunks: list[bytes] = []
    size = 0
    index = 0
    previous_blank = True
    for line in stream:
        if previous_blank and line.startswith(b"From "):
            if chunks:
                index += 1
                yield index, b"".join(chunks), size >= MAX_MESSAGE
            chunks, size = [], 0
            previous_blank = False
            continue
        previous_blank = line in (b"\n", b"\r\n", b"\r")
        if size < MAX_MESSAGE:
            if line.startswith(b">") and _QUOTED_FROM.match(line):
                line = line[1:]
            chunks.append(line)
            size += len(line)
    if chunks and any(c.strip() for c in chunks):
        index += 1
        yield index, b"".join(chunks), size >= MAX_MESSAGE
