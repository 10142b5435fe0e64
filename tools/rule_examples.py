"""Give rules without examples the real texts they are for (a maintenance tool).

For each built-in rule that has no `examples`, look for texts the rule matches and
that explain() gives the rule's reason, in:
  * the vendored bounce corpus (tests/data/bounces/maildir/bsd): each recipient's
    error text as decoded, source = the mail file;
  * the SEEN part of the reply bank (tests/data/replies/, never the held-out
    sources): source = the page or file the text comes from.
The shortest such text (up to 300 characters) of each source kind is written into
the rule as `examples = [...]`, right after the rule's last line. Rules for which
nothing is found are listed; they need an example found by hand, or removal.

    python tools/rule_examples.py [--write]
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "src" / "smtp_explain" / "knowledge" / "rules"
MAX_TEXT = 300


def candidates() -> list[tuple[str, str]]:
    """(text, source) pairs from the corpus and the seen reply bank."""
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from accuracy import held_out, load_bank  # type: ignore[import-not-found]
    from smtp_explain import decode
    from smtp_explain.explanation import row_text

    out: list[tuple[str, str]] = []
    corpus = ROOT / "tests" / "data" / "bounces" / "maildir" / "bsd"
    for row in decode(corpus):
        text = row_text(row)
        if text and len(text) <= MAX_TEXT:
            out.append((text, f"tests/data/bounces/maildir/bsd/{Path(row.origin).name}"))
    sources: dict[str, str] = {}
    for path in sorted((ROOT / "tests" / "data" / "replies").glob("*.toml")):
        for source in tomllib.loads(path.read_text(encoding="utf-8")).get("sources", []):
            sources[source["id"]] = source.get("url") or source.get("title") or source["id"]
    for reply in load_bank():
        if not held_out(reply.source) and len(reply.text) <= MAX_TEXT:
            out.append((reply.text, f"{sources.get(reply.source, reply.source)} "
                                    f"(reply bank: {reply.source})"))
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true", help="write the examples into the files")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from smtp_explain.explanation import explain
    from smtp_explain.matcher import Searcher, fold

    texts = [(fold(text), text, source) for text, source in dict.fromkeys(candidates())]
    reasons: dict[str, str] = {}
    missing: list[str] = []
    for path in sorted(RULES.glob("*.toml")):
        lines = path.read_text(encoding="utf-8").split("\n")
        data = tomllib.loads("\n".join(lines))
        inserts: dict[str, list[str]] = {}
        for rule in data["rules"]:
            if rule.get("examples"):
                continue
            searcher = Searcher(rule["pattern"])
            found: dict[str, tuple[str, str]] = {}
            for folded, text, source in sorted(texts, key=lambda t: len(t[1])):
                kind = "corpus" if source.startswith("tests/") else "bank"
                if kind in found or searcher.first(folded) < 0:
                    continue
                reason = reasons.get(text)
                if reason is None:
                    reason = reasons[text] = explain(text).reason
                if reason == rule["reason"]:
                    found[kind] = (text, source)
                if len(found) == 2:
                    break
            if not found:
                missing.append(f"{path.name}: {rule['id']}")
                continue
            inserts[rule["id"]] = ["examples = ["] + [
                f"  {{ text = {json.dumps(t, ensure_ascii=False)}, source = "
                f"{json.dumps(s, ensure_ascii=False)} }}," for t, s in found.values()] + ["]"]
        if args.write and inserts:
            out: list[str] = []
            current = None
            for number, line in enumerate(lines):
                if line.startswith("id = "):
                    current = tomllib.loads(line)["id"]
                out.append(line)
                following = lines[number + 1] if number + 1 < len(lines) else "[[rules]]"
                end_of_rule = following.strip() == "" or following.startswith(("[[", "# ==="))
                if current in inserts and end_of_rule and line.strip() and not line.startswith("#"):
                    out.extend(inserts.pop(current))
                    current = None
            path.write_text("\n".join(out), encoding="utf-8")
        print(f"{path.name}: {len(inserts) if not args.write else 'written'}")
    print(f"rules still without an example: {len(missing)}")
    for line in missing:
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
