"""Linear-time multi-pattern matching: which rules occur in a text.

``matcher_for`` gives a ``PrefilteredMatcher``: one Aho-Corasick pass over the text
for the literals each rule cannot match without, then RE2 searches of only the rules
those literals name. Its answers are those of one RE2 set over every pattern
(``Matcher``), which it still uses for long texts; tests hold the two equal. RE2
guarantees time linear in the input, whatever the patterns.

Windowed patterns (``A.{0,200}B``: two phrases within a bounded distance) are
linear too, but a counted gap makes the set's automaton track every open
window; text that opens such windows again and again without closing them
thrashes its state cache (about 2.4 s per MB with nine such rules, against
a few ms without). So they are matched in two phases: the set looks only for
their two phrases, and where both occur, the whole pattern is checked in a
bounded window around each occurrence of the second phrase (at most
``MAX_WINDOWS`` of them per text, so the work per text is bounded as well).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import cache, cached_property
from pathlib import Path

import ahocorasick_rs
import re2

from smtp_explain import literals, snapshots
from smtp_explain.rules import Rule

MAX_MEM = 256 << 20
_UNANCHORED = re2._re2.RE2.Anchor.UNANCHORED


def fold(text: str) -> str:
    """Lower-case and fold every run of white space to one space (str.split's idea of
    white space, Unicode included)."""
    text = text.lower()
    # Fast path, exact: printable ASCII with no doubled, leading or trailing space.
    if text.isascii() and text.isprintable() and "  " not in text and text[:1] != " " and (
        text[-1:] != " "
    ):
        return text
    if len(text) < 4096:  # a reply line: split and join is the fewest steps
        return " ".join(text.split())
    # On UTF-8 bytes, in a few C passes and never a Python object per word (split and
    # join make 200,000 of them for 1 MB of prose): ASCII white space through a byte
    # table, the few Unicode spaces by replace, then runs of spaces halved away.
    data = text.encode("utf-8", "surrogatepass").translate(_ASCII_SPACES)
    if not text.isascii():
        for space in _UNICODE_SPACES:
            if space in data:
                data = data.replace(space, b" ")
    while b"  " in data:
        data = data.replace(b"    ", b" ").replace(b"  ", b" ")
    return data.strip(b" ").decode("utf-8", "surrogatepass")


_ASCII_SPACES = bytes(32 if b < 128 and chr(b).isspace() else b for b in range(256))
# The non-ASCII characters str.isspace() accepts (Unicode White_Space and the
# bidi separators), listed rather than found by a scan of all 1.1 million code points
# at import (a test checks the list against that scan).
UNICODE_SPACE_CODES = (0x85, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F,
                       0x205F, 0x3000)
_UNICODE_SPACES = tuple(chr(code).encode("utf-8") for code in UNICODE_SPACE_CODES)


MIN_WINDOW = 8  # a counted gap this wide or wider is matched in two phases
MAX_WINDOWS = 256  # windows checked per windowed rule and text
# Bytes around an occurrence of the second phrase that a match can span: the first
# phrase and the gap before it (a gap counts characters, up to 4 bytes each in
# UTF-8), the rest of the pattern after it.
WINDOW_BEFORE = 2048
WINDOW_AFTER = 1024


def split_window(pattern: str) -> tuple[str, str] | None:
    """(first phrase, second phrase) of a pattern with a wide counted gap at its top
    level (``A.{0,80}B``, ``A[^()]{0,120}B``), else None. The second phrase is what
    follows the gap up to the next wide gap, if any."""
    gaps = _top_level_gaps(pattern)
    if not gaps:
        return None
    head = pattern[:gaps[0][0]]
    # The segments after each gap; the first one that is more than a character or two
    # (a lone ">" occurs everywhere), else the last one.
    ends = [end for _, end in gaps]
    follows = [start for start, _ in gaps[1:]] + [len(pattern)]
    segments = [pattern[end:stop] for end, stop in zip(ends, follows, strict=True)]
    tail = next((seg for seg in segments if len(seg.strip()) >= 4), segments[-1])
    if not head.strip() or not tail.strip():
        return None
    return head, tail


def _top_level_gaps(pattern: str) -> list[tuple[int, int]]:
    """Spans of ``.{m,n}`` / ``[^...]{m,n}`` (n >= MIN_WINDOW) outside any group; none
    when the pattern is an alternation at its top level (``a|b.{0,80}c``): its two
    phrases would not be the first and second phrase of every match."""
    gaps: list[tuple[int, int]] = []
    depth = 0
    i = 0
    size = len(pattern)
    while i < size:
        char = pattern[i]
        atom_start = i
        if char == "\\":
            i += 2
            continue
        if char == "(":
            depth += 1
            i += 1
            continue
        if char == ")":
            depth -= 1
            i += 1
            continue
        if char == "|" and depth == 0:
            return []
        if char == "[":
            j = i + 1
            if j < size and pattern[j] == "^":
                j += 1
            if j < size and pattern[j] == "]":
                j += 1
            while j < size and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            i = j + 1
        else:
            i += 1
        negated = char == "[" and pattern[atom_start + 1:atom_start + 2] == "^"
        if depth == 0 and (char == "." or negated) and pattern[i:i + 1] == "{":
            close = pattern.find("}", i)
            bounds = pattern[i + 1:close].split(",") if close > 0 else []
            if len(bounds) == 2 and bounds[1].isdigit() and int(bounds[1]) >= MIN_WINDOW:
                gaps.append((atom_start, close + 1))
                i = close + 1
    return gaps


class Matcher:
    """A compiled set of rules, scanned in one pass."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules: tuple[Rule, ...] = tuple(rules)
        options = re2.Options()
        options.max_mem = MAX_MEM
        self._set = re2.Set.SearchSet(options)
        # Entry i of the set is rule i's pattern, or for a windowed rule its first
        # phrase; the second phrases of windowed rules follow all the rules.
        self._windowed: dict[int, tuple[int, Searcher, Searcher]] = {}
        tails: list[tuple[int, str]] = []
        for index, rule in enumerate(self.rules):
            parts = split_window(rule.pattern)
            if parts is None:
                self._set.Add(rule.pattern)
                continue
            head, tail = parts
            self._set.Add(head)
            tails.append((index, tail))
        for offset, (index, tail) in enumerate(tails):
            self._set.Add(tail)
            self._windowed[index] = (len(self.rules) + offset, Searcher(tail),
                                     Searcher(self.rules[index].pattern))
        self._count = len(self.rules)
        if self.rules:
            self._set.Compile()
        # The C++ set itself, called with bytes: no per-call wrapper.
        set_match: Callable[[bytes], list[int] | None] = (
            self._set._set.Match if self.rules else (lambda _data: None)
        )
        self.raw_match: Callable[[bytes], list[int] | None] = (
            self._match_windowed if self._windowed else set_match)
        self._set_match = set_match
        # set entries that need the second phase: windowed rules' first and second phrases
        self._two_phase_ids = frozenset(self._windowed) | frozenset(
            tail for tail, _, _ in self._windowed.values())

    def _match_windowed(self, data: bytes) -> list[int] | None:
        found = self._set_match(data)
        if not found or self._two_phase_ids.isdisjoint(found):
            return found
        present = set(found)
        out = []
        for index in found:
            if index >= self._count:
                continue
            window = self._windowed.get(index)
            if window is None or (window[0] in present and _in_window(window, data)):
                out.append(index)
        return out

    def scan(self, folded: str) -> list[int]:
        """Indexes of every rule whose pattern occurs in the folded text."""
        return self.raw_match(folded.encode("utf-8", "surrogatepass")) or []

    @cached_property
    def _searchers(self) -> dict[int, Searcher]:
        return {}

    def find(self, index: int, folded: str) -> str:
        """The text matched by one rule (used for evidence, not in the hot path)."""
        window = self._windowed.get(index)
        if window is not None:
            data = folded.encode("utf-8", "surrogatepass")
            span = _window_span(window, data)
            return data[span[0]:span[1]].decode("utf-8", "replace")[:200] if span else ""
        searcher = self._searchers.get(index)
        if searcher is None:
            searcher = self._searchers[index] = Searcher(self.rules[index].pattern)
        return searcher.found(folded)[:200]


