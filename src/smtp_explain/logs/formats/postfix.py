"""Postfix: syslog lines with classic ("Mar  1 10:00:00") or RFC 3339 timestamps.

Events: smtp/lmtp/local/virtual/pipe/error/discard deliveries (``status=``),
qmgr expiry ("status=expired, returned to sender": one event per recipient
still deferred), smtpd/postscreen ``NOQUEUE: reject:``, ``QID: reject:``,
cleanup ``milter-reject``/``reject``/``discard``/``hold``. State per queue id
(client, message-id, sender, deferred recipients) is dropped on ``removed``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from smtp_explain.logs.clock import YearGuess, iso_from_rfc3339
from smtp_explain.logs.event import LogEvent, Status
from smtp_explain.logs.flight import InFlight
from smtp_explain.logs.formats.base import MAX_RECIPIENTS_PER_MESSAGE, ReadOptions
from smtp_explain.logs.outcome import number, outcome
from smtp_explain.logs.unparsed import Unparsed

NAME = "postfix"
# Simple patterns only (no nested repetition): linear time on any line.
_HEAD = re.compile(
    r"(?:(?P<mon>[A-Z][a-z]{2}) {1,2}(?P<day>\d{1,2}) (?P<clock>\d\d:\d\d:\d\d)(?:\.\d{1,9})?"
    r"|(?P<iso>\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?))"
    r" (?P<host>[^\s]+) (?P<prog>postfix[\w.-]{0,40}(?:/[\w.-]{1,40}){0,4})(?:\[\d{1,10}\])?: "
)
_QID = re.compile(r"([0-9A-Za-z]{5,20}): ")
_HEX_QID = re.compile(r"[0-9A-F]{5,15}")
# Words that open a delivery-looking line: one of these that does not parse is counted.
_DELIVERY_SIGNS = ("status=", " reject: ", "milter-reject: ", " to=<")
_DELIVERY_STATUS: dict[str, Status] = {
    "sent": "sent", "deferred": "deferred", "bounced": "bounced", "expired": "expired",
    "SOFTBOUNCE": "deferred", "discarded": "discarded",
}
_NOTICES = ("warning: ", "fatal: ", "panic: ", "error: ")  # never outcomes
_NOT_OUTCOMES = ("deliverable", "undeliverable")  # address verification probes
_CLEANUP_ACTIONS: dict[str, Status] = {
    "reject: ": "rejected", "milter-reject: ": "rejected", "discard: ": "discarded",
    "hold: ": "deferred", "milter-discard: ": "discarded", "milter-hold: ": "deferred",
}


def _is_qid(word: str) -> bool:
    return bool(_HEX_QID.fullmatch(word)) or (len(word) >= 10 and not word.islower()
                                              and not word.isalpha())


def _split_line(line: str) -> tuple[re.Match[str], str | None, str] | None:
    """(header match, queue id or None, the text after it); None for a non-Postfix line."""
    head = _HEAD.match(line)
    if head is None:
        return None
    msg = line[head.end():]
    if msg.startswith("NOQUEUE: "):
        return head, None, msg[9:]
    found = _QID.match(msg)
    if found is None or not _is_qid(found.group(1)):
        return head, None, msg
    return head, found.group(1), msg[found.end():]


def sniff(line: str) -> bool:
    return "postfix" in line and _HEAD.match(line) is not None


def queue_key(line: str) -> str | None:
    if "postfix" not in line:
        return None
    split = _split_line(line)
    return split[1] if split else None


def _angle(value: str) -> str:
    value = value.strip()
    if value.startswith("<"):
        value = value[1:]
    if value.endswith(">"):
        value = value[:-1]
    return value


def _paren(text: str) -> str | None:
    text = text.strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    return text or None


@dataclass(slots=True)
class _Message:
    queue_id: str
    message_id: str | None = None
    sender: str | None = None
    client: str | None = None
    attempts: dict[str, int] = field(default_factory=dict)
    # recipient -> (last reply text, relay) while its last outcome is a deferral
    deferred: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)


class PostfixReader:
    def __init__(self, unparsed: Unparsed, options: ReadOptions) -> None:
        self._unparsed = unparsed
        self._years = YearGuess(options.year)
        self._messages: InFlight[_Message] = InFlight(_Message, options.max_in_flight)

    def finish(self) -> Iterable[LogEvent]:
        return ()

    def feed(self, line: str) -> Iterable[LogEvent]:
        split = _split_line(line) if "postfix" in line else None
        if split is None:
            if any(sign in line for sign in _DELIVERY_SIGNS):
                self._unparsed.add(line)
            return ()
        head, qid, rest = split
        time: str | None
        if head.group("iso"):
            time = iso_from_rfc3339(head.group("iso"))
        else:
            time = self._years.iso(head.group("mon"), head.group("day"), head.group("clock"))
        host = head.group("host")
        try:
            events = self._dispatch(qid, rest, time, host)
        except (ValueError, IndexError):
            events = None
        if events is None:
            self._unparsed.add(line)
            return ()
        return events

    # Each handler returns its events, or None when the line could not be read.
    def _dispatch(self, qid: str | None, rest: str, time: str | None,
                  host: str) -> list[LogEvent] | None:
        if rest.startswith(_NOTICES):
            return []
        if qid is None:
            for prefix, status in _CLEANUP_ACTIONS.items():
                if rest.startswith(prefix):
                    return self._action(None, rest[len(prefix):], status, time, host)
            if any(sign in rest for sign in _DELIVERY_SIGNS):
                return None
            return []
        if rest.startswith("to=<"):
            return self._delivery(qid, rest, time, host)
        if rest.startswith("from=<"):
            return self._queued(qid, rest, time, host)
        if rest.startswith("message-id="):
            self._messages.get(qid).message_id = _angle(rest[11:].split(" ", 1)[0]) or None
            return []
        if rest.startswith("client="):
            self._messages.get(qid).client = rest[7:].split(",", 1)[0]
            return []
        if rest.startswith("removed"):
            self._messages.drop(qid)
            return []
        for prefix, status in _CLEANUP_ACTIONS.items():
            if rest.startswith(prefix):
                return self._action(qid, rest[len(prefix):], status, time, host)
        if "status=" in rest:
            return None
        return []  # host ... said (no status=), sender non-delivery notification, etc.

    def _delivery(self, qid: str, rest: str, time: str | None,
                  host: str) -> list[LogEvent] | None:
        at = rest.find(", status=")
        if at < 0:
            return None
        word, _, text = rest[at + 9:].partition(" ")
        word = word.rstrip(",")
        if word in _NOT_OUTCOMES:
            return []
        status = _DELIVERY_STATUS.get(word)
        if status is None:
            return None
        fields: dict[str, str] = {}
        for part in rest[:at].split(", "):
            key, eq, value = part.partition("=")
            if not eq:
                return None
            fields[key] = value
        recipient = _angle(fields.get("to", ""))
        if not recipient and "to" not in fields:
            return None
        message = self._messages.get(qid)
        diagnostic = _paren(text)
        relay = fields.get("relay") or None
        if relay == "none":
            relay = None
        attempt = message.attempts.get(recipient, 0) + 1
        if len(message.attempts) < MAX_RECIPIENTS_PER_MESSAGE or recipient in message.attempts:
            message.attempts[recipient] = attempt
        if status == "deferred":
            if len(message.deferred) < MAX_RECIPIENTS_PER_MESSAGE:
                message.deferred[recipient] = (diagnostic, relay)
        else:
            message.deferred.pop(recipient, None)
        return [outcome(
            status, time=time, host=host, queue_id=qid, message_id=message.message_id,
            sender=message.sender, recipient=recipient or None, relay=relay,
            diagnostic=diagnostic, status_code=fields.get("dsn") or None,
            delay=number(fields.get("delay")), attempt=attempt,
        )]

    def _queued(self, qid: str, rest: str, time: str | None,
                host: str) -> list[LogEvent] | None:
        sender_end = rest.find(">", 6)
        if sender_end < 0:
            return None
        message = self._messages.get(qid)
        message.sender = rest[6:sender_end]
        if ", status=expired" not in rest:
            return []
        if not message.deferred:
            return [outcome("expired", time=time, host=host, queue_id=qid,
                            message_id=message.message_id, sender=message.sender,
                            recipient=None)]
        events = [
            outcome("expired", time=time, host=host, queue_id=qid,
                    message_id=message.message_id, sender=message.sender,
                    recipient=recipient or None, relay=relay, diagnostic=last_reply,
                    attempt=message.attempts.get(recipient))
            for recipient, (last_reply, relay) in message.deferred.items()
        ]
        message.deferred.clear()
        return events

    def _action(self, qid: str | None, rest: str, status: Status, time: str | None,
                host: str) -> list[LogEvent] | None:
        """reject/discard/hold: "<stage> from <client>: <text>; from=<s> to=<r> ...",
        or for header/body checks "<stage> <what> from <client>; from=<s> to=<r>
        proto=... helo=<h>: <text>"."""
        before, sep, tail = rest.rpartition("; from=<")
        if not sep:
            return None
        sender, _, tail = tail.partition(">")
        to_at = tail.find("to=<")
        recipient = tail[to_at + 4:tail.find(">", to_at)] if to_at >= 0 else None
        if rest.startswith(("header ", "body ")):
            _, _, client = before.rpartition(" from ")
            helo_end = tail.find(">: ", tail.find("helo=<"))
            text = tail[helo_end + 3:] if helo_end >= 0 and "helo=<" in tail else None
        else:
            _, _, after = before.partition(" from ")
            client, _, text = after.partition(": ")
        message = self._messages.peek(qid) if qid else None
        return [outcome(
            status, time=time, host=host, queue_id=qid,
            message_id=message.message_id if message else None,
            sender=sender, recipient=recipient or None, relay=client or None,
            diagnostic=(text or "").strip() or None,
        )]


class Postfix:
    name = NAME

    def sniff(self, line: str) -> bool:
        return sniff(line)

    def queue_key(self, line: str) -> str | None:
        return queue_key(line)

    def reader(self, unparsed: Unparsed, options: ReadOptions) -> PostfixReader:
        return PostfixReader(unparsed, options)
