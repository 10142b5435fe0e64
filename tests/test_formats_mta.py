"""Format modules of the MTAs: Postfix, Sendmail, Exim, qmail, Courier, OpenSMTPD,
DragonFly dma, Apache James, fml, PowerMTA, amavis."""

from __future__ import annotations

from pathlib import Path

import pytest

from smtp_explain.decoding.bounce import decode_mail
from smtp_explain.decoding.formats import FORMATS
from smtp_explain.decoding.formats.sendmail import strip_continuations

BSD = Path(__file__).resolve().parent / "data" / "bounces" / "maildir" / "bsd"

# (file, module, [(recipient, reason, status), ...]): one or two mails per layout.
CORPUS_CASES = [
    ("lhost-postfix-03.eml", "postfix", [("kijitora@example.net", "filtered", "5.0.0")]),
    ("lhost-postfix-11.eml", "postfix", [("kijitora@example.jp", "rejected", "5.1.8"),
                                         ("noraneko@example.jp", "rejected", "5.1.8")]),
    ("lhost-postfix-01.eml", "postfix", [("r@p351355.pool.example.ne.jp", "mailererror", "5.1.1")]),
    ("lhost-postfix-34.eml", "postfix", [("kijitora@example.com", "networkerror", "5.0.944")]),
    ("lhost-postfix-49.eml", "postfix",
     [("kijitora-neko-nyaan@ntt.example.ne.jp", "blocked", "4.0.0")]),
    ("lhost-postfix-75.eml", "postfix", [("kijitora@libsisimai.net", "systemerror", "4.3.0")]),
    ("lhost-sendmail-02.eml", "sendmail", [("userunknown@example.org", "userunknown", "5.1.1"),
                                           ("filtered@example.com", "filtered", "5.2.1")]),
    ("lhost-sendmail-08.eml", "sendmail", [("neko@example.org", "requireptr", "4.7.1")]),
    ("lhost-sendmail-15.eml", "sendmail", [("kijitora@example.org", "hostunknown", "5.1.2")]),
    ("lhost-sendmail-18.eml", "sendmail", [("kijitora@example.jp", "mailererror", "5.3.0")]),
    ("lhost-v5sendmail-04.eml", "sendmail", [("kijitora@example.ed.jp", "hostunknown", "5.0.912"),
                                             ("mikeneko@example.ac.jp", "hostunknown", "5.0.912")]),
    ("lhost-exim-02.eml", "exim", [("kijitora@example.jp", "userunknown", "5.1.1"),
                                   ("sabatora@example.jp", "userunknown", "5.2.1")]),
    ("lhost-exim-04.eml", "exim", [("kijitora@example.ed.jp", "blocked", "5.7.0")]),
    ("lhost-exim-08.eml", "exim", [("kijitora@example.org", "expired", "4.0.947")]),
    ("lhost-exim-36.eml", "exim", [("kijitora@example.edu", "rejected", "5.0.901")]),
    ("lhost-exim-44.eml", "exim", [("kijitora@example.com", "mailererror", "5.0.0")]),
    ("lhost-qmail-01.eml", "qmail", [("kijitora@example.ne.jp", "userunknown", "5.5.0")]),
    ("lhost-qmail-25.eml", "qmail", [("mailboxfull@libsisimai.net", "mailboxfull", "5.2.2"),
                                     ("userunknown@libsisimai.net", "userunknown", "5.1.1")]),
    ("lhost-courier-02.eml", "courier", [("kijitora@example.jp", "filtered", "5.0.0")]),
    ("lhost-opensmtpd-02.eml", "opensmtpd", [("mailboxfull@example.jp", "mailboxfull", "5.2.2"),
                                             ("userunknown@example.jp", "userunknown", "5.1.1")]),
    ("lhost-opensmtpd-15.eml", "opensmtpd", [("neko@nyaan.jp", "expired", "5.0.947")]),
    ("lhost-dragonfly-30.eml", "dragonfly", [("neko@nyaan.jp", "expired", "5.0.947")]),
    ("lhost-dragonfly-12.eml", "dragonfly",
     [("mailboxfull@libsisimai.net", "mailboxfull", "5.2.2")]),
    ("lhost-fml-02.eml", "fml", [("neko-nyaan@example.org", "rejected", "5.0.918")]),
    ("lhost-fml-03.eml", "fml", [("neko@example.co.jp", "systemerror", "5.0.930")]),
    ("lhost-amavis-03.eml", "amavis", [("kijitora@example.com", "notcompliantrfc", "5.7.0")]),
    ("lhost-powermta-01.eml", "powermta", [("kijitora@example.jp", "userunknown", "5.2.1")]),
]


