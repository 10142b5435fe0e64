"""The public API of smtp_explain.logs, on hand-written Postfix lines."""

from __future__ import annotations

import json
from datetime import datetime

from smtp_explain.explanation import explain
from smtp_explain.logs import (
    EVENT_FIELDS,
    STATUSES,
    LogEvent,
    Unparsed,
    events_from_lines,
    queue_key,
)

POSTFIX = """\
Mar  1 10:00:00 mx1 postfix/smtpd[1001]: 4BC2D1E0F3: client=mail.example.org[198.51.100.7]
Mar  1 10:00:00 mx1 postfix/cleanup[1002]: 4BC2D1E0F3: message-id=<abc@example.org>
Mar  1 10:00:01 mx1 postfix/qmgr[1003]: 4BC2D1E0F3: from=<ann@example.org>, size=1234, nrcpt=3 (queue active)
Mar  1 10:00:02 mx1 postfix/smtp[1004]: 4BC2D1E0F3: to=<bob@example.net>, orig_to=<b@example.net>, relay=mx.example.net[192.0.2.1]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 99)
Mar  1 10:00:02 mx1 postfix/smtp[1004]: 4BC2D1E0F3: host mx.example.com[192.0.2.2] said: 451 4.7.1 Try again later (in reply to RCPT TO command)
Mar  1 10:00:02 mx1 postfix/smtp[1004]: 4BC2D1E0F3: to=<carl@example.com>, relay=mx.example.com[192.0.2.2]:25, delay=1.3, delays=0.1/0/0.5/0.6, dsn=4.7.1, status=deferred (host mx.example.com[192.0.2.2] said: 451 4.7.1 Try again later (in reply to RCPT TO command))
Mar  1 10:00:02 mx1 postfix/smtp[1004]: 4BC2D1E0F3: to=<dan@example.com>, relay=mx.example.com[192.0.2.2]:25, delay=1.3, delays=0.1/0/0.5/0.6, dsn=5.1.1, status=bounced (host mx.example.com[192.0.2.2] said: 550 5.1.1 <dan@example.com>: Recipient address rejected: User unknown (in reply to RCPT TO command))
Mar  1 11:00:02 mx1 postfix/smtp[1004]: 4BC2D1E0F3: to=<carl@example.com>, relay=none, delay=3601, delays=3600/0/1/0, dsn=4.4.1, status=deferred (connect to mx.example.com[192.0.2.2]:25: Connection refused)
2026-03-06T10:00:00.123456+01:00 mx1 postfix/qmgr[1003]: 4BC2D1E0F3: from=<ann@example.org>, status=expired, returned to sender
2026-03-06T10:00:00.123456+01:00 mx1 postfix/bounce[1005]: 4BC2D1E0F3: sender non-delivery notification: 5D1E2F3A4B
2026-03-06T10:00:00+01:00 mx1 postfix/qmgr[1003]: 4BC2D1E0F3: removed
Mar  1 10:00:05 mx1 postfix/submission/smtpd[1006]: NOQUEUE: reject: RCPT from unknown[203.0.113.5]: 554 5.7.1 <x@elsewhere.test>: Relay access denied; from=<spam@bad.test> to=<x@elsewhere.test> proto=ESMTP helo=<bad>
Mar  1 10:00:07 mx1 postfix/cleanup[1002]: 3Pt2mN2VXxznjll: milter-reject: END-OF-MESSAGE from host[192.0.2.8]: 5.7.1 Spam message rejected; from=<s@x.test> to=<r@y.test> proto=ESMTP helo=<h>
Mar  1 10:00:08 mx1 postfix/smtp[1004]: 3Pt2mN2VXxznjll: to=<r@y.test>, relay=none, del
Mar  1 10:00:09 mx1 dovecot: lmtp(bob)<123><abc>: msgid=<abc@example.org>: saved mail to INBOX
"""


def _events(text: str, **kw: object) -> tuple[list[LogEvent], Unparsed]:
    kept: list[str] = []
    unparsed = Unparsed(kept.append)
    events = list(events_from_lines(text.splitlines(), unparsed=unparsed, year=2026, **kw))
    return events, unparsed


