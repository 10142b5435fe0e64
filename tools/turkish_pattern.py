"""Write the RE2 pattern of each Turkish rule from the phrases in its `note`.

A rule in knowledge/rules/turkish.toml is written once, readably, in its note:
``note = "phrases: kimlik doğrula\\S* başarısız | parola\\S* yanlış"``. Its `pattern`
is those phrases joined by ``|``, every letter that Turkish writing varies spelled
out: a dotted or dotless i (``ı``/``i``, and ``İ``, which Python lower-cases to
``i`` plus U+0307) becomes ``[ıi]\\x{307}?``; ş, ğ, ü, ö, ç also accept the plain
Latin letter that people type without a Turkish keyboard. Letters inside ``[...]``
and after a backslash are left alone.

    python tools/turkish_pattern.py           # list rules whose pattern is stale
    python tools/turkish_pattern.py --write   # rewrite the stale patterns in place

tests/test_turkish_rules.py checks that every pattern is its note's expansion.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

RULES = Path(__file__).resolve().parent.parent / "src" / "smtp_explain" / "knowledge" / "rules"
TURKISH = RULES / "turkish.toml"
PREFIX = "phrases: "
LETTERS = {"ı": r"[ıi]\x{307}?", "i": r"[ıi]\x{307}?", "ş": "[şs]", "ğ": "[ğg]",
           "ü": "[üu]", "ö": "[öo]", "ç": "[çc]"}


def expand(phrase: str) -> str:
    """One phrase with its variable letters spelled out."""
    out: list[str] = []
    depth = 0
    index = 0
    while index < len(phrase):
        char = phrase[index]
        if char == "\\":
            out.append(phrase[index:index + 2])
            index += 2
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        out.append(char if depth else LETTERS.get(char, char))
        index += 1
    return "".join(out)


def pattern_of(note: str) -> str:
    """The pattern a rule's note stands for ("phrases: a | b" -> expand(a)|expand(b))."""
    if not note.startswith(PREFIX):
        raise ValueError(f"a Turkish rule's note starts with {PREFIX!r}: {note[:40]!r}")
    return "|".join(expand(phrase) for phrase in note[len(PREFIX):].split(" | "))


def stale(text: str) -> list[tuple[str, str, str]]:
    """(rule id, pattern in the file, pattern from the note) for each rule that differs."""
    return [(rule["id"], rule["pattern"], pattern_of(rule["note"]))
            for rule in tomllib.loads(text)["rules"]
            if "note" in rule and pattern_of(rule["note"]) != rule["pattern"]]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true", help="rewrite stale patterns in place")
    args = parser.parse_args()
    text = TURKISH.read_text(encoding="utf-8")
    found = stale(text)
    for rule_id, old, new in found:
        print(f"stale: {rule_id}")
        if args.write:
            line = f"pattern = '''{old}'''"
            if text.count(line) != 1:
                print(f"  cannot find its pattern line once: {rule_id}", file=sys.stderr)
                return 1
            text = text.replace(line, f"pattern = '''{new}'''")
    if args.write and found:
        TURKISH.write_text(text, encoding="utf-8")
    return 1 if found and not args.write else 0


if __name__ == "__main__":
    sys.exit(main())
