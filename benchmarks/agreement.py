"""How far two labellers agree on the reply bank, and how explain() does where they do.

A second person labelled 480 bank texts (up to three per source, 320 of them from
held-out sources) from the text, its language and its source's title alone, without
the bank's labels, the rules or the engine. Their labels are in
``tests/data/replies/second_labels.jsonl`` (source, SHA-256 of the text, reason,
uncertain). The second labeller wrote no rules, so the held-out texts stay unseen.

This measures the ceiling of the bank's own figures: where two careful people give one
text different reasons, no engine can match both, and the held-out score cannot be
read more finely than the labels' agreement.

    python benchmarks/agreement.py [--json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from accuracy import BANK, Reply, held_out, load_bank

SECOND = BANK / "second_labels.jsonl"


@dataclass(frozen=True)
class Pair:
    """One text with the bank's label and the second labeller's."""

    reply: Reply
    reason: str
    uncertain: bool


def text_key(source: str, text: str) -> tuple[str, str]:
    return source, hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_pairs(replies: list[Reply], path: Path = SECOND) -> list[Pair]:
    """The second labels joined to their bank texts; a label whose text is no longer in
    the bank raises KeyError (the bank changed and the file must follow)."""
    by_key = {text_key(r.source, r.text): r for r in replies}
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        reply = by_key[(entry["source"], entry["text_sha256"])]
        pairs.append(Pair(reply, entry["reason"], bool(entry["uncertain"])))
    return pairs


def parts(pair: Pair) -> list[str]:
    """The parts of the report a pair counts in."""
    side = "held-out" if held_out(pair.reply.source) else "seen"
    out = [side]
    if not pair.reply.uncertain and not pair.uncertain:
        out.append(side + "/both certain")
    if pair.reply.lang == "tr":
        out.append(side + "/tr")
    return out


def measure(pairs: list[Pair], guess: dict[int, str]) -> dict[str, dict[str, int]]:
    """Counts per part: texts, agreed texts, and the engine's right answers on all
    texts and on the agreed ones. ``guess`` maps a pair's index to the engine's reason."""
    figures: dict[str, Counter[str]] = {}
    for index, pair in enumerate(pairs):
        agreed = pair.reason == pair.reply.reason
        right = guess[index] == pair.reply.reason
        for part in parts(pair):
            counts = figures.setdefault(part, Counter())
            counts["texts"] += 1
            counts["agreed"] += agreed
            counts["engine right"] += right
            counts["engine right where agreed"] += agreed and right
            counts["engine silent where agreed"] += agreed and guess[index] == "undefined" \
                and pair.reply.reason != "undefined"
    return {part: dict(counts) for part, counts in sorted(figures.items())}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from smtp_explain.explanation import explain

    pairs = load_pairs(load_bank())
    guess = {i: explain(pair.reply.text).reason for i, pair in enumerate(pairs)}
    figures = measure(pairs, guess)
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"{'part':22} {'texts':>5} {'labellers agree':>16} {'engine = bank':>14} "
          f"{'engine where agreed':>20} {'silent there':>13}")
    for part, c in figures.items():
        agreed = c.get("agreed", 0)
        print(f"{part:22} {c['texts']:5} {100 * agreed / c['texts']:15.1f}% "
              f"{100 * c.get('engine right', 0) / c['texts']:13.1f}% "
              f"{100 * c.get('engine right where agreed', 0) / max(agreed, 1):19.1f}% "
              f"{c.get('engine silent where agreed', 0):13}")
    pairs_apart = Counter(tuple(sorted((p.reason, p.reply.reason)))
                          for p in pairs if p.reason != p.reply.reason)
    print("most frequent disagreements:",
          ", ".join(f"{a}/{b} {n}" for (a, b), n in pairs_apart.most_common(6)))


if __name__ == "__main__":
    main()