def test_every_event_has_the_fixed_keys_and_valid_values() -> None:
    events, _ = _events(POSTFIX)
    assert events
    for event in events:
        row = event.to_dict()
        assert tuple(row) == EVENT_FIELDS
        assert row["status"] in STATUSES
        datetime.fromisoformat(row["time"])
        json.dumps(row)


def test_outcomes_per_recipient_in_order() -> None:
    events, _ = _events(POSTFIX)
    got = [(e.queue_id, e.recipient, e.status, e.attempt) for e in events]
    assert got == [
        ("4BC2D1E0F3", "bob@example.net", "sent", 1),
        ("4BC2D1E0F3", "carl@example.com", "deferred", 1),
        ("4BC2D1E0F3", "dan@example.com", "bounced", 1),
        ("4BC2D1E0F3", "carl@example.com", "deferred", 2),
        ("4BC2D1E0F3", "carl@example.com", "expired", 2),
        (None, "x@elsewhere.test", "rejected", None),
        ("3Pt2mN2VXxznjll", "r@y.test", "rejected", None),
    ]


def test_context_is_joined_by_queue_id() -> None:
    first = _events(POSTFIX)[0][0]
    assert first.sender == "ann@example.org"
    assert first.message_id == "abc@example.org"
    assert first.host == "mx1"
    assert first.recipient == "bob@example.net"  # to=, not orig_to=
    assert first.delay == 1.2 and first.status_code == "2.0.0" and first.reply_code == "250"


def test_reason_is_explain_reason_of_the_diagnostic() -> None:
    events, _ = _events(POSTFIX)
    for event in events:
        assert event.diagnostic
        reason = explain(event.diagnostic).reason
        if reason != "undefined":
            assert event.reason == reason, event
    bounced = next(e for e in events if e.status == "bounced")
    assert bounced.reason == "userunknown" and bounced.hard_bounce is True


def test_expiry_is_judged_by_the_last_reply() -> None:
    events, _ = _events(POSTFIX)
    expired = next(e for e in events if e.status == "expired")
    assert expired.diagnostic == "connect to mx.example.com[192.0.2.2]:25: Connection refused"
    assert expired.time == "2026-03-06T10:00:00.123456+01:00"


def test_truncated_delivery_line_is_counted_not_dropped() -> None:
    _, unparsed = _events(POSTFIX)
    assert unparsed.count == 1
    assert unparsed.sink is not None


def test_queue_key() -> None:
    lines = POSTFIX.splitlines()
    assert queue_key(lines[0], "postfix") == "4BC2D1E0F3"
    assert queue_key(lines[0], "auto") == "4BC2D1E0F3"
    assert queue_key(lines[11], "postfix") is None  # NOQUEUE
    assert queue_key(lines[12], "postfix") == "3Pt2mN2VXxznjll"
    assert queue_key(lines[-1], "postfix") is None


def test_subset_of_whole_queue_ids_gives_the_same_events() -> None:
    lines = POSTFIX.splitlines()
    everything, _ = _events(POSTFIX)
    groups: dict[str | None, list[str]] = {}
    for line in lines:
        groups.setdefault(queue_key(line, "postfix"), []).append(line)
    parts = [e for group in groups.values() for e in _events("\n".join(group))[0]]
    assert sorted(parts, key=repr) == sorted(everything, key=repr)


def test_in_flight_cap_bounds_state_without_losing_events() -> None:
    lines = []
    for n in range(50):
        qid = f"{0xA00000 + n:X}"
        lines.append(f"Mar  1 10:00:00 mx postfix/qmgr[1]: {qid}: from=<s{n}@a.test>, size=1, nrcpt=1 (queue active)")
    for n in reversed(range(50)):
        qid = f"{0xA00000 + n:X}"
        lines.append(f"Mar  1 10:00:01 mx postfix/smtp[2]: {qid}: to=<r{n}@b.test>, relay=x[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 Ok)")
    events, _ = _events("\n".join(lines), max_in_flight=10)
    assert len(events) == 50
    senders = [e.sender for e in events]
    assert senders[:10] == [f"s{n}@a.test" for n in range(49, 39, -1)]  # still in flight
    assert senders[10:] == [None] * 40  # forgotten once the cap was reached
