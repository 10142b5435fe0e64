"""CSV rows from log lines: a quoted field may span lines (bounded), then csv parses it."""

from __future__ import annotations

import csv

MAX_ROW = 256 << 10


def split_row(line: str) -> list[str]:
    try:
        return next(csv.reader([line]), [])
    except csv.Error:
        return []


class RowJoiner:
    """Joins the lines of a row whose quoted field holds a line break."""

    __slots__ = ("_pending",)

    def __init__(self) -> None:
        self._pending = ""

    def push(self, line: str) -> str | None:
        """The complete row text once its quotes balance, else None (kept for later)."""
        text = f"{self._pending}\n{line}" if self._pending else line
        if text.count('"') % 2 and len(text) < MAX_ROW:
            self._pending = text
            return None
        self._pending = ""
        return text

    def rest(self) -> str | None:
        pending, self._pending = self._pending, ""
        return pending or None
