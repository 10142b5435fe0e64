"""Lines that look like delivery lines but could not be read: counted, optionally kept."""

from __future__ import annotations

from collections.abc import Callable


class Unparsed:
    """Counts unreadable delivery-looking lines and hands each to ``sink`` when given."""

    __slots__ = ("count", "sink")

    def __init__(self, sink: Callable[[str], object] | None = None) -> None:
        self.count = 0
        self.sink = sink

    def add(self, line: str) -> None:
        self.count += 1
        if self.sink is not None:
            self.sink(line)
