"""Sendmail: syslog lines of sendmail/sm-mta with ``stat=`` outcomes.

``QID: from=<s>, size=.., nrcpts=.., msgid=<..>`` gives the context;
``QID: to=<a>,<b>, ..., dsn=X.Y.Z, stat=...`` one event per recipient
(``Sent`` sent, ``Deferred`` deferred, anything else bounced; ``queued`` is no
outcome); ``ruleset=check_rcpt ... reject=`` a rejection; ``DSN: Cannot send
message for N days`` the expiry of the recipients still deferred.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from smtp_explain.logs.clock import YearGuess, iso_from_rfc3339
from smtp_explain.logs.event import LogEvent, Status
from smtp_explain.logs.flight import InFlight
from smtp_explain.logs.formats.base import (
    MAX_RECIPIENTS_PER_MESSAGE,
    LogFormat,
    Reader,
    ReadOptions,
    guarded,
)
from smtp_explain.logs.outcome import outcome
from smtp_explain.logs.unparsed import Unparsed

NAME = "sendmail"
_HEAD = re.compile(
    r"(?:(?P<mon>[A-Z][a-z]{2}) {1,2}(?P<day>\d{1,2}) (?P<clock>\d\d:\d\d:\d\d)"
    r"|(?P<iso>\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?))"
    r" (?P<host>[^\s]+) (?:sendmail|sm-mta|sm-msp-queue|sm-mta-[\w.-]{1,20})(?:\[\d{1,10}\])?: "
    r"(?:(?P<qid>[0-9A-Za-z]{8,20}): )?"
)
_EXPIRY = ("DSN: Cannot send message for", "return to sender: Cannot send message for")
_DELIVERY_SIGNS = ("stat=", "reject=")


def sniff(line: str) -> bool:
    return ("sendmail" in line or "sm-m" in line) and _HEAD.match(line) is not None


def queue_key(line: str) -> str | None:
    head = _HEAD.match(line)
    return head.group("qid") if head else None


def _fields(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for part in text.split(", "):
        key, eq, value = part.partition("=")
        if eq:
            found[key] = value
    return found


def _status(stat: str, dsn: str | None) -> Status | None:
    word = stat.split(None, 1)[0].rstrip(":") if stat.strip() else ""
    if word == "Sent":
        return "sent"
    if word == "Deferred" or (dsn or "").startswith("4."):
        return "deferred"
    if word.lower() == "queued":
        return None
    return "bounced"


@dataclass(slots=True)
class _Message:
    message_id: str | None = None
    sender: str | None = None
    attempts: dict[str, int] = field(default_factory=dict)
    deferred: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)


class SendmailReader(Reader):
    def __init__(self, unparsed: Unparsed, options: ReadOptions) -> None:
        self._unparsed = unparsed
        self._years = YearGuess(options.year)
        self._messages: InFlight[_Message] = InFlight(lambda _key: _Message(),
                                                      options.max_in_flight)

    def finish(self) -> Iterable[LogEvent]:
        return ()

    def feed(self, line: str) -> Iterable[LogEvent]:
        head = _HEAD.match(line) if ("sendmail" in line or "sm-m" in line) else None
        if head is None:
            if any(sign in line for sign in _DELIVERY_SIGNS):
                self._unparsed.add(line)
            return ()
        time = (iso_from_rfc3339(head.group("iso")) if head.group("iso") else
                self._years.iso(head.group("mon"), head.group("day"), head.group("clock")))
        return guarded(self._unparsed, line, lambda: self._dispatch(
            head.group("qid"), line[head.end():], time, head.group("host")))

    def _dispatch(self, qid: str | None, rest: str, time: str | None,
                  host: str) -> list[LogEvent] | None:
        if rest.startswith("to="):
            return self._delivery(qid, rest, time, host) if qid else None
        if "reject=" in rest and rest.startswith("ruleset="):
            return self._rejected(qid, rest, time, host)
        if qid is None:
            return [] if "stat=" not in rest else None
        if rest.startswith("from="):
            fields = _fields(rest)
            message = self._messages.get(qid)
            message.sender = fields.get("from", "").strip("<>")
            message.message_id = fields.get("msgid", "").strip("<>") or None
            return []
        if any(sign in rest for sign in _EXPIRY):
            return self._expire(qid, time, host)
        return [] if "stat=" not in rest else None

    def _delivery(self, qid: str, rest: str, time: str | None,
                  host: str) -> list[LogEvent] | None:
        at = rest.find(", stat=")
        if at < 0:
            return None
        stat = rest[at + 7:].strip()
        head = rest[:at]
        to_end = head.find(", ")
        to_field = head[3:to_end] if to_end >= 0 else head[3:]
        fields = _fields(head[to_end + 2:]) if to_end >= 0 else {}
        status = _status(stat, fields.get("dsn"))
        if status is None:
            return []
        message = self._messages.get(qid)
        relay = _relay(fields.get("relay"))
        events = []
        for raw in to_field.split(","):
            recipient = raw.strip().strip("<>")
            if not recipient:
                continue
            attempt = message.attempts.get(recipient, 0) + 1
            if len(message.attempts) < MAX_RECIPIENTS_PER_MESSAGE:
                message.attempts[recipient] = attempt
            if status == "deferred":
                if len(message.deferred) < MAX_RECIPIENTS_PER_MESSAGE:
                    message.deferred[recipient] = (stat, relay)
            else:
                message.deferred.pop(recipient, None)
            events.append(outcome(
                status, time=time, host=host, queue_id=qid, message_id=message.message_id,
                sender=message.sender, recipient=recipient, relay=relay, diagnostic=stat,
                status_code=fields.get("dsn") or None, delay=_seconds(fields.get("delay")),
                attempt=attempt,
            ))
        return events or None

    def _expire(self, qid: str, time: str | None, host: str) -> list[LogEvent]:
        message = self._messages.get(qid)
        events = [
            outcome("expired", time=time, host=host, queue_id=qid,
                    message_id=message.message_id, sender=message.sender,
                    recipient=recipient, relay=relay, diagnostic=last_reply,
                    attempt=message.attempts.get(recipient))
            for recipient, (last_reply, relay) in message.deferred.items()
        ]
        message.deferred.clear()
        return events

    def _rejected(self, qid: str | None, rest: str, time: str | None,
                  host: str) -> list[LogEvent] | None:
        at = rest.find("reject=")
        text = rest[at + 7:].strip()
        fields = _fields(rest[:at])
        arg = fields.get("arg1", "").strip("<>") or None
        rcpt_stage = fields.get("ruleset") == "check_rcpt"
        message = self._messages.peek(qid) if qid else None
        relay = _relay(fields.get("relay"))
        return [outcome(
            "rejected", time=time, host=host, queue_id=qid,
            message_id=message.message_id if message else None,
            sender=(message.sender if message else None) if rcpt_stage else arg,
            recipient=arg if rcpt_stage else None,
            relay=relay, diagnostic=text or None,
        )]


def _relay(text: str | None) -> str | None:
    """"mx.example.net. [192.0.2.1]" -> "mx.example.net[192.0.2.1]"."""
    if not text:
        return None
    return text.replace(". [", "[").replace(" ", "") or None


def _seconds(text: str | None) -> float | None:
    """Sendmail's delay "[D+]HH:MM:SS" in seconds."""
    if not text:
        return None
    days, _, clock = text.rpartition("+")
    parts = clock.split(":")
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or (days and not days.isdigit()):
        return None
    return float(int(days or 0) * 86400 + int(parts[0]) * 3600 + int(parts[1]) * 60 + int(parts[2]))


FORMAT = LogFormat(NAME, sniff, queue_key, SendmailReader)
