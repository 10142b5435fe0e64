"""One term per concept: find the variants a language's glossary forbids in a text.

Each language's ``texts/<lang>/glossary.toml`` lists its concepts as lines
``"concept: preferred term | variant, variant"`` and the proper names that
happen to contain a variant (``names``). A variant is found at the start of a
word and may carry any suffix ("gönderici" finds "göndericiye", not
"kütüphane" for "hane"). Not counted: text in quotes (server replies are
quoted verbatim), web addresses, the listed names, and the original term in
brackets right after the preferred one ("aktarma (relay)", "kara liste (blocklist)").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from smtp_explain import catalog

_QUOTED = re.compile(r"(?<!\w)'[^'\n]*'|\"[^\"\n]*\"|“[^”\n]*”|`[^`\n]*`")
_URL = re.compile(r"\b(?:https?://|www\.)\S+|(?<![\w.])/\w[\w/.{}-]*")  # addresses, URL paths


@dataclass(frozen=True, slots=True)
class Term:
    concept: str
    preferred: str
    variants: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Finding:
    variant: str
    preferred: str
    found: str  # the word(s) as written, suffix included


def fold(text: str, lang: str) -> str:
    """Lower case by the language's rules (Turkish dotted and dotless i)."""
    if lang == "tr":
        text = text.replace("İ", "i").replace("I", "ı")
    return text.lower()


def parse_term(line: str) -> Term:
    """``"relay: aktarma | röle, relay izni"`` -> Term."""
    concept, sep, rest = line.partition(":")
    preferred, bar, variants = rest.partition("|")
    found = tuple(v.strip() for v in variants.split(",") if v.strip())
    if not sep or not bar or not concept.strip() or not preferred.strip() or not found:
        raise catalog.KnowledgeError(f"glossary line {line!r}: want 'concept: term | variant, ...'")
    return Term(concept.strip(), preferred.strip(), found)


# A word's final consonant that softens before a vowel suffix: günlük -> günlüğü,
# kaynak -> kaynağı, kod -> kodu (already soft). Per language; none for English.
SOFTENING = {"tr": {"k": "kğ", "t": "td", "p": "pb", "ç": "çc"}}


def _phrase(words: str, lang: str) -> str:
    """A pattern for the words with any white space between them; the last word's
    final consonant may appear softened, as the language's suffixes make it."""
    parts = [re.escape(w) for w in words.split()]
    soft = SOFTENING.get(lang, {}).get(words[-1:]) if words.strip() else None
    if soft and parts:
        parts[-1] = parts[-1][:-1] + f"[{soft}]"
    return r"\s+".join(parts)


class Glossary:
    def __init__(self, lang: str, terms: list[Term], names: list[str]) -> None:
        self.lang = lang
        self.terms = tuple(terms)
        self.names = tuple(fold(n, lang) for n in names)
        self._variants = [
            (re.compile(r"(?<!\w)" + _phrase(fold(v, lang), lang) + r"\w*"), v, t.preferred)
            for t in terms for v in t.variants
        ]
        self._glosses = [
            re.compile(r"((?<!\w)" + _phrase(fold(t.preferred, lang), lang) + r"\w*\s*)\((?:"
                       + "|".join(_phrase(fold(v, lang), lang) for v in t.variants) + r")\)")
            for t in terms
        ]

    def _cleaned(self, text: str) -> str:
        text = fold(text, self.lang)
        text = _URL.sub(" ", _QUOTED.sub(" ", text))
        for name in self.names:
            text = text.replace(name, " ")
        for gloss in self._glosses:
            text = gloss.sub(r"\1", text)
        return text

    def findings(self, text: str) -> list[Finding]:
        """The variants in ``text``; of overlapping ones only the longest
        ("kalıcı geri dönüş (hard bounce)" is two findings, not three)."""
        cleaned = self._cleaned(text)
        spans = sorted(
            ((m.start(), m.end(), variant, preferred)
             for pattern, variant, preferred in self._variants
             for m in pattern.finditer(cleaned)),
            key=lambda s: (s[0], -s[1]),
        )
        found: list[Finding] = []
        end = -1
        for start, stop, variant, preferred in spans:
            if stop <= end:
                continue  # inside a longer finding
            found.append(Finding(variant, preferred, cleaned[start:stop]))
            end = stop
        return found


@cache
def glossary(lang: str) -> Glossary:
    data = catalog.texts(lang, "glossary").get("glossary", {})
    return Glossary(lang, [parse_term(line) for line in data.get("terms", [])],
                    list(data.get("names", [])))


def strings(data: Any, path: str = "") -> list[tuple[str, str]]:
    """Every text in a parsed TOML file, with its key path."""
    if isinstance(data, dict):
        return [item for k, v in data.items() for item in strings(v, f"{path}.{k}" if path else k)]
    if isinstance(data, list):
        return [item for i, v in enumerate(data) for item in strings(v, f"{path}[{i}]")]
    return [(path, data)] if isinstance(data, str) else []
