"""One-pass, linear-time multi-pattern matching (RE2 Set).

All patterns (rules, blocklists, providers) are compiled once into a single
RE2 set; one scan of a text returns the indexes of every pattern found in it.
RE2 guarantees time linear in the input, whatever the patterns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import cached_property

import re2

from smtp_explain.rules import Rule

MAX_MEM = 256 << 20
_UNANCHORED = re2._re2.RE2.Anchor.UNANCHORED


def fold(text: str) -> str:
    """Lower-case and fold every run of white space to one space."""
    text = text.lower()
    # Fast path, exact: printable ASCII with no doubled, leading or trailing space.
    if text.isascii() and text.isprintable() and "  " not in text and text[:1] != " " and (
        text[-1:] != " "
    ):
        return text
    return " ".join(text.split())


class Matcher:
    """A compiled set of rules, scanned in one pass."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules: tuple[Rule, ...] = tuple(rules)
        options = re2.Options()
        options.max_mem = MAX_MEM
        self._set = re2.Set.SearchSet(options)
        for rule in self.rules:
            self._set.Add(rule.pattern)
        if self.rules:
            self._set.Compile()
        # The C++ set itself, called with bytes: no per-call wrapper.
        self.raw_match: Callable[[bytes], list[int] | None] = (
            self._set._set.Match if self.rules else (lambda _data: None)
        )

    def scan(self, folded: str) -> list[int]:
        """Indexes of every rule whose pattern occurs in the folded text."""
        return self.raw_match(folded.encode("utf-8", "surrogatepass")) or []

    @cached_property
    def _searchers(self) -> dict[int, Searcher]:
        return {}

    def find(self, index: int, folded: str) -> str:
        """The text matched by one rule (used for evidence, not in the hot path)."""
        searcher = self._searchers.get(index)
        if searcher is None:
            searcher = self._searchers[index] = Searcher(self.rules[index].pattern)
        return searcher.found(folded)[:200]


class Searcher:
    """One pattern searched in linear time (RE2) over long texts such as whole
    bounce bodies, where a backtracking engine tries every line start and a
    case-insensitive alternation gets slow. Offsets are str offsets.

    RE2 syntax: no look-arounds or back-references; ``\\w``, ``\\s`` and ``\\d``
    are ASCII-only; repeat counts stay small.
    """

    __slots__ = ("_groups", "_match")

    def __init__(self, pattern: str, max_mem: int = 8 << 20) -> None:
        options = re2.Options()
        options.max_mem = max_mem
        regexp = re2.compile(pattern, options)._regexp  # the C++ object: no wrapper per call
        self._match = regexp.Match
        self._groups = regexp.NumberOfCapturingGroups()

    def first(self, text: str) -> int:
        """Where the first match starts, or -1."""
        data = text.encode("utf-8", "surrogatepass")
        start = self._match(_UNANCHORED, data, 0, len(data))[0][0]
        if start <= 0 or text.isascii():
            return start
        return len(data[:start].decode("utf-8", "surrogatepass"))

    def found(self, text: str) -> str:
        """The text of the first match, or ""."""
        data = text.encode("utf-8", "surrogatepass")
        start, end = self._match(_UNANCHORED, data, 0, len(data))[0]
        return data[start:end].decode("utf-8", "replace") if start >= 0 else ""

    def each(self, text: str) -> Iterator[tuple[str, ...]]:
        """The groups of every non-overlapping match, left to right."""
        data = text.encode("utf-8", "surrogatepass")
        end = len(data)
        pos = 0
        while pos <= end:
            spans = self._match(_UNANCHORED, data, pos, end)
            start, stop = spans[0]
            if start < 0:
                return
            yield tuple(data[a:b].decode("utf-8", "surrogatepass") if a >= 0 else ""
                        for a, b in spans[1:])
            pos = stop if stop > start else stop + 1
