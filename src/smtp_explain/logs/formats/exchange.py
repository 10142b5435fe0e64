"""Microsoft Exchange message tracking logs (CSV with ``#Fields:`` header lines).

Events by ``event-id``: DELIVER and SEND are sent, FAIL bounced (expired when
its status is 4.4.7, the queue expiry), DEFER deferred, DROP discarded. RECEIVE
gives the sender. Rows are grouped by ``message-id``; ``internal-message-id``
is the queue id. Without a ``#Fields:`` line the Exchange 2013+ column order is
assumed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from smtp_explain.logs.event import LogEvent, Status
from smtp_explain.logs.flight import InFlight
from smtp_explain.logs.formats.base import LogFormat, Reader, ReadOptions
from smtp_explain.logs.formats.csv_rows import RowJoiner, split_row
from smtp_explain.logs.outcome import outcome
from smtp_explain.logs.unparsed import Unparsed

NAME = "exchange"
DEFAULT_FIELDS = ["date-time", "client-ip", "client-hostname", "server-ip", "server-hostname", "source-context", "connector-id", "source", "event-id", "internal-message-id", "message-id", "network-message-id", "recipient-address", "recipient-status", "total-bytes", "recipient-count", "related-recipient-address", "reference", "message-subject", "sender-address", "return-path", "message-info", "directionality", "tenant-id", "original-client-ip", "original-server-ip", "custom-data", "transport-traffic-type", "log-id", "schema-version"]
_EVENTS: dict[str, Status] = {"DELIVER": "sent", "SEND": "sent", "FAIL": "bounced",
                              "DEFER": "deferred", "DROP": "discarded"}
_EXPIRED_CODE = "4.4.7"
_ROW_START = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
_STATUS_START = re.compile(r"[2-5]\d\d[ -]")


def sniff(line: str) -> bool:
    return line.startswith(("#Software: Microsoft Exchange", "#Log-type: Message Tracking")) or (
        line.startswith("#Fields: date-time,") and "event-id" in line)


def _index(names: list[str]) -> dict[str, int]:
    return {name.strip(): at for at, name in enumerate(names)}


_DEFAULT_INDEX = _index(DEFAULT_FIELDS)


def _get(row: list[str], index: dict[str, int], name: str) -> str | None:
    at = index.get(name)
    if at is None or at >= len(row):
        return None
    return row[at].strip() or None


def queue_key(line: str) -> str | None:
    if not _ROW_START.match(line):
        return None
    return _get(split_row(line), _DEFAULT_INDEX, "message-id")


def _statuses(text: str | None, count: int) -> list[str | None]:
    """One status per recipient: the field holds them ';'-separated, each opening with a code."""
    if not text:
        return [None] * count
    items: list[str] = []
    for part in text.split(";"):
        if items and not _STATUS_START.match(part.strip()):
            items[-1] += ";" + part
        else:
            items.append(part.strip())
    found: list[str | None] = list(items) if len(items) == count else [text] * count
    return found


class ExchangeReader(Reader):
    def __init__(self, unparsed: Unparsed, options: ReadOptions) -> None:
        self._unparsed = unparsed
        self._index = _DEFAULT_INDEX
        self._rows = RowJoiner()
        self._senders: InFlight[list[str | None]] = InFlight(lambda _k: [None],
                                                            options.max_in_flight)

    def finish(self) -> Iterable[LogEvent]:
        rest = self._rows.rest()
        if rest and any(word in rest for word in _EVENTS):
            self._unparsed.add(rest)
        return ()

    def feed(self, line: str) -> Iterable[LogEvent]:
        if line.startswith("#"):
            if line.startswith("#Fields:"):
                self._index = _index(line[8:].strip().split(","))
            return ()
        text = self._rows.push(line)
        if text is None:
            return ()
        row = split_row(text)
        event = _get(row, self._index, "event-id")
        time = _get(row, self._index, "date-time")
        if event is None or time is None or not _ROW_START.match(time):
            if any(f",{word}," in text for word in _EVENTS):
                self._unparsed.add(text)
            return ()
        message_id = (_get(row, self._index, "message-id") or "").strip("<>") or None
        sender = _get(row, self._index, "sender-address")
        if event == "RECEIVE" and message_id:
            self._senders.get(message_id)[0] = sender
        status = _EVENTS.get(event)
        if status is None:
            return ()
        if sender is None and message_id:
            known = self._senders.peek(message_id)
            sender = known[0] if known else None
        recipients = [r.strip() for r in (_get(row, self._index, "recipient-address") or "").split(";")
                      if r.strip()]
        if not recipients:
            self._unparsed.add(text)
            return ()
        sending = event == "SEND"
        host = _get(row, self._index, "client-hostname" if sending else "server-hostname")
        relay = None
        if sending:
            name, ip = _get(row, self._index, "server-hostname"), _get(row, self._index, "server-ip")
            relay = f"{name or 'unknown'}[{ip}]" if ip else name
        events = []
        for recipient, reply in zip(recipients, _statuses(
                _get(row, self._index, "recipient-status"), len(recipients)), strict=True):
            final: Status = status
            if status == "bounced" and reply and f" {_EXPIRED_CODE} " in f" {reply} ":
                final = "expired"
            events.append(outcome(
                final, time=time, host=host,
                queue_id=_get(row, self._index, "internal-message-id"), message_id=message_id,
                sender=sender, recipient=recipient, relay=relay, diagnostic=reply,
            ))
        return events


FORMAT = LogFormat(NAME, sniff, queue_key, ExchangeReader, csv_rows=True)
