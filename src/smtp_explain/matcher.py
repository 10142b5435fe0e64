"""One-pass, linear-time multi-pattern matching (RE2 Set).

All patterns (rules, blocklists, providers) are compiled once into a single
RE2 set; one scan of a text returns the indexes of every pattern found in it.
RE2 guarantees time linear in the input, whatever the patterns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cached_property
from typing import Any

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
    def _compiled(self) -> dict[int, Any]:
        return {}

    def find(self, index: int, folded: str) -> str:
        """The text matched by one rule (used for evidence, not in the hot path)."""
        regexp = self._compiled.get(index)
        if regexp is None:
            options = re2.Options()
            options.max_mem = 8 << 20
            # The compiled C++ object: one call, byte offsets, no per-call wrapper work.
            regexp = re2.compile(self.rules[index].pattern, options)._regexp
            self._compiled[index] = regexp
        data = folded.encode("utf-8", "surrogatepass")
        start, end = regexp.Match(_UNANCHORED, data, 0, len(data))[0]
        if start < 0:
            return ""
        return data[start:end][:600].decode("utf-8", "replace")[:200]
