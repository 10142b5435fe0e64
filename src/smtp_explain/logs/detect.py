"""Which format a log is in, from its first lines."""

from __future__ import annotations

from collections.abc import Iterable

from smtp_explain.logs.formats import FORMATS

SNIFF_LINES = 5000  # lines looked at before giving up (bounded memory)
FALLBACK = "postfix"


def sniff_line(line: str) -> str | None:
    for name, log_format in FORMATS.items():
        if log_format.sniff(line):
            return name
    return None


def detect(lines: Iterable[str]) -> str | None:
    """The first format any of ``lines`` clearly belongs to, else None."""
    for line in lines:
        found = sniff_line(line)
        if found:
            return found
    return None
