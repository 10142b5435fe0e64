"""Contract details of issue 12 that a generated log could hide: checked line by line."""

from __future__ import annotations

import pytest

import loggen
from smtp_explain import catalog
from smtp_explain.explanation import explain
from smtp_explain.logs import LogEvent, Unparsed, events_from_lines
from smtp_explain.logs.verdict import shape

FALLBACK = catalog.facts("log_events")["reason_when_unexplained"]


def _one(line: str, fmt: str = "auto") -> list[LogEvent]:
    unparsed = Unparsed()
    events = list(events_from_lines([line], fmt, unparsed=unparsed, year=2026))
    assert unparsed.count == 0
    return events


@pytest.mark.parametrize("make", [lambda: loggen.postfix_log(61, 500, "mixed"),
                                  lambda: loggen.exim_log(62, 500, "mixed"),
                                  lambda: loggen.sendmail_log(63, 300),
                                  lambda: loggen.exchange_log(64, 300)])
def test_reason_is_what_explain_says_of_the_same_text(make: object) -> None:
    log = make()  # type: ignore[operator]
    events = list(events_from_lines(log.lines, year=2026))
    checked = 0
    for event in events:
        if not event.diagnostic:
            continue
        said = explain(event.diagnostic)
        expected = said.reason if said.reason != "undefined" else FALLBACK.get(event.status, "undefined")
        assert event.reason == expected, event
        assert event.reply_code == said.reply_code
        if said.reason != "undefined":
            assert event.hard_bounce == said.hard_bounce
        checked += 1
    assert checked > 100


def test_masked_shape_keeps_the_verdict_of_every_generated_reply() -> None:
    texts = set()
    for log in (loggen.postfix_log(65, 600, "classic"), loggen.exim_log(66, 600, "new"),
                loggen.sendmail_log(67, 300), loggen.exchange_log(68, 300)):
        texts |= {e.diagnostic for e in events_from_lines(log.lines, year=2026) if e.diagnostic}
    assert len(texts) > 200
    for text in texts:
        whole, masked = explain(text), explain(shape(text))
        assert (whole.reason, whole.reply_code, whole.status, whole.hard_bounce) == (
            masked.reason, masked.reply_code, masked.status, masked.hard_bounce), text


def test_shape_masks_identifiers_only() -> None:
    assert shape("250 2.0.0 Ok: queued as 4XkQ2b3cDzkmL") == "250 2.0.0 Ok: queued as xxxxxxxx"
    assert shape("550 5.1.1 <bob.smith@example.net>: Recipient address rejected") == (
        "550 5.1.1 <x@example.net>: Recipient address rejected")
    assert shape("Client host [203.0.113.7] blocked using zen.spamhaus.org") == (
        "Client host [192.0.2.0] blocked using zen.spamhaus.org")
    assert shape("Recipient unknown") == "Recipient unknown"


def test_postfix_recipient_is_to_not_orig_to() -> None:
    [event] = _one("Mar  1 10:00:02 mx postfix/smtp[1]: 4BC2D1E0F3: to=<bob@example.net>, "
                   "orig_to=<alias@example.org>, relay=mx.example.net[192.0.2.1]:25, delay=1.2, "
                   "delays=0.1/0/0.5/0.6, dsn=2.0.0, status=sent (250 2.0.0 Ok)")
    assert event.recipient == "bob@example.net"


def test_exim_local_delivery_names_the_original_address() -> None:
    [event] = _one("2024-03-01 10:00:01 1rAbCd-000Abc-Xy => alice <alice@example.net> "
                   "R=local_user T=local_delivery")
    assert (event.recipient, event.status, event.reason) == ("alice@example.net", "sent", "delivered")


