"""Worst-case text (issue 8): time of explain() on adversarial 1 MB texts, against the
RE2 set scan alone on the same text (the floor any classifier of these rules pays).

    python benchmarks/worst_case.py
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZE = 1 << 20


def texts() -> dict[str, str]:
    rng = random.Random(1)
    words = ["address", "not", "found", "because", "blocked", "the", "sending", "ip", "5.7.28",
             "unusual", "rate", "of", "mail", "from:<x@y>", "domain", "550", "on", "hold", "is",
             "error-messages?ip=1&c=x", "5.6.11", "invalid", "sender", "specified",
             "no such domain", "(in", "reply", "rejected", "has", "been", "couldn't", "be",
             "chkuser", "characters", ">", ":", "host", "does not exist", "after"]
    return {
        "windows opened, never closed": " ".join(rng.choice(words) for _ in range(SIZE // 4))[:SIZE],
        "one window opener repeated": ("has been blocked " * (SIZE // 17 + 1))[:SIZE],
        "addresses": ("a@b.cc " * (SIZE // 7 + 1))[:SIZE],
        "reply codes": ("550 5.1.1 " * (SIZE // 10 + 1))[:SIZE],
        "dotted numbers": ("1.2.3.4.5 " * (SIZE // 10 + 1))[:SIZE],
        "prose": ("The quick brown fox jumps over the lazy dog. " * (SIZE // 45 + 1))[:SIZE],
        "white space": (" \t\n " * (SIZE // 4 + 1))[:SIZE],
        "non-ASCII": ("ğüşiöç blocked ı " * (SIZE // 17 + 1))[:SIZE],
    }


def best_of(func, *args: object, rounds: int = 5) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        func(*args)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> int:
    sys.path.insert(0, str(ROOT / "src"))
    from smtp_explain.classify import get_classifier
    from smtp_explain.explanation import explain
    from smtp_explain.matcher import fold

    # A 1 MB text is past what the literal prefilter takes: it goes through the RE2 sets
    # of every rule, and their scan alone is the floor.
    sets = get_classifier().matcher._sets
    explain("warm up")
    worst = 0.0
    for name, text in texts().items():
        started = time.perf_counter()
        explain(text)  # first sight of this text: the sets' state caches are cold for it
        first = time.perf_counter() - started
        folded = fold(text).encode("utf-8")
        floor = best_of(sets.raw_match, folded)
        whole = best_of(explain, text)
        worst = max(worst, whole)
        print(f"{name:30} explain first {first * 1000:7.1f} ms, best {whole * 1000:7.1f} ms"
              f"   RE2 set scan {floor * 1000:6.1f} ms   ratio {whole / max(floor, 1e-4):5.1f}x")
    print(f"worst explain() of a 1 MB text: {worst * 1000:.1f} ms (target < 100 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
