"""Office 365 / Exchange Online message trace exports (CSV with a header row).

Two shapes: ``Get-MessageTrace | Export-Csv`` (Received, SenderAddress,
RecipientAddress, Status...) and the admin center's extended report
(origin_timestamp_utc, sender_address, recipient_status "addr##Receive, Deliver").
A trace has no reply texts; the status gives the outcome. Grouped by message id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from smtp_explain.logs.event import LogEvent, Status
from smtp_explain.logs.formats.base import LogFormat, Reader, ReadOptions
from smtp_explain.logs.formats.csv_rows import RowJoiner, split_row
from smtp_explain.logs.outcome import outcome
from smtp_explain.logs.unparsed import Unparsed

NAME = "o365"
DEFAULT_HEADER = ["Organization", "MessageId", "Received", "SenderAddress", "RecipientAddress",
                  "Subject", "Status", "ToIP", "FromIP", "Size", "MessageTraceId", "StartDate",
                  "EndDate", "Index"]
# column -> the names it goes by in the exports
_ALIASES = {
    "time": ("Received", "date_time_utc", "origin_timestamp_utc", "Date (UTC)", "Date"),
    "sender": ("SenderAddress", "sender_address", "Sender address", "Sender"),
    "recipient": ("RecipientAddress", "recipient_address", "Recipient address", "Recipient"),
    "status": ("Status", "Delivery status", "delivery_status"),
    "recipient_status": ("recipient_status",),
    "message_id": ("MessageId", "message_id", "Message ID"),
    "trace_id": ("MessageTraceId", "network_message_id", "Message trace ID"),
    "to_ip": ("ToIP", "to_ip"),
}
_STATUS: dict[str, Status] = {
    "delivered": "sent", "failed": "bounced", "pending": "deferred", "quarantined": "discarded",
    "filteredasspam": "discarded", "deliver": "sent", "send": "sent", "fail": "bounced",
    "defer": "deferred", "drop": "discarded",
}
_TIME = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}) (\d{1,2}):(\d\d):(\d\d)(?: ?([AP]M))?")


def _header_of(row: list[str]) -> dict[str, int] | None:
    names = {name.strip(): at for at, name in enumerate(row)}
    index = {}
    for column, aliases in _ALIASES.items():
        for alias in aliases:
            if alias in names:
                index[column] = names[alias]
                break
    if "time" in index and ("recipient" in index or "recipient_status" in index):
        return index
    return None


_DEFAULT_INDEX = _header_of(DEFAULT_HEADER) or {}


def sniff(line: str) -> bool:
    return line.startswith("#TYPE Deserialized.Microsoft.Exchange") or (
        ("RecipientAddress" in line and "MessageTraceId" in line)
        or ("sender_address" in line and "recipient_status" in line))


def _get(row: list[str], index: dict[str, int], column: str) -> str | None:
    at = index.get(column)
    if at is None or at >= len(row):
        return None
    return row[at].strip() or None


def queue_key(line: str) -> str | None:
    row = split_row(line)
    if _header_of(row) is not None:
        return None
    return _get(row, _DEFAULT_INDEX, "message_id")


def _iso(text: str) -> str | None:
    """ISO text as is; the US "3/1/2024 10:00:00 AM" of PowerShell exports to ISO (UTC)."""
    if text[:4].isdigit() and text[4:5] == "-":
        return text.replace(" ", "T", 1).rstrip("Z") + ("Z" if text.endswith("Z") else "")
    found = _TIME.fullmatch(text)
    if not found:
        return None
    month, day, year, hour, minute, second, half = found.groups()
    hours = int(hour) % 12 + (12 if half == "PM" else 0) if half else int(hour)
    return f"{year}-{int(month):02d}-{int(day):02d}T{hours:02d}:{minute}:{second}Z"


class O365Reader(Reader):
    def __init__(self, unparsed: Unparsed, options: ReadOptions) -> None:
        self._unparsed = unparsed
        self._index = _DEFAULT_INDEX
        self._rows = RowJoiner()

    def finish(self) -> Iterable[LogEvent]:
        rest = self._rows.rest()
        if rest:
            self._unparsed.add(rest)
        return ()

    def feed(self, line: str) -> Iterable[LogEvent]:
        if line.startswith("#TYPE"):
            return ()
        text = self._rows.push(line)
        if text is None:
            return ()
        row = split_row(text)
        header = _header_of(row)
        if header is not None:
            self._index = header
            return ()
        raw_time = _get(row, self._index, "time")
        time = _iso(raw_time) if raw_time else None
        if time is None:
            if "@" in text:
                self._unparsed.add(text)
            return ()
        outcomes: list[tuple[str, str]] = []
        if "recipient_status" in self._index:
            for item in (_get(row, self._index, "recipient_status") or "").split(";"):
                address, _, steps = item.partition("##")
                outcomes.append((address.strip(), steps.split(",")[-1].strip()))
        else:
            outcomes.append((_get(row, self._index, "recipient") or "",
                             _get(row, self._index, "status") or ""))
        message_id = (_get(row, self._index, "message_id") or "").strip("<>") or None
        events = []
        for recipient, word in outcomes:
            key = word.lower().replace(" ", "")
            status = _STATUS.get(key)
            if status is None:
                if not recipient or key not in ("expanded", "gettingstatus", "none", "receive",
                                                "resolve", "submit", ""):
                    self._unparsed.add(text)
                continue
            events.append(outcome(
                status, time=time, host=None, queue_id=_get(row, self._index, "trace_id"),
                message_id=message_id, sender=_get(row, self._index, "sender"),
                recipient=recipient or None, relay=_get(row, self._index, "to_ip"),
            ))
        return events


FORMAT = LogFormat(NAME, sniff, queue_key, O365Reader, csv_rows=True)
