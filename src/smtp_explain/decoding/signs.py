"""The signs of ``knowledge/bounce_signs.toml``, compiled once: how a bounce or an
automatic reply is told from an ordinary mail."""

from __future__ import annotations

import re
from functools import cache

from smtp_explain import catalog


def _any(patterns: list[str], *, anchored: bool = False) -> re.Pattern[str]:
    joined = "|".join(f"(?:{p})" for p in patterns)
    return re.compile(f"^(?:{joined})" if anchored else joined, re.I)


@cache
def bounce_sender() -> re.Pattern[str]:
    return _any(catalog.facts("bounce_signs")["senders"])


@cache
def bounce_subject() -> re.Pattern[str]:
    return _any(catalog.facts("bounce_signs")["subjects"])


@cache
def bounce_headers() -> tuple[str, ...]:
    return tuple(catalog.facts("bounce_signs")["headers"])


@cache
def autoreply_subject() -> re.Pattern[str]:
    return _any(catalog.facts("bounce_signs")["autoreply_subjects"], anchored=True)
