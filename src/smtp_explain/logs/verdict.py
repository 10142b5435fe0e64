"""The one place where the logs package asks for a reason: ``explanation.explain``.

Every reply text of a log goes through :func:`judge`, so the reason of an
event and the reason ``smtp-explain explain`` gives for the same text never
differ. Only when explain finds no reason at all ("undefined") does the outcome
the log states fill in (knowledge/log_events.toml).

A busy log repeats the same few replies with a different queue id, address or
IP address in each, so the cache is keyed by the text with those identifiers
masked (:func:`shape`), and explain reads the masked text: the local part of
an address in <...>, IPv4 addresses, and runs of 8+ letters and digits that
hold a digit (queue ids, message ids, timestamps). tests/test_logs_contract.py
checks on every reply of the generated logs and samples that the masked text
gets the same verdict as the text itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from smtp_explain import catalog
from smtp_explain.explanation import decide_hard_bounce, explain
from smtp_explain.verdict import gave_up_retrying

UNDEFINED = "undefined"
MAX_TEXT = 4096


@dataclass(frozen=True, slots=True)
class Verdict:
    reason: str
    cause: str | None
    hard_bounce: bool | None
    reply_code: str | None
    status_code: str | None


_LOCAL_PART = re.compile(r"<[^\s<>@]{1,64}@")
_IPV4 = re.compile(r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b")
# A run of 8+ letters and digits that holds a digit; bounded steps at each start.
_TOKEN = re.compile(r"\b(?=[0-9A-Za-z]{8})[A-Za-z]{0,64}[0-9][0-9A-Za-z]*")


def shape(text: str) -> str:
    """The text with its identifiers masked (see the module's docstring)."""
    text = text[:MAX_TEXT]
    if "@" in text:
        text = _LOCAL_PART.sub("<x@", text)
    if text.count(".") >= 3:  # an IPv4 address has three
        text = _IPV4.sub("192.0.2.0", text)
    return _TOKEN.sub("xxxxxxxx", text)


@lru_cache(maxsize=32768)
def _judge_shape(masked: str) -> Verdict:
    d = explain(masked, "en")
    return Verdict(d.reason, getattr(d, "cause", None), d.hard_bounce, d.reply_code, d.status)


def judge(text: str) -> Verdict:
    """explain()'s verdict on one reply text."""
    return _judge_shape(shape(text))


@cache
def _fallbacks() -> dict[str, Any]:
    return catalog.facts("log_events")


def verdict_for(status: str, text: str | None) -> Verdict:
    """The verdict of an event of ``status`` whose reply (or last reply) is ``text``.
    Cached on the exact text as well: about a third of a busy log's replies repeat
    word for word ("delivered to mailbox", a blocklist reject), and a hit skips
    the masking and the fallback. Only the first MAX_TEXT characters are read (as
    by shape), which also bounds the cache's memory."""
    return _verdict_for(status, text[:MAX_TEXT] if text else text)


@lru_cache(maxsize=16384)
def _verdict_for(status: str, text: str | None) -> Verdict:
    found = judge(text) if text else None
    if found is not None and found.reason != UNDEFINED:
        if text and status in _fallbacks()["gave_up"]:  # the MTA stopped retrying
            final = gave_up_retrying(found.reason, text, found.reply_code, found.status_code)
            if final != found.reason:
                return Verdict(final, None, decide_hard_bounce(final, "permanent"),
                               found.reply_code, found.status_code)
        return found
    fallback = _fallbacks()["reason_when_unexplained"].get(status, UNDEFINED)
    reply_class = _fallbacks()["reply_class_of_status"].get(status, "unknown")
    hard = decide_hard_bounce(fallback, reply_class)
    if found is None:
        return Verdict(fallback, None, hard, None, None)
    return Verdict(fallback, found.cause, hard, found.reply_code, found.status_code)