@pytest.mark.parametrize(("name", "module", "expected"), CORPUS_CASES,
                         ids=[case[0] for case in CORPUS_CASES])
def test_corpus_mail(name: str, module: str, expected: list[tuple[str, str, str]]) -> None:
    path = BSD / name
    if not path.is_file():
        pytest.fail(f"{name} not in the vendored corpus")
    results = decode_mail(path.read_bytes(), origin=name)
    assert {r.decoded_by for r in results} == {module}
    assert sorted((r.recipient, r.reason, r.status) for r in results) == sorted(expected)
    assert all(r.diagnostic for r in results)


def test_modules_are_registered() -> None:
    names = {m.NAME for m in FORMATS}
    assert {"postfix", "sendmail", "exim", "qmail", "courier", "opensmtpd", "dragonfly",
            "apachejames", "fml", "powermta", "amavis"} <= names


POSTFIX = b"""From: MAILER-DAEMON@mx.example.net (Mail Delivery System)
To: alice@example.org
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="PFX"

--PFX
Content-Type: text/plain

This is the mail system at host mx.example.net.

<carol@example.com>: host mail.example.com[198.51.100.7] said: 550-5.7.1 This
    message looks like 550-5.7.1 unsolicited bulk mail 550 5.7.1 and was
    rejected (in reply to end of DATA command)

<dave@example.com> (expanded from <team@example.org>): host
    mail.example.com[198.51.100.7] said: 552 5.2.2 Mailbox quota exceeded
    (in reply to RCPT TO command)

--PFX
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net
X-Postfix-Queue-ID: 4ABCDEF

Final-Recipient: rfc822; carol@example.com
Action: failed
Status: 5.7.1
Diagnostic-Code: smtp; 550-5.7.1 This message looks like

Final-Recipient: rfc822; dave@example.com
Action: failed
Status: 5.2.2
Diagnostic-Code: smtp; 552 5.2.2 Mailbox quota exceeded

--PFX--
"""


def test_postfix_paragraphs_give_command_host_and_whole_reply() -> None:
    carol, dave = decode_mail(POSTFIX)
    assert carol.decoded_by == "postfix"
    assert (carol.recipient, carol.smtp_command, carol.remote_host) == (
        "carol@example.com", "DATA", "mail.example.com")
    assert "unsolicited bulk mail and was rejected" in carol.diagnostic
    assert (dave.recipient, dave.reason, dave.status, dave.smtp_command) == (
        "dave@example.com", "mailboxfull", "5.2.2", "RCPT")


SENDMAIL = b"""From: Mail Delivery Subsystem <MAILER-DAEMON@relay.example.net>
To: alice@example.org
Subject: Returned mail: see transcript for details
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="SMB"

--SMB
Content-Type: text/plain

The original message was received at Mon, 2 Mar 2026 10:00:00 +0100

   ----- The following addresses had permanent fatal errors -----
<erin@example.com>
    (reason: 554-5.7.1 Your message was refused because it)

   ----- Transcript of session follows -----
... while talking to mx.example.com.:
>>> DATA
<<< 554-5.7.1 Your message was refused because it
<<< 554 5.7.1 contains a virus
554 5.0.0 Service unavailable

--SMB
Content-Type: message/delivery-status

Reporting-MTA: dns; relay.example.net

Final-Recipient: RFC822; erin@example.com
Action: failed
Status: 5.7.1
Remote-MTA: DNS; mx.example.com
Diagnostic-Code: SMTP; 554-5.7.1 Your message was refused because it

--SMB--
"""


def test_sendmail_transcript_gives_full_multiline_reply() -> None:
    (erin,) = decode_mail(SENDMAIL)
    assert erin.decoded_by == "sendmail"
    assert erin.diagnostic == (
        ">>> DATA <<< 554-5.7.1 Your message was refused because it contains a virus")
    assert (erin.reason, erin.status, erin.smtp_command, erin.remote_host) == (
        "virusdetected", "5.7.1", "DATA", "mx.example.com")


# IceWarp writes Sendmail's layout, with the MTA's own line in the transcript and no
# Diagnostic-Code (after osandum/bounce-parser's skylinemail_dk.eml sample).
ICEWARP = b"""From: Mail Delivery Subsystem <MAILER-DAEMON@example.dk>
To: <bounce@example.org>
Subject: Returned mail: could not connect and send the mail to 192.0.2.84
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="IW"

--IW
Content-Type: text/plain; charset="utf-8"

The original message was received at Mon, 18 May 2015 15:48:42 +0200
  ----- The following addresses had permanent fatal errors -----
<lindoe@example.dk>
  ----- Transcript of session follows -----
554 could not connect and send the mail to 192.0.2.84

--IW
Content-Type: message/delivery-status

Reporting-MTA: DNS; mscan.example.dk

Final-Recipient: RFC822; <lindoe@example.dk>
Action: failed
Remote-MTA: DNS; 192.0.2.84

--IW--
"""


