"""Accuracy of explain() on the reply bank (tests/data/replies/), split by source.

A fixed 25% of whole sources is held out: a source is held out when the SHA-256 of
its id, read as a number, is divisible by 4. Rules are written looking only at the
other sources; the held-out figure is the honest one for text never seen.

    python benchmarks/accuracy.py [--show N]   # N misses of the SEEN part (never held-out)
    python benchmarks/accuracy.py --json

Texts marked `uncertain = true` are scored separately ("certain" counts leave them out).

"held-out/clean" leaves out the held-out sources that the rules were nevertheless
written from (rules and bank were built in turns, so some rules cite a document that
later fell into the held-out quarter): a source counts as used when a rule example
cites its address, when one of its texts is a rule example word for word, or when
the bank marks it ``cited_by_rules`` (the same file under another name, e.g. a
Debian .mo file whose English and Turkish strings are two sources).
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


RULES = ROOT / "src" / "smtp_explain" / "knowledge" / "rules"


def load_sources(folder: Path = BANK) -> dict[str, dict[str, object]]:
    sources: dict[str, dict[str, object]] = {}
    for path in sorted(folder.glob("*.toml")):
        for source in tomllib.loads(path.read_text(encoding="utf-8")).get("sources", []):
            sources[source["id"]] = source
    return sources


def rule_examples(folder: Path = RULES) -> list[tuple[str, str]]:
    """(text, source) of every example of every built-in rule."""
    out: list[tuple[str, str]] = []
    for path in sorted(folder.glob("*.toml")):
        for rule in tomllib.loads(path.read_text(encoding="utf-8")).get("rules", []):
            out.extend((e.get("text", ""), e.get("source", "")) for e in rule.get("examples", []))
    return out


def _address(url: str) -> str:
    """A web address without scheme, "www." and trailing slash, lower-cased; "" for
    what is no web address (a Debian package path)."""
    url = url.strip().lower()
    for scheme in ("https://", "http://"):
        if url.startswith(scheme):
            url = url[len(scheme):]
            return url.removeprefix("www.").rstrip("/")
    return ""


def used_for_rules(replies: list[Reply], sources: dict[str, dict[str, object]],
                   examples: list[tuple[str, str]]) -> set[str]:
    """Ids of the sources the rules were written from (see the module's docstring)."""
    def squeeze(text: str) -> str:
        return " ".join(text.lower().split())

    cited = " ".join(source.lower() for _, source in examples)
    cited = cited.replace("https://", "").replace("http://", "").replace("www.", "")
    example_texts = {squeeze(text) for text, _ in examples}
    used = {sid for sid, source in sources.items() if source.get("cited_by_rules")}
    for sid, source in sources.items():
        address = _address(str(source.get("url", "")))
        if address and address in cited:
            used.add(sid)
    used.update(r.source for r in replies if squeeze(r.text) in example_texts)
    return used


def score(replies: list[Reply], used: set[str] | None = None) -> dict[str, dict[str, float | int]]:
    sys.path.insert(0, str(ROOT / "src"))
    from smtp_explain.explanation import explain

    if used is None:
        used = used_for_rules(replies, load_sources(), rule_examples())
    groups: dict[str, Counter[str]] = {}
    for reply in replies:
        got = explain(reply.text).reason
        part = "held-out" if held_out(reply.source) else "seen"
        clean = part == "held-out" and reply.source not in used
        for name in (part, f"{part}/{reply.lang}" if reply.lang == "tr" else None,
                     f"{part}/certain" if not reply.uncertain else None,
                     "held-out/clean" if clean else None,
                     "held-out/clean/tr" if clean and reply.lang == "tr" else None):
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
    used = used_for_rules(replies, load_sources(), rule_examples())
    figures = score(replies, used)
    if args.json:
        print(json.dumps({"texts": len(replies), "sources": len(sources), "figures": figures}))
    else:
        print(f"reply bank: {len(replies)} texts from {len(sources)} sources "
              f"({sum(held_out(s) for s in sources)} sources held out, "
              f"{sum(held_out(s) for s in used & sources)} of them used for rules)")
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
