"""One recipient outcome read from a mail server log: the event of ``logs --json-lines``."""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

EVENT_FIELDS: tuple[str, ...] = (
    "time", "host", "queue_id", "message_id", "sender", "recipient", "status", "relay",
    "reply_code", "status_code", "diagnostic", "reason", "cause", "hard_bounce", "delay",
    "attempt",
)
Status = Literal["sent", "bounced", "deferred", "expired", "rejected", "discarded"]
STATUSES: tuple[str, ...] = ("sent", "bounced", "deferred", "expired", "rejected", "discarded")


class LogEvent(NamedTuple):
    """Fields in EVENT_FIELDS order; None where the log does not say. Immutable; a
    named tuple rather than a frozen dataclass because a busy log makes millions
    of them and a tuple is built several times faster."""

    time: str | None
    host: str | None
    queue_id: str | None
    message_id: str | None
    sender: str | None
    recipient: str | None
    status: Status
    relay: str | None
    reply_code: str | None
    status_code: str | None
    diagnostic: str | None
    reason: str
    cause: str | None
    hard_bounce: bool | None
    delay: float | None
    attempt: int | None

    def to_dict(self) -> dict[str, Any]:
        """EVENT_FIELDS -> values (a dict display: the JSON writer calls this per event)."""
        return {
            "time": self.time, "host": self.host, "queue_id": self.queue_id,
            "message_id": self.message_id, "sender": self.sender, "recipient": self.recipient,
            "status": self.status, "relay": self.relay, "reply_code": self.reply_code,
            "status_code": self.status_code, "diagnostic": self.diagnostic,
            "reason": self.reason, "cause": self.cause, "hard_bounce": self.hard_bounce,
            "delay": self.delay, "attempt": self.attempt,
        }