def test_exim_expiries_are_expired_not_bounced() -> None:
    lines = [
        "2024-03-01 10:00:00 1rAbCd-000Abc-Xy <= ann@example.org H=c [198.51.100.7] S=10",
        "2024-03-05 10:00:02 1rAbCd-000Abc-Xy ** dave@example.org: retry timeout exceeded",
        "2024-03-05 10:00:03.123 +0000 [42] 1rAbCd-00000000Abc-XyZW ** erin@example.org "
        "R=dnslookup T=remote_smtp: retry time not reached for any host after a long failure period",
    ]
    events = list(events_from_lines(lines))
    assert [(e.status, e.reason) for e in events] == [("expired", "expired")] * 2
    assert events[1].time == "2024-03-05T10:00:03.123+00:00"


def test_postfix_error_suspended_is_a_deferral() -> None:
    [event] = _one("Mar  1 10:00:02 mx postfix/error[9]: 4BC2D1E0F3: to=<bob@example.net>, relay=none, "
                   "delay=300, delays=300/0/0/0, dsn=4.4.1, status=deferred (delivery temporarily "
                   "suspended: connect to mx.example.net[192.0.2.1]:25: Connection refused)")
    assert (event.status, event.reason, event.relay) == ("deferred", "networkerror", None)


@pytest.mark.parametrize("line", [
    "Mar  1 10:00:02 mx postfix/smtp[1]: 4BC2D1E0F3: host mx.example.net[192.0.2.1] said: "
    "451 4.7.1 Try again later (in reply to RCPT TO command)",
    "Mar  1 10:00:03 mx dovecot: lmtp(bob@example.org)<4321><XyZ>: msgid=<a@b>: saved mail to INBOX",
    "Mar  1 10:00:03 mx dovecot: lda(bob)<99>: msgid=<a@b>: stored mail into mailbox 'INBOX'",
    "2024-03-01 10:00:04 H=(bad) [203.0.113.5] rejected EHLO or HELO bad: syntactically invalid argument(s)",
    "2024-03-01 10:00:04 H=[203.0.113.5] rejected connection in \"connect\" ACL: blocked",
    "Mar  1 10:00:02 mx postfix/smtp[1]: 4BC2D1E0F3: to=<bob@example.net>, relay=none, delay=0, "
    "delays=0/0/0/0, dsn=2.1.5, status=deliverable (delivers to mailbox)",
])
def test_lines_that_are_not_events(line: str) -> None:
    assert _one(line) == []


def test_postfix_reject_forms_are_rejections() -> None:
    lines = {
        "Mar  1 10:00:05 mx postfix/smtpd[6]: NOQUEUE: reject: RCPT from unknown[203.0.113.5]: "
        "554 5.7.1 <x@elsewhere.test>: Relay access denied; from=<s@bad.test> to=<x@elsewhere.test> "
        "proto=ESMTP helo=<bad>": ("norelaying", None),
        "Mar  1 10:00:06 mx postfix/postscreen[7]: NOQUEUE: reject: RCPT from [203.0.113.9]:4567: "
        "550 5.7.1 Service unavailable; client [203.0.113.9] blocked using zen.spamhaus.org; "
        "from=<a@b.test>, to=<c@example.org>, proto=ESMTP, helo=<x>": ("blocked", None),
        "Mar  1 10:00:07 mx postfix/cleanup[2]: 3Pt2mN2VXxznjll: milter-reject: END-OF-MESSAGE from "
        "h[192.0.2.8]: 5.7.1 Spam message rejected; from=<s@x.test> to=<r@y.test> proto=ESMTP "
        "helo=<h>": ("spamdetected", "3Pt2mN2VXxznjll"),
        "Mar  1 10:00:08 mx postfix/smtpd[6]: 4BC2D1E0F3: reject: RCPT from c[198.51.100.7]: 550 5.1.1 "
        "<no@example.org>: Recipient address rejected: User unknown in local recipient table; "
        "from=<a@example.org> to=<no@example.org> proto=ESMTP helo=<c>": ("userunknown", "4BC2D1E0F3"),
    }
    for line, (reason, queue_id) in lines.items():
        [event] = _one(line)
        assert (event.status, event.reason, event.queue_id) == ("rejected", reason, queue_id)
        assert event.recipient and event.sender
