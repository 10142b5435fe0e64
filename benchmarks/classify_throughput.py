"""Classification throughput: replies per second on one core.

Measures, on thousands of realistic replies (see replies.py):
  * classify: the rules engine plus code extraction, the bulk path
    (``Classifier.classify_line``) that log and bounce processing use;
  * the rules scan alone, on already folded bytes (the engine's floor);
  * explain: the full localized explanation (``smtp_explain.explain``).
Each figure is the best of several rounds after a first round; the first round is
reported too ("first sight"): RE2 builds its automata lazily, so text never seen
before costs more, and that is the text a user brings.
"""

from __future__ import annotations

import argparse
import time

from replies import corpus_replies, varied
from smtp_explain import explain
from smtp_explain.classify import get_classifier
from smtp_explain.matcher import fold


def best_rate(func, items: list[str], rounds: int) -> tuple[float, float]:
    """(best rate of the repeated rounds, rate of the first round)."""
    start = time.process_time()
    for text in items:  # the first round: RE2 builds its automata lazily
        func(text)
    first = len(items) / (time.process_time() - start)
    best = 0.0
    for _ in range(rounds):
        start = time.process_time()
        for text in items:
            func(text)
        elapsed = time.process_time() - start
        best = max(best, len(items) / elapsed)
    return best, first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    replies = varied(corpus_replies(), args.count)
    classifier = get_classifier()
    mean_len = sum(map(len, replies)) / len(replies)
    print(f"replies: {len(replies)} (from {len(set(replies))} distinct texts, "
          f"mean {mean_len:.0f} characters)")
    rate, first = best_rate(classifier.classify_line, replies, args.rounds)
    print(f"classify: {rate:,.0f} replies/s (target >= 300,000); first sight {first:,.0f}/s")
    folded = [fold(text).encode("utf-8") for text in replies]
    rate, first = best_rate(classifier.matcher.raw_match, folded,  # type: ignore[arg-type]
                            args.rounds)
    print(f"rules scan alone (folded bytes): {rate:,.0f} replies/s; first sight {first:,.0f}/s")
    rate, first = best_rate(explain, replies[:5000], max(1, args.rounds // 2))
    print(f"explain:  {rate:,.0f} replies/s (full localized explanation); "
          f"first sight {first:,.0f}/s")


if __name__ == "__main__":
    main()
