"""Build a LogEvent from what a format module read, with the verdict on its reply."""

from __future__ import annotations

from smtp_explain.logs.event import LogEvent, Status
from smtp_explain.logs.verdict import verdict_for


def outcome(
    status: Status,
    *,
    time: str | None,
    host: str | None,
    queue_id: str | None,
    message_id: str | None,
    sender: str | None,
    recipient: str | None,
    relay: str | None = None,
    diagnostic: str | None = None,
    status_code: str | None = None,
    delay: float | None = None,
    attempt: int | None = None,
    explained: str | None = None,
) -> LogEvent:
    """``explained`` is the reply text to judge when it is not ``diagnostic`` itself
    (an expiry judged by the last reply before it)."""
    verdict = verdict_for(status, explained if explained is not None else diagnostic)
    return LogEvent(
        time=time, host=host, queue_id=queue_id, message_id=message_id, sender=sender,
        recipient=recipient, status=status, relay=relay, reply_code=verdict.reply_code,
        status_code=status_code or verdict.status_code, diagnostic=diagnostic,
        reason=verdict.reason, cause=verdict.cause, hard_bounce=verdict.hard_bounce,
        delay=delay, attempt=attempt,
    )


def number(text: str | None) -> float | None:
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and value >= 0 else None  # no NaN, no negatives
