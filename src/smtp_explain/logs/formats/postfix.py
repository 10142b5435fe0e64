"""Postfix: syslog lines with classic ("Mar  1 10:00:00") or RFC 3339 timestamps.

Events: smtp/lmtp/local/virtual/pipe/error/discard deliveries (``status=``),
qmgr expiry ("status=expired, returned to sender": one event per recipient
still deferred), smtpd/postscreen ``NOQUEUE: reject:``, ``QID: reject:``,
cleanup ``milter-reject``/``reject``/``discard``/``hold``. State per queue id
(message-id, sender, attempts, deferred recipients) is dropped on ``removed``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from smtp_explain.logs.clock import YearGuess, iso_from_rfc3339
from smtp_explain.logs.event import LogEvent, Status
from smtp_explain.logs.flight import InFlight
from smtp_explain.logs.formats.base import MAX_RECIPIENTS_PER_MESSAGE, LogFormat, ReadOptions
from smtp_explain.logs.outcome import number, outcome
from smtp_explain.logs.unparsed import Unparsed

NAME = "postfix"
# Simple patterns only (no nested repetition): linear time on any line.
_STAMP = re.compile(
    r"(?P<mon>[A-Z][a-z]{2}) {1,2}(?P<day>\d{1,2}) (?P<clock>\d\d:\d\d:\d\d)(?:\.\d{1,9})?"
    r"|(?P<iso>\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?)"
)
_HEX = "0123456789ABCDEF"
_DELIVERY_STATUS: dict[str, Status] = {
    "sent": "sent", "deferred": "deferred", "bounced": "bounced", "expired": "expired",
    "SOFTBOUNCE": "deferred", "discarded": "discarded",
}
_ACTION_PREFIXES = ("reject: ", "milter-reject: ", "discard: ", "hold: ", "milter-discard: ",
                    "milter-hold: ")
_NOTICES = ("warning: ", "fatal: ", "panic: ", "error: ")  # never outcomes
# The first four characters of the text after the queue id tell which prefix check
# of the dispatch can hold (the prefixes differ in them); 0: none.
_TO, _CLIENT, _MESSAGE_ID, _FROM, _REMOVED, _NOTICE, _ACTION = range(1, 8)
_KINDS: dict[str, int] = {
    "to=<": _TO, "clie": _CLIENT, "mess": _MESSAGE_ID, "from": _FROM, "remo": _REMOVED,
    **{prefix[:4]: _NOTICE for prefix in _NOTICES},
    **{prefix[:4]: _ACTION for prefix in _ACTION_PREFIXES},
}
_QID_CACHE = 65536  # words whose queue-id test is remembered (a busy log repeats each id)
_NOT_OUTCOMES = ("deliverable", "undeliverable")  # address verification probes
_CLEANUP_ACTIONS: dict[str, Status] = {
    "reject: ": "rejected", "milter-reject: ": "rejected", "discard: ": "discarded",
    "hold: ": "deferred", "milter-discard: ": "discarded", "milter-hold: ": "deferred",
}


def _looks_delivery(text: str) -> bool:
    """A line that should have given an outcome (counted when it cannot be read)."""
    return "status=" in text or " reject: " in text or "milter-reject: " in text or " to=<" in text


def _is_qid(word: str) -> bool:
    """Short hex ids (5+ hex digits) or long ids (10+ letters and digits, not a word)."""
    if not word.isascii() or not word.isalnum():
        return False
    return (len(word) <= 15 and not word.strip(_HEX)) or (len(word) >= 10 and not word.isalpha())


def _split_line(line: str) -> tuple[str, str, str | None, str] | None:
    """(timestamp, host, queue id or None, text after it); None for a non-Postfix line.
    Plain string searches: most lines of a busy log are read only this far."""
    at = line.find(" postfix")
    while at >= 0:
        colon = line.find(": ", at)
        if colon < 0:
            return None
        program = line[at + 1:colon]
        if " " not in program:
            break
        at = line.find(" postfix", at + 1)
    else:
        return None
    cut = line.rfind(" ", 0, at)
    if cut <= 0:
        return None
    stamp, host, msg = line[:cut], line[cut + 1:at], line[colon + 2:]
    if msg.startswith("NOQUEUE: "):
        return stamp, host, None, msg[9:]
    end = msg.find(": ", 0, 21)
    if end >= 5 and _is_qid(msg[:end]):
        return stamp, host, msg[:end], msg[end + 2:]
    return stamp, host, None, msg


def sniff(line: str) -> bool:
    split = _split_line(line)
    return split is not None and _STAMP.fullmatch(split[0]) is not None


def queue_key(line: str) -> str | None:
    split = _split_line(line)
    return split[2] if split else None


def _angle(value: str) -> str:
    value = value.strip()
    if value.startswith("<"):
        value = value[1:]
    if value.endswith(">"):
        value = value[:-1]
    return value


def _field(text: str, key: str) -> str | None:
    """The value after ``key`` (", relay=") up to the next ", "; None when absent or empty."""
    _, sep, value = text.partition(key)
    return value.partition(", ")[0] or None if sep else None


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
    attempts: dict[str, int] = field(default_factory=dict)
    # recipient -> (last reply text, relay) while its last outcome is a deferral
    deferred: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)


class PostfixReader:
    def __init__(self, unparsed: Unparsed, options: ReadOptions) -> None:
        self._unparsed = unparsed
        self._years = YearGuess(options.year)
        self._messages: InFlight[_Message] = InFlight(_Message, options.max_in_flight)
        self._stamp = ""
        self._time: str | None = None
        self._qids: dict[str, bool] = {}  # word before ": " -> is it a queue id (_is_qid)

    def _iso(self, stamp: str) -> str | None:
        """ISO 8601 of a syslog timestamp (cached: neighbouring lines share it)."""
        if stamp != self._stamp:
            found = _STAMP.fullmatch(stamp)
            if found is None:
                self._time = None
            elif found.group("iso"):
                self._time = iso_from_rfc3339(found.group("iso"))
            else:
                self._time = self._years.iso(found.group("mon"), found.group("day"),
                                             found.group("clock"))
            self._stamp = stamp
        return self._time

    def finish(self) -> Iterable[LogEvent]:
        return ()

    def feed(self, line: str) -> Iterable[LogEvent]:
        return self.feed_batch((line,))

    def feed_batch(self, lines: Iterable[str]) -> list[LogEvent]:
        """The events of ``lines``. One loop over a batch with _split_line and the
        dispatch written out in it: most lines of a busy log (connects, client=,
        message-id=, from=, removed) are read with a few partitions and one dict
        look-up, and no call. (str.find/startswith with offsets parse their
        arguments the slow way, so the common path uses partition and slices.)
        The timestamp and host are kept only for lines that give events."""
        events: list[LogEvent] = []
        unparsed = self._unparsed.add
        messages = self._messages
        kinds = _KINDS
        qids = self._qids
        for line in lines:
            if not line:
                continue
            # _split_line, written out; a line it reads otherwise (a " postfix"
            # before the first ": " that is not the program) takes the slow way.
            # head[:at] is "<timestamp> <host>", split only for lines that give events.
            head, sep, msg = line.partition(": ")
            at = head.find(" postfix") if sep else -1
            if at > 0 and " " not in head[at + 1:]:
                if " " not in head[1:at]:  # no timestamp before the host
                    if _looks_delivery(line):
                        unparsed(line)
                    continue
                qid: str | None = None
                if msg[:9] == "NOQUEUE: ":
                    rest = msg[9:]
                else:
                    word, sep, rest = msg.partition(": ")
                    if not sep or len(word) > 19:
                        rest = msg
                    else:
                        valid = qids.get(word)
                        if valid is None:
                            valid = len(word) >= 5 and _is_qid(word)
                            if len(qids) >= _QID_CACHE:
                                qids.clear()
                            qids[word] = valid
                        if valid:
                            qid = word
                        else:
                            rest = msg
            else:
                split = _split_line(line)
                if split is None:
                    if _looks_delivery(line):
                        unparsed(line)
                    continue
                stamp, host, qid, rest = split
                head = f"{stamp} {host}"  # the host holds no space: rpartition splits them again
                at = len(head)
            # _dispatch, written out: each branch either goes on (a line that is
            # no outcome) or sets found (the events, or None: unreadable)
            kind = kinds.get(rest[:4], 0)
            found: list[LogEvent] | None
            try:
                if qid is not None:
                    if kind == _TO:
                        stamp, _, host = head[:at].rpartition(" ")
                        found = self._delivery(qid, rest, self._iso(stamp), host)
                    elif kind == _REMOVED and rest[:7] == "removed":
                        messages.drop(qid)
                        continue
                    elif kind == _CLIENT and rest[:7] == "client=":
                        messages.get(qid)  # the client itself is not shown
                        continue
                    elif kind == _MESSAGE_ID and rest[:11] == "message-id=":
                        messages.get(qid).message_id = _angle(rest[11:].split(" ", 1)[0]) or None
                        continue
                    elif kind == _FROM and rest[:6] == "from=<":
                        stamp, _, host = head[:at].rpartition(" ")
                        found = self._queued(qid, rest, stamp, host)
                    elif kind == _NOTICE and rest.startswith(_NOTICES):
                        continue
                    elif kind == _ACTION and rest.startswith(_ACTION_PREFIXES):
                        stamp, _, host = head[:at].rpartition(" ")
                        found = self._cleanup_action(qid, rest, stamp, host)
                    elif "status=" in rest:
                        found = None
                    else:
                        continue  # host ... said (no status=), sender non-delivery notification, etc.
                elif kind == _NOTICE and rest.startswith(_NOTICES):
                    continue
                elif kind == _ACTION and rest.startswith(_ACTION_PREFIXES):
                    stamp, _, host = head[:at].rpartition(" ")
                    found = self._cleanup_action(None, rest, stamp, host)
                elif ("status=" in rest or " reject: " in rest or "milter-reject: " in rest
                      or " to=<" in rest):  # _looks_delivery
                    found = None
                else:
                    continue
            except (ValueError, IndexError):
                found = None
            if found is None:
                unparsed(line)
            elif found:
                events.extend(found)
        return events

    def _cleanup_action(self, qid: str | None, rest: str, stamp: str,
                        host: str) -> list[LogEvent] | None:
        for prefix, status in _CLEANUP_ACTIONS.items():
            if rest.startswith(prefix):
                return self._action(qid, rest[len(prefix):], status, self._iso(stamp), host)
        return None

    def _delivery(self, qid: str, rest: str, time: str | None,
                  host: str) -> list[LogEvent] | None:
        head, sep, tail = rest.partition(", status=")
        if not sep or time is None:
            return None
        word, _, text = tail.partition(" ")
        word = word.rstrip(",")
        if word in _NOT_OUTCOMES:
            return []
        status = _DELIVERY_STATUS.get(word)
        if status is None:
            return None
        recipient, sep, fields = head[4:].partition(">")  # head starts with "to=<"
        if not sep:
            return None
        message = self._messages.get(qid)
        diagnostic = _paren(text)
        _, sep, relay_on = fields.partition(", relay=")
        relay = relay_on.partition(", ")[0] if sep else None
        if relay in ("none", ""):
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
            diagnostic=diagnostic, status_code=_field(head, ", dsn="),
            delay=number(_field(head, ", delay=")), attempt=attempt,
        )]

    def _queued(self, qid: str, rest: str, stamp: str,
                host: str) -> list[LogEvent] | None:
        sender_end = rest.find(">", 6)
        if sender_end < 0:
            return None
        message = self._messages.get(qid)
        message.sender = rest[6:sender_end]
        if ", status=expired" not in rest:
            return []
        time = self._iso(stamp)
        if time is None:
            return None
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
        if not sep or time is None:
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


FORMAT = LogFormat(NAME, sniff, queue_key, PostfixReader)
