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


@cache
def autoreply_headers() -> tuple[str, ...]:
    return tuple(h.lower() for h in catalog.facts("bounce_signs")["autoreply_headers"])


@cache
def forward_subject() -> re.Pattern[str]:
    return _any(catalog.facts("bounce_signs")["forward_subjects"], anchored=True)


@cache
def help_words() -> re.Pattern[str]:
    return _any(catalog.facts("bounce_signs")["help_words"])


@cache
def not_recipient_headers() -> frozenset[str]:
    return frozenset(h.lower() for h in catalog.facts("bounce_signs")["not_recipient_headers"])


@cache
def complaint_subject() -> re.Pattern[str]:
    return _any(catalog.facts("bounce_signs")["complaint_subjects"], anchored=True)


@cache
def original_recipient_headers() -> tuple[str, ...]:
    return tuple(h.lower() for h in catalog.facts("bounce_signs")["original_recipient_headers"])
