"""Exim main log ("2024-03-01 10:00:00 1abcDE-000123-Xy => ...").

Read: ``<=`` arrival (sender, id=), ``=>``/``->``/``*>`` deliveries, ``**``
failures (``retry timeout exceeded`` and "retry time not reached for any host
after a long failure period" are expiries), ``==`` deferrals with their
``defer (-NN)``, ``Completed`` (state dropped), ``rejected RCPT`` and
``rejected after DATA``. ``rejected EHLO``/``rejected connection`` are not
recipient outcomes. Accepts Exim 4.97+ ids (6-11-4), ``.mmm +0000`` stamps,
``[pid]`` prefixes, and multi-line replies joined with a literal ``\\n``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

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

NAME = "exim"
_HEAD = re.compile(
    r"(?P<date>\d{4}-\d\d-\d\d) (?P<clock>\d\d:\d\d:\d\d(?:\.\d{1,6})?)"
    r"(?: (?P<zone>[+-]\d{4}))?(?: \[\d{1,10}\])?"
    r"(?: (?P<id>[0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4}))? "
)
_ADDRESS = re.compile(r"(?P<addr>[^\s:<]+|<[^>\s]*>)(?: \([^()\s]*\))?(?: <(?P<orig>[^>\s]*)>)?")
_HOST = re.compile(r"(?:^| )H=(?P<name>[^\s\[(]+)?(?: ?\((?P<helo>[^)\s]*)\))?(?: ?\[(?P<ip>[^\]\s]+)\])?")
_FIELD = re.compile(r" (?P<key>[A-Z]{1,3})=")
_DEFER = re.compile(r" defer \((?P<errno>-?\d{1,6})\)")
_EXPIRY_SIGNS = ("retry timeout exceeded",
                 "retry time not reached for any host after a long failure period")
_FLAGS: dict[str, Status] = {"=>": "sent", "->": "sent", "*>": "sent", "**": "bounced",
                             "==": "deferred"}
_DELIVERY_SIGNS = (" => ", " -> ", " ** ", " == ", " rejected RCPT", " rejected after DATA")


def sniff(line: str) -> bool:
    head = _HEAD.match(line)
    if head is None:
        return False
    rest = line[head.end():]
    return bool(head.group("id")) and rest[:3] in ("<= ", "=> ", "== ", "** ", "-> ", "Com")


def queue_key(line: str) -> str | None:
    head = _HEAD.match(line)
    return head.group("id") if head else None


def _iso(head: re.Match[str]) -> str:
    zone = head.group("zone")
    stamp = f"{head.group('date')}T{head.group('clock')}"
    return f"{stamp}{zone[:3]}:{zone[3:]}" if zone else stamp


def _relay(fields: str) -> str | None:
    found = _HOST.search(fields)
    if found is None or not (found.group("name") or found.group("ip")):
        return None
    name, ip = found.group("name"), found.group("ip")
    return f"{name or 'unknown'}[{ip}]" if ip else name


def _quoted(fields: str, key: str) -> str | None:
    at = fields.find(f" {key}=\"")
    if at < 0:
        return None
    end = fields.find('"', at + len(key) + 3)
    return fields[at + len(key) + 3:end if end >= 0 else None]


def _reply(text: str) -> str:
    return text.replace("\\n", "\n").strip()


@dataclass(slots=True)
class _Message:
    message_id: str | None = None
    sender: str | None = None
    attempts: dict[str, int] = field(default_factory=dict)
    last_reply: dict[str, str] = field(default_factory=dict)  # of deferred recipients


class EximReader(Reader):
    def __init__(self, unparsed: Unparsed, options: ReadOptions) -> None:
        self._unparsed = unparsed
        self._messages: InFlight[_Message] = InFlight(lambda _key: _Message(),
                                                      options.max_in_flight)

    def finish(self) -> Iterable[LogEvent]:
        return ()

    def feed(self, line: str) -> Iterable[LogEvent]:
        head = _HEAD.match(line)
        if head is None:
            if any(sign in line for sign in _DELIVERY_SIGNS):
                self._unparsed.add(line)
            return ()
        return guarded(self._unparsed, line, lambda: self._dispatch(head, line[head.end():]))

    def _dispatch(self, head: re.Match[str], rest: str) -> list[LogEvent] | None:
        qid = head.group("id")
        if " rejected RCPT" in rest or " rejected after DATA" in rest:
            return self._rejected(qid, rest, _iso(head))
        if qid is None:
            return []
        flag = rest[:3]
        if flag == "<= ":
            message = self._messages.get(qid)
            found = _ADDRESS.match(rest, 3)
            message.sender = found.group("addr").strip("<>") if found else None
            message_id = re.search(r" id=(\S+)", rest)
            message.message_id = message_id.group(1).strip("<>") if message_id else None
            return []
        if rest.startswith("Completed"):
            self._messages.drop(qid)
            return []
        status = _FLAGS.get(flag.strip())
        if status is None or flag[2] != " ":
            return []
        return self._delivery(qid, status, rest[3:], _iso(head))

    def _delivery(self, qid: str, status: Status, rest: str, time: str) -> list[LogEvent] | None:
        found = _ADDRESS.match(rest)
        if found is None:
            return None
        recipient = (found.group("orig") or found.group("addr")).strip("<>")
        after = rest[found.end():]
        text: str | None = None
        fields = after
        if status in ("bounced", "deferred"):
            colon = after.find(": ")
            if after.startswith(":"):
                fields, text = "", after[1:]
            elif colon >= 0:
                fields, text = after[:colon], after[colon + 2:]
            defer = _DEFER.search(fields)
            if not text and defer:
                text = f"defer ({defer.group('errno')})"
        else:
            text = _quoted(after, "C")
        if " R=" not in fields and " T=" not in fields and not text:
            return None  # a cut line: a delivery always names its router or an error
        diagnostic = _reply(text) if text else None
        message = self._messages.get(qid)
        if status == "bounced" and diagnostic and any(s in diagnostic for s in _EXPIRY_SIGNS):
            # an expiry is judged (and shown) by the last reply before it, when seen
            status = "expired"
            diagnostic = message.last_reply.pop(recipient, diagnostic)
        elif status == "deferred" and diagnostic:
            if len(message.last_reply) < MAX_RECIPIENTS_PER_MESSAGE:
                message.last_reply[recipient] = diagnostic
        else:
            message.last_reply.pop(recipient, None)
        attempt = message.attempts.get(recipient, 0) + 1
        if len(message.attempts) < MAX_RECIPIENTS_PER_MESSAGE or recipient in message.attempts:
            message.attempts[recipient] = attempt
        delay = re.search(r" DT=(\d{1,9}(?:\.\d+)?)s", fields)
        return [outcome(
            status, time=time, host=None, queue_id=qid, message_id=message.message_id,
            sender=message.sender, recipient=recipient or None, relay=_relay(fields),
            diagnostic=diagnostic, delay=float(delay.group(1)) if delay else None,
            attempt=attempt,
        )]

    def _rejected(self, qid: str | None, rest: str, time: str) -> list[LogEvent] | None:
        sender = re.search(r"(?:^| )F=<([^>\s]*)>", rest)
        if " rejected RCPT" in rest:
            at = rest.find(" rejected RCPT")
            target = _ADDRESS.match(rest, at + 15)
            recipient = target.group("addr").strip("<>") if target else None
            text_at = rest.find(": ", at)
        else:
            at = rest.find(" rejected after DATA")
            recipient = None
            text_at = rest.find(": ", at)
        text = _reply(rest[text_at + 2:]) if text_at >= 0 else None
        message = self._messages.peek(qid) if qid else None
        return [outcome(
            "rejected", time=time, host=None, queue_id=qid,
            message_id=message.message_id if message else None,
            sender=sender.group(1) if sender else None, recipient=recipient or None,
            relay=_relay(rest[:at]), diagnostic=text or None,
        )]


FORMAT = LogFormat(NAME, sniff, queue_key, EximReader)
