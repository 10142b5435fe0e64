"""The literal strings a pattern cannot match without: a prefilter's keys.

``required_literals(pattern)`` returns a set of strings such that every text the RE2
pattern matches contains at least one of them, or None when no such set is known
(a pattern built only of classes, or one this reader does not follow). A scan for
all the literals of all rules (Aho-Corasick, one pass) then names the few rules
worth running on a text; every other rule cannot match it.

Soundness is what matters: a string may be left out of a set only when no match
can do without it. So every construct this reader does not fully understand
counts as "matches something unknown", which breaks a literal run and adds
nothing; flags (``(?i)``) give up on the whole pattern. The syntax is RE2's, read
here by a small parser of our own: Python's ``re`` parser reads some of it
differently (``x{,3}``, ``[[:alpha:]]``, ``\\x{307}``, ``\\pL``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

MIN_BYTES = 3  # a set whose shortest string is shorter than this filters nothing useful
MAX_EXACT = 8  # most strings kept for what a part of a pattern matches exactly
MAX_SET = 1024  # most strings in the set of one alternation (a rule of many phrases)
# Past this many bytes a longer literal hardly filters better, so fewer strings win:
# every string is one more key for the literal scan to build at start-up.
LONG_ENOUGH = 10
MAX_CLASS = 16  # most characters of a class expanded into literals

_EMPTY = frozenset({""})


class _Unsupported(Exception):
    """Syntax this reader does not follow: the pattern gets no literal set."""


@dataclass(frozen=True, slots=True)
class _Part:
    """What a piece of a pattern says about the strings it matches.

    exact: every string it can match, when they are few (else None);
    required: strings one of which every match contains (else None)."""

    exact: frozenset[str] | None
    required: frozenset[str] | None


_UNKNOWN = _Part(None, None)
_NOTHING = _Part(_EMPTY, None)  # an empty-width assertion: matches "" only


def required_literals(pattern: str,
                      frequency: Callable[[str], int] | None = None) -> frozenset[str] | None:
    """Strings one of which occurs in every match of ``pattern``, or None.

    Where a pattern offers several such sets, the rarest wins: ``frequency(s)`` says
    how often a string occurs in typical text (the rules' own examples); without it,
    or between equally rare sets, the longer and fewer strings win."""
    try:
        parser = _Parser(pattern, _Strength(frequency))
        part = parser.alternation()
        if parser.pos != len(pattern):
            raise _Unsupported("unbalanced )")
    except (_Unsupported, RecursionError, ValueError):
        return None
    found = part.required if part.required is not None else _usable(part.exact)
    if found is None or min(len(s.encode("utf-8", "surrogatepass")) for s in found) < MIN_BYTES:
        return None
    return found


def _usable(strings: frozenset[str] | None) -> frozenset[str] | None:
    """A set of exact strings as a requirement: only when none of them is empty."""
    if not strings or "" in strings:
        return None
    return strings


class _Strength:
    """Which of two literal sets filters better: fewer occurrences in typical text,
    then longer strings (up to LONG_ENOUGH bytes), then fewer of them."""

    def __init__(self, frequency: Callable[[str], int] | None) -> None:
        self._frequency = frequency

    def key(self, strings: frozenset[str]) -> tuple[int, int, int]:
        shortest = min(len(s.encode("utf-8", "surrogatepass")) for s in strings)
        seen = sum(map(self._frequency, strings)) if self._frequency is not None else 0
        return (-seen, min(shortest, LONG_ENOUGH), -len(strings))

    def stronger(self, a: frozenset[str] | None, b: frozenset[str] | None
                 ) -> frozenset[str] | None:
        if a is None:
            return b
        if b is None:
            return a
        return a if self.key(a) >= self.key(b) else b


def _concatenation(parts: list[_Part], strength: _Strength) -> _Part:
    """Adjacent exact parts join into longer strings; the strongest requirement of
    any piece is the requirement of the whole."""
    run: frozenset[str] = _EMPTY  # the exact strings of the current run of parts
    exact_throughout = True
    best: frozenset[str] | None = None
    for part in parts:
        if part.exact is not None and len(run) * len(part.exact) <= MAX_EXACT:
            run = frozenset(a + b for a in run for b in part.exact)
            continue
        exact_throughout = False
        best = strength.stronger(best, _usable(run))
        best = strength.stronger(best, part.required)
        run = part.exact if part.exact is not None else _EMPTY
    best = strength.stronger(best, _usable(run))
    return _Part(run if exact_throughout else None, best)


def _alternation(branches: list[_Part]) -> _Part:
    exact: frozenset[str] | None = None
    if all(b.exact is not None for b in branches):
        union = frozenset().union(*(b.exact for b in branches if b.exact is not None))
        exact = union if len(union) <= MAX_EXACT else None
    required: frozenset[str] | None = None
    each = [b.required if b.required is not None else _usable(b.exact) for b in branches]
    if all(r is not None for r in each):
        union = frozenset().union(*(r for r in each if r is not None))
        required = union if len(union) <= MAX_SET else None
    return _Part(exact, required)


def _repeated(part: _Part, least: int, most: int | None) -> _Part:
    if least == 0:
        if most == 1 and part.exact is not None:  # "x?": x or nothing
            return _Part(part.exact | _EMPTY, None)
        return _UNKNOWN if part.exact != _EMPTY else _NOTHING
    if least == 1 and most == 1:
        return part
    return _Part(None, part.required if part.required is not None else _usable(part.exact))


_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\a"}
_EMPTY_WIDTH_ESCAPES = set("bBAz")
_CLASS_ESCAPES = set("dDwWsSpPC")


class _Parser:
    """Recursive descent over RE2 syntax, producing _Part facts."""

    def __init__(self, pattern: str, strength: _Strength) -> None:
        self.text = pattern
        self.pos = 0
        self._strength = strength

    def _peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def alternation(self) -> _Part:
        branches = [self.sequence()]
        while self._peek() == "|":
            self.pos += 1
            branches.append(self.sequence())
        return branches[0] if len(branches) == 1 else _alternation(branches)

    def sequence(self) -> _Part:
        parts: list[_Part] = []
        while self.pos < len(self.text) and self._peek() not in "|)":
            atom = self.atom()
            parts.append(self.repeat(atom))
        return _concatenation(parts, self._strength)

    def repeat(self, atom: _Part) -> _Part:
        while True:
            char = self._peek()
            if char == "*":
                self.pos += 1
                atom = _repeated(atom, 0, None)
            elif char == "?":
                self.pos += 1
                atom = _repeated(atom, 0, 1)
            elif char == "+":
                self.pos += 1
                atom = _repeated(atom, 1, None)
            elif char == "{":
                bounds = self._counted()
                if bounds is None:
                    return atom  # not a repeat: "{" is read as a literal next
                atom = _repeated(atom, *bounds)
            else:
                return atom
            if self._peek() == "?":  # non-greedy: the same strings
                self.pos += 1

    def _counted(self) -> tuple[int, int | None] | None:
        """``{n}``, ``{n,}``, ``{n,m}`` at pos (consumed), or None (RE2 then reads "{"
        as a literal, as in ``x{,3}``)."""
        close = self.text.find("}", self.pos)
        if close < 0:
            return None
        inside = self.text[self.pos + 1:close]
        low, comma, high = inside.partition(",")
        if not low.isdigit() or (high and not high.isdigit()):
            return None
        self.pos = close + 1
        return int(low), (int(high) if high else None) if comma else int(low)

    def atom(self) -> _Part:
        char = self.text[self.pos]
        if char == "(":
            return self._group()
        if char == "[":
            return self._class()
        if char == "\\":
            return self._escape()
        self.pos += 1
        if char == ".":
            return _UNKNOWN
        if char in "^$":
            return _NOTHING
        if char in "*+?":
            raise _Unsupported("repeat of nothing")
        return _Part(frozenset({char}), None)

    def _group(self) -> _Part:
        self.pos += 1
        if self.text.startswith("?:", self.pos):
            self.pos += 2
        elif self.text.startswith("?P<", self.pos) or self.text.startswith("?<", self.pos):
            close = self.text.find(">", self.pos)
            if close < 0:
                raise _Unsupported("group name")
            self.pos = close + 1
        elif self._peek() == "?":
            raise _Unsupported("flags")  # (?i) and the like change what literals mean
        inner = self.alternation()
        if self._peek() != ")":
            raise _Unsupported("unclosed group")
        self.pos += 1
        return inner

    def _escape(self) -> _Part:
        if self.pos + 1 >= len(self.text):
            raise _Unsupported("trailing backslash")
        letter = self.text[self.pos + 1]
        if letter in _EMPTY_WIDTH_ESCAPES:
            self.pos += 2
            return _NOTHING
        if letter == "Q":
            end = self.text.find("\\E", self.pos + 2)
            stop = len(self.text) if end < 0 else end
            literal = self.text[self.pos + 2:stop]
            self.pos = len(self.text) if end < 0 else end + 2
            return _Part(frozenset({literal}), None)
        char = self._escaped_char()
        return _UNKNOWN if char is None else _Part(frozenset({char}), None)

    def _escaped_char(self) -> str | None:
        """The character of the escape at pos (consumed), or None for a class."""
        letter = self.text[self.pos + 1]
        if letter in _CLASS_ESCAPES:
            self.pos += 2
            if letter in "pP":
                if self._peek() == "{":
                    close = self.text.find("}", self.pos)
                    if close < 0:
                        raise _Unsupported("unclosed \\p{")
                    self.pos = close + 1
                else:
                    self.pos += 1
            return None
        if letter == "x":
            if self.text.startswith("{", self.pos + 2):
                close = self.text.find("}", self.pos)
                digits = self.text[self.pos + 3:close]
                self.pos = close + 1
            else:
                digits = self.text[self.pos + 2:self.pos + 4]
                self.pos += 4
            return chr(int(digits, 16))  # ValueError on bad digits: no literal set
        if letter.isdigit():
            raise _Unsupported("octal or back-reference")
        self.pos += 2
        if letter.isalpha():
            if letter not in _SIMPLE_ESCAPES:
                raise _Unsupported(f"escape \\{letter}")
            return _SIMPLE_ESCAPES[letter]
        return letter

    def _class(self) -> _Part:
        """A bracket class: its characters when few and all literal, else unknown."""
        self.pos += 1
        negated = self._peek() == "^"
        if negated:
            self.pos += 1
        chars: set[str] = set()
        known = True
        first = True
        while True:
            if self.pos >= len(self.text):
                raise _Unsupported("unclosed class")
            char = self.text[self.pos]
            if char == "]" and not first:
                self.pos += 1
                break
            first = False
            if self.text.startswith("[:", self.pos):
                close = self.text.find(":]", self.pos + 2)
                if close < 0:
                    raise _Unsupported("class name")
                self.pos = close + 2
                known = False
                continue
            low = self._class_char()
            if low is None:
                known = False
                continue
            if self._peek() == "-" and self.text[self.pos + 1:self.pos + 2] not in ("]", ""):
                self.pos += 1
                high = self._class_char()
                if high is None:
                    raise _Unsupported("range to a class")
                if ord(high) - ord(low) >= MAX_CLASS:
                    known = False
                    continue
                chars.update(chr(code) for code in range(ord(low), ord(high) + 1))
            else:
                chars.add(low)
        if negated or not known or len(chars) > MAX_CLASS or not chars:
            return _UNKNOWN
        return _Part(frozenset(chars), None)

    def _class_char(self) -> str | None:
        if self.text[self.pos] == "\\":
            if self.pos + 1 >= len(self.text):
                raise _Unsupported("trailing backslash")
            return self._escaped_char()
        char = self.text[self.pos]
        self.pos += 1
        return char
