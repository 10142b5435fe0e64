"""Accuracy of explain() on the reply bank (tests/data/replies/), split by source.

A fixed 25% of whole sources is held out: a source is held out when the SHA-256 of
its id, read as a number, is divisible by 4. Rules are written looking only at the
other sources; the held-out figure is the honest one for text never seen.

    python benchmarks/accuracy.py [--show N]   # N misses of the SEEN part (never held-out)
    python benchmarks/accuracy.py --json

Texts marked `uncertain = true` are scored separately ("certain" counts leave them out).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BANK = ROOT / "tests" / "data" / "replies"


@dataclass(frozen=True)
class Reply:
    text: str
    reason: str
    source: str
    lang: str
    uncertain: bool
    file: str


def held_out(source_id: str) -> bool:
    """Whether a source belongs to the held-out quarter (fixed, by its id alone)."""
    return int(hashlib.sha256(source_id.encode("utf-8")).hexdigest(), 16) % 4 == 0


def load_bank(folder: Path = BANK) -> list[Reply]:
    replies: list[Reply] = []
    for path in sorted(folder.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for entry in data.get("replies", []):
            replies.append(Reply(entry["text"], entry["reason"], entry["source"],
                                 entry.get("lang", "en"), bool(entry.get("uncertain")),
                                 path.name))
    return replies


def score(replies: list[Reply]) -> dict[str, dict[str, float | int]]:
    sys.path.insert(0, str(ROOT / "src"))
    from smtp_explain.explanation import explain

    groups: dict[str, Counter[str]] = {}
    for reply in replies:
        got = explain(reply.text).reason
        part = "held-out" if held_out(reply.source) else "seen"
        for name in (part, f"{part}/{reply.lang}" if reply.lang == "tr" else None,
                     f"{part}/certain" if not reply.uncertain else None):
            if name is None:
                continue
            counts = groups.setdefault(name, Counter())
            counts["total"] += 1
            counts["right"] += got == reply.reason
    return {name: {"total": c["total"], "right": c["right"],
                   "accuracy": round(100 * c["right"] / c["total"], 1)}
            for name, c in sorted(groups.items())}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--show", type=int, default=0,
                        help="print N misses of the seen sources (held-out ones are never shown)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--dump-seen", metavar="FILE",
                        help="write the seen part (never the held-out one) as JSON Lines")
    args = parser.parse_args()
    replies = load_bank()
    if args.dump_seen:
        with open(args.dump_seen, "w", encoding="utf-8") as sink:
            for reply in replies:
                if not held_out(reply.source):
                    sink.write(json.dumps(reply.__dict__, ensure_ascii=False) + "\n")
    sources = {r.source for r in replies}
    figures = score(replies)
    if args.json:
        print(json.dumps({"texts": len(replies), "sources": len(sources), "figures": figures}))
    else:
        print(f"reply bank: {len(replies)} texts from {len(sources)} sources "
              f"({sum(held_out(s) for s in sources)} sources held out)")
        for name, figure in figures.items():
            print(f"  {name:22} {figure['accuracy']:5.1f}%  ({figure['right']} of {figure['total']})")
    if args.show:
        sys.path.insert(0, str(ROOT / "src"))
        from smtp_explain.explanation import explain

        shown = 0
        for reply in replies:
            if held_out(reply.source) or shown >= args.show:
                continue
            got = explain(reply.text).reason
            if got != reply.reason:
                shown += 1
                print(f"MISS want={reply.reason} got={got} [{reply.source}] {reply.text[:200]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
