"""A realistic set of SMTP replies for the classification benchmark.

The wording comes from the shared bounce corpus (the diagnostic text of every
bounced recipient) plus the replies of the explain tests; each is varied with
fresh addresses, IP addresses and queue ids so that no two lines are equal and
no cache can help.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from smtp_explain.decoding.bounce import decode

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "bounces" / "maildir" / "bsd"
_ADDRESS = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
_IP = re.compile(r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b")
_ID = re.compile(r"\b[A-Za-z0-9]{10,}\b")


def corpus_replies() -> list[str]:
    seen: dict[str, None] = {}
    for result in decode(CORPUS):
        text = " ".join(result.diagnostic.split())
        if text:
            seen.setdefault(text[:1000], None)
    return list(seen)


def varied(replies: list[str], count: int, seed: int = 25) -> list[str]:
    rng = random.Random(seed)
    out = []
    for i in range(count):
        text = replies[i % len(replies)]
        domain = f"example{i % 97}.org"
        text = _ADDRESS.sub(lambda _m, d=domain: f"user{rng.randrange(10**6)}@{d}", text)
        text = _IP.sub(lambda _m: f"192.0.2.{rng.randrange(256)}", text)
        text = _ID.sub(lambda m: "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789")
                                         for _ in m.group(0)), text)
        out.append(text)
    return out
