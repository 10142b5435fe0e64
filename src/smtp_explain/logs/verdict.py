"""The one place where the logs package asks for a reason: ``explanation.explain``.

Every reply text of a log goes through :func:`judge` (cached by the text), so
the reason of an event and the reason ``smtp-explain explain`` gives for the
same text never differ. Only when explain finds no reason at all ("undefined")
does the outcome the log states fill in (knowledge/log_events.toml).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

from smtp_explain import catalog
from smtp_explain.explanation import decide_hard_bounce, explain

UNDEFINED = "undefined"
MAX_TEXT = 4096


@dataclass(frozen=True, slots=True)
class Verdict:
    reason: str
    cause: str | None
    hard_bounce: bool | None
    reply_code: str | None
    status_code: str | None


@lru_cache(maxsize=32768)
def judge(text: str) -> Verdict:
    """explain()'s verdict on one reply text."""
    d = explain(text[:MAX_TEXT], "en")
    return Verdict(d.reason, getattr(d, "cause", None), d.hard_bounce, d.reply_code, d.status)


@cache
def _fallbacks() -> dict[str, dict[str, str]]:
    return catalog.facts("log_events")  # type: ignore[no-any-return]


def verdict_for(status: str, text: str | None) -> Verdict:
    """The verdict of an event of ``status`` whose reply (or last reply) is ``text``."""
    found = judge(text) if text else None
    if found is not None and found.reason != UNDEFINED:
        return found
    fallback = _fallbacks()["reason_when_unexplained"].get(status, UNDEFINED)
    reply_class = _fallbacks()["reply_class_of_status"].get(status, "unknown")
    hard = decide_hard_bounce(fallback, reply_class)  # type: ignore[arg-type]
    if found is None:
        return Verdict(fallback, None, hard, None, None)
    return Verdict(fallback, found.cause, hard, found.reply_code, found.status_code)