class GroupedMatcher:
    """Rules scanned in one RE2 set per group (``Rule.group``, a rules file's
    ``scan_group``), with the same answers as one set over all of them.

    A set's automaton is built lazily, one state per new combination of positions in
    all its patterns. Patterns full of multi-byte UTF-8 classes (Turkish word stems,
    CJK phrases) multiply the combinations every other pattern is in, so a text the
    set has not seen yet costs far more in one big set than in a set of its own; once
    states are built, each extra set costs one more pass over the text."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules: tuple[Rule, ...] = tuple(rules)
        members: dict[str, list[int]] = {}
        for index, rule in enumerate(self.rules):
            members.setdefault(rule.group, []).append(index)
        parts = [(Matcher([self.rules[i] for i in indexes]), tuple(indexes))
                 for indexes in members.values()]
        # the bound match of each set, and where each rule sits (for find)
        self._scans = tuple((matcher.raw_match, indexes) for matcher, indexes in parts)
        self._where = {index: (matcher, local) for matcher, indexes in parts
                       for local, index in enumerate(indexes)}

    def raw_match(self, data: bytes) -> list[int] | None:
        """Global rule indexes found in UTF-8 data, or None."""
        out: list[int] | None = None
        for match, indexes in self._scans:
            found = match(data)
            if found:
                mapped = [indexes[local] for local in found]
                out = mapped if out is None else out + mapped
        return out

    def scan(self, folded: str) -> list[int]:
        """Indexes of every rule whose pattern occurs in the folded text."""
        return self.raw_match(folded.encode("utf-8", "surrogatepass")) or []

    def find(self, index: int, folded: str) -> str:
        """The text matched by one rule (used for evidence, not in the hot path)."""
        matcher, local = self._where[index]
        return matcher.find(local, folded)


class PrefilteredMatcher:
    """The same answers as one RE2 set over all rules, found another way: one
    Aho-Corasick pass finds which of the rules' required literals occur in the text
    (``literals.required_literals``), and only the rules with a literal there are
    run, each on its own. Rules without a required literal share a small set.

    Why: a set's automaton is built lazily, one state per new combination of
    positions in all its patterns, and each new state costs work in proportion to
    every pattern in the set; with a thousand rules a text the set has not seen costs
    milliseconds, most of a bulk run. A literal scan has no such cold cost, and the
    few rules it names keep small automata. Long texts, or texts naming very many
    rules, go through the sets (one pass, whatever the text)."""

    def __init__(self, rules: Sequence[Rule], sample: Sequence[str] = (),
                 snapshot: str = "literals") -> None:
        """``sample``: typical texts, by which the rarest literals are chosen;
        ``snapshot``: the name its literal sets are kept under (see literal_sets)."""
        self.rules: tuple[Rule, ...] = tuple(rules)
        owners: dict[bytes, list[int]] = {}
        always: list[int] = []
        for index, found in enumerate(literal_sets([rule.pattern for rule in self.rules],
                                                   sample, snapshot)):
            if found is None:
                always.append(index)
                continue
            for literal in found:
                owners.setdefault(literal.encode("utf-8", "surrogatepass"), []).append(index)
        self._owners = tuple(tuple(indexes) for indexes in owners.values())
        # The non-contiguous automaton: the cheapest to build (start-up) for thousands of
        # literals, and searching a reply line costs little more.
        self._find_literals = (
            ahocorasick_rs.BytesAhoCorasick(
                list(owners), implementation=ahocorasick_rs.Implementation.NoncontiguousNFA
            ).find_matches_as_indexes if owners else None)
        self._always = tuple(always)
        self._always_match = (Matcher([self.rules[i] for i in always]).raw_match if always
                              else None)
        self._patterns: list[_RulePattern | None] = [None] * len(self.rules)

    @cached_property
    def _sets(self) -> Matcher | GroupedMatcher:
        """Every rule in RE2 sets: for texts the literal scan should not take."""
        if len({rule.group for rule in self.rules}) > 1:
            return GroupedMatcher(self.rules)
        return Matcher(self.rules)

    def _pattern(self, index: int) -> _RulePattern:
        pattern = self._patterns[index]
        if pattern is None:
            pattern = self._patterns[index] = _RulePattern(self.rules[index].pattern)
        return pattern

    def raw_match(self, data: bytes) -> list[int] | None:
        """Rule indexes found in UTF-8 data, or None."""
        find_literals = self._find_literals
        if len(data) > MAX_PREFILTERED or find_literals is None:
            return self._sets.raw_match(data)
        owners = self._owners
        candidates: set[int] = set()
        for literal, _start, _end in find_literals(data, overlapping=True):
            candidates.update(owners[literal])
        if len(candidates) > MAX_CANDIDATES:
            return self._sets.raw_match(data)
        patterns = self._patterns
        out = []
        for index in candidates:
            pattern = patterns[index] or self._pattern(index)
            if pattern.occurs(data):
                out.append(index)
        if self._always_match is not None:
            found = self._always_match(data)
            if found:
                always = self._always
                out.extend(always[local] for local in found)
        return out or None

    def scan(self, folded: str) -> list[int]:
        """Indexes of every rule whose pattern occurs in the folded text."""
        return self.raw_match(folded.encode("utf-8", "surrogatepass")) or []

    def find(self, index: int, folded: str) -> str:
        """The text matched by one rule (used for evidence, not in the hot path)."""
        return self._pattern(index).found(folded)


MAX_PREFILTERED = 16 << 10  # bytes: a literal scan reports every (overlapping) hit
MAX_CANDIDATES = 64  # rules named by the literals, past which one set pass is cheaper
CHECK_MAX_MEM = 4 << 20  # automaton memory of one rule's own search


class _RulePattern:
    """One rule's pattern on its own: does it occur, and what did it match. A windowed
    pattern is looked for around its second phrase, as in the sets."""

    __slots__ = ("_pattern", "_searcher", "_window", "occurs")

    def __init__(self, pattern: str) -> None:
        self._pattern = pattern
        self._searcher: Searcher | None = None
        parts = split_window(pattern)
        self._window = None if parts is None else (-1, Searcher(parts[1]), self.searcher())
        # Truthy when the pattern occurs. An RE2 set of the one pattern answers that
        # without the match's span (a plain search finds its end, then its start);
        # a set whose automaton cannot start within the memory allowed refuses to
        # compile, and the plain search serves.
        self.occurs: Callable[[bytes], object] = self._in_window
        if self._window is None:
            single = re2._re2.Set(_UNANCHORED, _options(CHECK_MAX_MEM))
            compiled = single.Add(pattern.encode("utf-8")) == 0 and single.Compile()
            self.occurs = single.Match if compiled else self.searcher().occurs

    def searcher(self) -> Searcher:
        if self._searcher is None:
            self._searcher = Searcher(self._pattern, CHECK_MAX_MEM)
        return self._searcher

    def _in_window(self, data: bytes) -> bool:
        return self._window is not None and _window_span(self._window, data) is not None

    def found(self, folded: str) -> str:
        if self._window is None:
            return self.searcher().found(folded)[:200]
        data = folded.encode("utf-8", "surrogatepass")
        span = _window_span(self._window, data)
        return data[span[0]:span[1]].decode("utf-8", "replace")[:200] if span else ""


def literal_sets(patterns: Sequence[str], sample: Sequence[str] = (),
                 snapshot: str = "literals") -> list[frozenset[str] | None]:
    """``required_literals`` of each pattern, the rarest in the ``sample`` texts where a
    pattern offers a choice.

    Kept in a snapshot of pattern -> literals, keyed by the sample and the reader's own
    code (reading a thousand patterns takes a second; a snapshot, a millisecond).
    Patterns it lacks (a user's rules, an edited rule) are read and added to the
    snapshot (up to MAX_KEPT_LITERAL_SETS, then it keeps this call's alone); rule lists
    that are matched apart (the vocabulary tier) name a snapshot of their own."""
    reader = Path(literals.__file__).read_bytes()
    raw = "\0".join(sample)  # a separator folding keeps: no literal spans two texts
    key = reader + b"\0" + raw.encode("utf-8", "surrogatepass")
    kept = snapshots.stored(snapshot, key)
    known = kept.get("sets") if kept is not None else None
    if not isinstance(known, dict):
        known = {}
    counts: dict[str, int] = {}
    folded: str | None = None  # the sample as the rules see it, folded on first need

    def frequency(literal: str) -> int:
        nonlocal folded
        found = counts.get(literal)
        if found is None:
            if folded is None:
                folded = fold(raw)
            found = counts[literal] = folded.count(literal)
        return found

    out: list[list[str] | None] = []
    missing = False
    for pattern in patterns:
        entry = known.get(pattern, _MISSING)
        if not _valid_literal_set(entry):
            found = literals.required_literals(pattern, frequency)
            entry = None if found is None else sorted(found)
            missing = True
        out.append(entry)
    if missing:
        # Kept with what the snapshot held, so that a small rule list (a test's, a
        # one-off run's) does not make the next full run read every pattern again;
        # a cap keeps edited and removed patterns from piling up for ever.
        merged = {pattern: entry for pattern, entry in known.items()
                  if isinstance(pattern, str) and _valid_literal_set(entry)}
        merged.update(zip(patterns, out, strict=True))
        if len(merged) > MAX_KEPT_LITERAL_SETS:
            merged = dict(zip(patterns, out, strict=True))
        snapshots.store(snapshot, key, {"sets": merged})
    return [None if entry is None else frozenset(entry) for entry in out]


_MISSING = object()
MAX_KEPT_LITERAL_SETS = 8192


def _valid_literal_set(entry: object) -> bool:
    """A snapshot entry to trust: None (no literal) or a non-empty list of non-empty
    strings (an empty set would hide a rule)."""
    return entry is None or (isinstance(entry, list) and bool(entry)
                             and all(isinstance(s, str) and s for s in entry))


def matcher_for(rules: Sequence[Rule], sample: Sequence[str] = (),
                snapshot: str = "literals") -> PrefilteredMatcher:
    """The matcher of a rule list: a literal prefilter before per-rule searches, its
    literals chosen by how rarely they occur in the sample texts."""
    return PrefilteredMatcher(rules, sample, snapshot)


def _window_span(window: tuple[int, Searcher, Searcher], data: bytes) -> tuple[int, int] | None:
    """Where a windowed rule matches, looked for around at most MAX_WINDOWS occurrences
    of its second phrase; None when it does not."""
    _, tail, whole = window
    end = len(data)
    checked_to = 0
    for count, (start, stop) in enumerate(tail.spans(data)):
        if count >= MAX_WINDOWS:
            break
        low = max(checked_to, start - WINDOW_BEFORE)
        high = min(end, stop + WINDOW_AFTER)
        span = whole.span_in(data, low, high)
        if span is not None:
            return span
        checked_to = max(low, start)  # a match that starts earlier was already looked for
    return None


def _in_window(window: tuple[int, Searcher, Searcher], data: bytes) -> bool:
    return _window_span(window, data) is not None


@cache
def _options(max_mem: int) -> re2.Options:
    options = re2.Options()
    options.max_mem = max_mem
    options.log_errors = False  # past max_mem RE2 searches without its automaton
    return options


class Searcher:
    """One pattern searched in linear time (RE2) over long texts such as whole
    bounce bodies, where a backtracking engine tries every line start and a
    case-insensitive alternation gets slow. Offsets are str offsets.

    RE2 syntax: no look-arounds or back-references; ``\\w``, ``\\s`` and ``\\d``
    are ASCII-only; repeat counts stay small.
    """

    __slots__ = ("_groups", "_match")

    def __init__(self, pattern: str, max_mem: int = 8 << 20) -> None:
        # The C++ object itself, built without re2.compile's wrapper (half the cost of
        # compiling, which a matcher pays once per rule) and called without it.
        regexp = re2._re2.RE2(pattern.encode("utf-8"), _options(max_mem))
        if not regexp.ok():
            raise re2.error(regexp.error())
        self._match = regexp.Match
        self._groups = regexp.NumberOfCapturingGroups()

    def occurs(self, data: bytes) -> bool:
        """Whether the pattern occurs in UTF-8 data."""
        return self._match(_UNANCHORED, data, 0, len(data))[0][0] >= 0

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

    def spans(self, data: bytes) -> Iterator[tuple[int, int]]:
        """Byte spans of every non-overlapping match in UTF-8 data, left to right."""
        end = len(data)
        pos = 0
        while pos <= end:
            start, stop = self._match(_UNANCHORED, data, pos, end)[0]
            if start < 0:
                return
            yield start, stop
            pos = stop if stop > start else stop + 1

    def span_in(self, data: bytes, low: int, high: int) -> tuple[int, int] | None:
        """The first match inside data[low:high] (the bytes around it still count for
        \\b and ^), or None."""
        start, stop = self._match(_UNANCHORED, data, low, high)[0]
        return (start, stop) if start >= 0 else None

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
