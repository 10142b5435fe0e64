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
) -> LogEvent:
    """The event, its reason (and codes, cause, hard_bounce) judged from ``diagnostic``."""
    verdict = verdict_for(status, diagnostic)
    return LogEvent(
        time, host, queue_id, message_id, sender, recipient, status, relay,
        verdict.reply_code, status_code or verdict.status_code, diagnostic, verdict.reason,
        verdict.cause, verdict.hard_bounce, delay, attempt,
    )


def number(text: str | None) -> float | None:
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and value >= 0 else None  # no NaN, no negatives