def test_sendmail_layout_without_diagnostic_reads_the_transcript_line() -> None:
    (row,) = decode_mail(ICEWARP)
    assert (row.decoded_by, row.recipient) == ("sendmail", "lindoe@example.dk")
    assert row.diagnostic == "554 could not connect and send the mail to 192.0.2.84"
    assert row.reason == "networkerror"


EXIM = b"""From: Mail Delivery System <Mailer-Daemon@mx.example.net>
To: alice@example.org
Subject: Mail delivery failed: returning message to sender
X-Failed-Recipients: frank@example.com, grace@example.com

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  frank@example.com
    host mx.example.com [198.51.100.9]
    SMTP error from remote mail server after RCPT TO:<frank@example.com>:
    550 5.1.1 <frank@example.com>: Recipient address rejected: User unknown
  grace@example.com
    retry timeout exceeded

------ This is a copy of the message, including all the headers. ------

From: alice@example.org
To: frank@example.com, grace@example.com
Subject: hello
"""


def test_exim_address_blocks() -> None:
    frank, grace = decode_mail(EXIM)
    assert {frank.decoded_by, grace.decoded_by} == {"exim"}
    assert (frank.recipient, frank.reason, frank.status, frank.smtp_command, frank.remote_host) == (
        "frank@example.com", "userunknown", "5.1.1", "RCPT", "mx.example.com")
    assert (grace.recipient, grace.reason, grace.status) == (
        "grace@example.com", "expired", "4.0.947")


QMAIL = b"""From: MAILER-DAEMON@mx.example.net
To: alice@example.org
Subject: failure notice

Hi. This is the qmail-send program at mx.example.net.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<heidi@example.com>:
Sorry, no mailbox here by that name. (#5.1.1)

<ivan@example.com>:
198.51.100.3 does not like recipient.
Remote host said: 552 5.2.2 <ivan@example.com>: Mailbox is full
Giving up on 198.51.100.3.

--- Below this line is a copy of the message.

From: alice@example.org
Subject: hello
"""


def test_qmail_paragraphs() -> None:
    heidi, ivan = decode_mail(QMAIL)
    assert {heidi.decoded_by, ivan.decoded_by} == {"qmail"}
    assert (heidi.recipient, heidi.reason, heidi.status) == (
        "heidi@example.com", "userunknown", "5.1.1")
    assert (ivan.recipient, ivan.reason, ivan.status, ivan.smtp_command, ivan.remote_host) == (
        "ivan@example.com", "mailboxfull", "5.2.2", "RCPT", "198.51.100.3")


DMA = b"""From: MAILER-DAEMON <>
To: alice@example.org
Subject: Mail delivery failed

This is the DragonFly Mail Agent v0.13 at host.example.net.

There was an error delivering your mail to <judy@example.com>.

mx.example.com [198.51.100.4] did not like our RCPT TO:
550 5.1.1 <judy@example.com>: Recipient address rejected: User unknown

Message headers follow.

From: alice@example.org
"""


def test_dragonfly_single_recipient() -> None:
    (judy,) = decode_mail(DMA)
    assert (judy.decoded_by, judy.recipient, judy.reason, judy.status, judy.smtp_command) == (
        "dragonfly", "judy@example.com", "userunknown", "5.1.1", "RCPT")


def test_not_claimed_without_markers() -> None:
    plain = b"From: bob@example.com\nTo: alice@example.org\nSubject: lunch\n\nSee you at noon.\n"
    assert decode_mail(plain) == []


@pytest.mark.parametrize("data", [POSTFIX, SENDMAIL, EXIM, QMAIL, DMA])
def test_truncated_mails_never_raise(data: bytes) -> None:
    for cut in range(0, len(data), 37):
        decode_mail(data[:cut])


def test_strip_continuations() -> None:
    assert strip_continuations("550-5.7.1 a b 550-5.7.1 c 550 5.7.1 d") == "550-5.7.1 a b c d"
    assert strip_continuations("550-Rejected 550-Reason: x 550 id") == "550-Rejected Reason: x id"
    assert strip_continuations("550 said 550 for RCPT TO") == "550 said 550 for RCPT TO"


@pytest.mark.parametrize("data", [POSTFIX, SENDMAIL, EXIM, QMAIL, DMA])
def test_line_endings_do_not_matter(data: bytes) -> None:
    expected = decode_mail(data)
    assert decode_mail(data.replace(b"\n", b"\r\n")) == expected
    assert decode_mail(data.replace(b"\n", b"\r")) == expected
