"""A generator of interleaved Postfix logs for tests and benchmarks (not a test module).

Messages that are sent, deferred then sent, deferred then bounced, deferred then
expired, with one to three recipients; NOQUEUE rejects, Dovecot noise and cut
delivery lines; classic and RFC 3339 stamps mixed. Seeded: the same seed gives
the same log.
"""

from __future__ import annotations

import random

YEAR = 2026
MONTH = "Mar"


def _stamp(seconds: int, rfc3339: bool) -> str:
    day, rest = divmod(seconds, 86400)
    hour, rest = divmod(rest, 3600)
    minute, second = divmod(rest, 60)
    if rfc3339:
        return f"{YEAR}-03-{day + 1:02d}T{hour:02d}:{minute:02d}:{second:02d}.000000+00:00"
    return f"{MONTH} {day + 1:2d} {hour:02d}:{minute:02d}:{second:02d}"


def postfix_log(messages: int, seed: int) -> list[str]:
    """An interleaved Postfix log: sent, deferred then sent, deferred then bounced,
    deferred then expired, multi-recipient mails, NOQUEUE rejects, noise and a cut line."""
    rng = random.Random(seed)
    timed: list[tuple[int, int, str]] = []  # (second, order, text after the stamp)

    def add(at: int, text: str) -> None:
        timed.append((at, len(timed), text))

    for number in range(messages):
        qid = f"{rng.getrandbits(40):010X}"
        start = number * 13
        add(start, f"mx1 postfix/smtpd[100]: {qid}: client=c{number}.example.org[198.51.100.{number % 250}]")
        add(start + 1, f"mx1 postfix/cleanup[101]: {qid}: message-id=<m{number}@example.org>")
        recipients = rng.randint(1, 3)
        add(start + 1, f"mx1 postfix/qmgr[102]: {qid}: from=<s{number}@example.org>, size=999, "
                       f"nrcpt={recipients} (queue active)")
        expired: list[str] = []
        for r in range(recipients):
            to = f"r{number}x{r}@d{rng.randint(1, 4)}.example.net"
            at = start + 2
            for _ in range(rng.choice((0, 0, 1, 2))):
                add(at, f"mx1 postfix/smtp[103]: {qid}: to=<{to}>, relay=mx.example.net[192.0.2.1]:25, "
                        "delay=2, delays=0/0/1/1, dsn=4.2.2, status=deferred (host mx.example.net"
                        "[192.0.2.1] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command))")
                at += 900
            end = rng.choice(("sent", "sent", "bounced", "expired"))
            if end == "sent":
                add(at, f"mx1 postfix/smtp[103]: {qid}: to=<{to}>, relay=mx.example.net[192.0.2.1]:25, "
                        "delay=1, delays=0/0/0.5/0.5, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as X1)")
            elif end == "bounced":
                add(at, f"mx1 postfix/smtp[103]: {qid}: to=<{to}>, relay=mx.example.net[192.0.2.1]:25, "
                        "delay=1, delays=0/0/0.5/0.5, dsn=5.1.1, status=bounced (host mx.example.net"
                        f"[192.0.2.1] said: 550 5.1.1 <{to}>: Recipient address rejected: User unknown "
                        "(in reply to RCPT TO command))")
            else:
                add(at, f"mx1 postfix/smtp[103]: {qid}: to=<{to}>, relay=none, delay=5, "
                        "delays=0/0/5/0, dsn=4.4.1, status=deferred (connect to mx.example.net"
                        "[192.0.2.1]:25: Connection timed out)")
                expired.append(to)
        last = start + 2 + 3 * 900
        if expired:
            add(last, f"mx1 postfix/qmgr[102]: {qid}: from=<s{number}@example.org>, "
                      "status=expired, returned to sender")
        add(last + 1, f"mx1 postfix/qmgr[102]: {qid}: removed")
        if number % 5 == 0:
            add(start + 3, "mx1 postfix/smtpd[104]: NOQUEUE: reject: RCPT from unknown[203.0.113.9]: "
                           f"554 5.7.1 <x{number}@elsewhere.test>: Relay access denied; "
                           f"from=<spam@bad.test> to=<x{number}@elsewhere.test> proto=ESMTP helo=<b>")
        if number % 7 == 0:
            add(start + 4, f"mx1 dovecot: lmtp(u{number}): msgid=<m{number}@example.org>: saved mail to INBOX")
            add(start + 4, f"mx1 postfix/smtp[103]: {qid}: to=<cut{number}@example.net>, relay=none, del")
    timed.sort()
    return [f"{_stamp(at, order % 3 == 0)} {text}" for at, order, text in timed]
