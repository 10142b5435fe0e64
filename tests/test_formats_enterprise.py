"""Enterprise servers and gateways: Exchange, Microsoft 365, Outlook.com, Notes,
Domino, Messaging Server, IMail, filtering gateways and the X1-X6 layouts."""

from __future__ import annotations

from pathlib import Path

import pytest

from smtp_explain.decoding.bounce import decode_mail
from smtp_explain.decoding.mail import Delivery, Mail
from smtp_explain.model import BounceResult

BSD = Path(__file__).resolve().parent / "data" / "bounces" / "maildir" / "bsd"


def _corpus(name: str) -> list[BounceResult]:
    path = BSD / name
    if not path.is_file():
        pytest.fail(f"corpus mail {name} not present")
    return decode_mail(path.read_bytes(), origin=name)


# (file, module, [(recipient, reason, status), ...])
CORPUS_CASES = [
    ("lhost-exchange2003-02.eml", "exchange2003", [
        ("kijitora@example.co.jp", "userunknown", "5.0.911"),
        ("mikeneko@example.co.jp", "userunknown", "5.0.911"),
    ]),
    ("lhost-exchange2003-04.eml", "exchange2003",
     [("kijitora@example.com", "filtered", "5.0.910")]),
    ("lhost-exchange2007-02.eml", "exchange2007",
     [("kijitora@example.edu", "mailboxfull", "5.2.2")]),
    ("lhost-exchange2007-05.eml", "exchange2007",
     [("gwang1@student.mlcsyd.nsw.edu.au", "expired", "4.4.1")]),
    ("lhost-exchange2007-06.eml", "exchange2007",
     [("transports@agglo-saumur.fr", "userunknown", "5.1.1")]),
    ("lhost-office365-01.eml", "office365", [("kijitora@example.com", "userunknown", "5.1.10")]),
    ("lhost-outlook-04.eml", "outlook", [
        ("sabineko@example.co.jp", "userunknown", "5.1.1"),
        ("mikeneko@example.co.jp", "mailboxfull", "5.2.2"),
    ]),
    ("lhost-outlook-07.eml", "outlook", [("kijitora@example.com", "expired", "4.4.7")]),
    ("lhost-notes-01.eml", "notes", [("kijitora@u1.example.co.jp", "onhold", "5.0.901")]),
    ("lhost-notes-03.eml", "notes", [("kijitora@example.com", "userunknown", "5.0.911")]),
    ("lhost-domino-01.eml", "domino", [("kijitora@example.jp", "userunknown", "5.0.911")]),
    ("lhost-messagingserver-02.eml", "messagingserver",
     [("kijitora@example.net", "mailboxfull", "5.2.0")]),
    ("lhost-messagingserver-03.eml", "messagingserver", [
        ("sabineko@example.org", "filtered", "5.7.1"),
        ("mikeneko@example.org", "filtered", "5.7.1"),
    ]),
    ("lhost-messagingserver-07.eml", "messagingserver",
     [("kijitora@2jo.example.jp", "expired", "4.4.7")]),
    ("lhost-messagingserver-11.eml", "messagingserver",
     [("kijitora@example.jp", "rejected", "5.1.8")]),
    ("lhost-imailserver-02.eml", "imailserver",
     [("kijitora@example.co.jp", "mailboxfull", "5.0.922")]),
    ("lhost-mfilter-01.eml", "mfilter", [("kijitora@example.com", "filtered", "5.0.910")]),
    ("lhost-activehunter-01.eml", "activehunter",
     [("kijitora@example.org", "userunknown", "5.1.1")]),
    ("lhost-mailfoundry-01.eml", "mailfoundry", [("kijitora@example.org", "filtered", "5.0.910")]),
    ("lhost-mailmarshal-02.eml", "mailmarshal",
     [("kijitora@nyaan.example.com", "userunknown", "5.1.1")]),
    ("lhost-mcafee-03.eml", "mcafee", [("kijitora@example.or.jp", "userunknown", "5.1.1")]),
    ("lhost-mxlogic-03.eml", "mxlogic", [("kijitora@example.co.jp", "filtered", "5.0.910")]),
    ("lhost-surfcontrol-02.eml", "surfcontrol", [("kijitora@example.org", "systemerror", "5.0.0")]),
    ("lhost-trendmicro-01.eml", "trendmicro", [("kijitora@example.co.jp", "userunknown", "5.1.1")]),
    ("lhost-barracuda-01.eml", "barracuda", [("kijitora@example.org", "spamdetected", "5.7.1")]),
    ("lhost-mimecast-02.eml", "mimecast", [("sabatora@example.net", "norelaying", "5.7.54")]),
    ("lhost-x1-02.eml", "x1", [("kijitora@example.org", "filtered", "5.0.910")]),
    ("lhost-x2-02.eml", "x2", [
        ("kijitora@example.com", "filtered", "5.0.910"),
        ("mikeneko@example.com", "suspend", "5.0.921"),
        ("sabineko@example.com", "filtered", "5.0.910"),
    ]),
    ("lhost-x3-01.eml", "x3", [("kijitora@example.com", "userunknown", "5.3.0")]),
    ("lhost-x3-06.eml", "x3", [("xxxx@xxxx.net", "mailboxfull", "5.2.2")]),
    ("lhost-x5-01.eml", "x5", [("kijitora@neko.example.org", "userunknown", "5.1.1")]),
    ("lhost-x6-01.eml", "x6", [("kijitora@nyaan.example.org", "networkerror", "5.4.6")]),
]


@pytest.mark.parametrize(("name", "module", "expected"), CORPUS_CASES,
                         ids=[case[0] for case in CORPUS_CASES])
def test_corpus_mail(name: str, module: str, expected: list[tuple[str, str, str]]) -> None:
    results = _corpus(name)
    assert {r.decoded_by for r in results} == {module}
    got = sorted((r.recipient, r.reason, r.status) for r in results)
    assert got == sorted(expected)


def test_exchange2003_timestamp_and_type() -> None:
    (result,) = _corpus("lhost-exchange2003-05.eml")
    assert result.diagnostic_type == "X-Exchange"
    assert "MTS-ID" not in result.diagnostic
    assert result.timestamp.startswith("2005-05-09T23:34:45")


def test_messagingserver_keeps_original_address_and_command() -> None:
    (result,) = _corpus("lhost-messagingserver-02.eml")
    assert result.recipient == "kijitora@example.net"
    (result,) = _corpus("lhost-messagingserver-09.eml")
    assert (result.smtp_command, result.reason) == ("RCPT", "userunknown")


# --- synthetic bounces of each layout, written for these tests --------------

EXCHANGE2003 = b"""From: System Administrator <postmaster@corp.example>
To: alice@example.org
Subject: Undeliverable: budget
X-Mailer: Internet Mail Service (5.5.2653.19)
X-MS-Embedded-Report:

Your message

  To:      bob@corp.example
  Subject: budget
  Sent:    Mon, 2 Mar 2026 10:00:00 +0000

did not reach the following recipient(s):

bob@corp.example on Mon, 2 Mar 2026 10:00:05 +0000
    The recipient name is not recognized
    MSEXCH:IMS:CORP:HQ:MAIL1 0 (000C05A6) Unknown Recipient
carol@corp.example on Mon, 2 Mar 2026 10:00:05 +0000
    A configuration error in the e-mail system caused the message to bounce
    MSEXCH:IMS:CORP:HQ:MAIL1 0 (00120270) Too many hops
"""

EXCHANGE2010 = b"""From: Microsoft Exchange <postmaster@corp.example>
To: alice@example.org
Subject: Undeliverable: budget
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="ex"
X-MS-Exchange-Message-Is-Ndr:

--ex
Content-Type: text/plain; charset="us-ascii"

Delivery has failed to these recipients or groups:

Dave<mailto:dave@corp.example>
The recipient's mailbox is full and can't accept messages now.

Diagnostic information for administrators:

Generating server: mail1.corp.example

dave@corp.example
#550 5.2.2 STOREDRV.Deliver: mailbox full ##

Original message headers:

From: Alice <alice@example.org>
To: dave@corp.example
Subject: budget
--ex--
"""

OFFICE365_NO_DSN = b"""From: Microsoft Outlook <postmaster@tenant.example>
To: alice@example.org
Subject: Undeliverable: budget
Message-ID: <abc@AM0PR01MB0001.eurprd01.prod.outlook.com>
X-MS-Exchange-Message-Is-Ndr:
Content-Type: text/plain; charset="utf-8"

Delivery has failed to these recipients or groups:

erin@remote.example
Your message couldn't be delivered.

Diagnostic information for administrators:

Generating server: AM0PR01MB0001.eurprd01.prod.outlook.com

erin@remote.example
Remote Server returned '550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain'

Original message headers:
"""

DOMINO = b"""From: Postmaster@corp.example
To: alice@example.org
Subject: DELIVERY FAILURE: User Frank (frank@corp.example) not listed in Domino Directory
Content-Type: text/plain

Your message

  Subject: budget

was not delivered to:

  frank@corp.example

because:

  User Frank (frank@corp.example) not listed in Domino Directory
"""

MESSAGING_SERVER = b"""From: Internet Mail Delivery <postmaster@mail.example>
To: alice@example.org
Subject: Delivery Notification: Delivery has failed
Content-type: text/plain; charset=us-ascii

This report relates to a message you sent with the following header fields:

  Subject: budget

Your message cannot be delivered to the following recipients:

  Recipient address: grace@remote.example
  Reason: Remote SMTP server has rejected address
  Diagnostic code: smtp;550 5.1.1 <grace@remote.example>... User unknown
  Remote system: dns;mx.remote.example (TCP|192.0.2.1|25) (mx ESMTP)
"""

MFILTER = """From: POSTMASTER <postmaster@corp.example>
To: alice@example.org
Subject: failure notice
X-Mailer: m-FILTER
Content-Type: text/plain; charset="UTF-8"

このメールは「m-FILTER」が自動的に生成して送信しています。

以下のメールアドレスへの送信に失敗しました。
heidi@remote.example


-------server message
550 5.2.2 Mailbox full

-------SMTP command
RCPT

-------original mail info
From: alice@example.org
""".encode()

X2 = b"""From: MAILER-DAEMON@mail.example
To: alice@example.org
Subject: Delivery failure

Message from mail.example.
Unable to deliver message to the following address(es).

<ivan@mail.example>:
This user doesn't have a mail.example account (ivan@mail.example) [0]

<judy@mail.example>:
Sorry, your message to judy@mail.example cannot be delivered.  This account is over quota.

--- Original message follows.

From: alice@example.org
"""

X6 = b"""From: mailer-daemon
To: alice@example.org
Subject: There was an error sending your mail
Content-Type: text/plain

We had trouble delivering your message. Full details follow:

1 error(s):

The following recipients returned permanent errors: mallory@remote.example. Reason: SMTP
Server <192.0.2.9> refused to accept your message (RCPT), with the following error message:
[550 5.1.1 <mallory@remote.example>: Recipient address rejected: User unknown]
"""


def _synthetic(data: bytes) -> list[tuple[str, str, str, str]]:
    return sorted((r.decoded_by, r.recipient, r.reason, r.status) for r in decode_mail(data))


def test_synthetic_exchange2003() -> None:
    assert _synthetic(EXCHANGE2003) == [
        ("exchange2003", "bob@corp.example", "userunknown", "5.0.911"),
        ("exchange2003", "carol@corp.example", "networkerror", "5.0.944"),
    ]


def test_synthetic_exchange2010_and_office365() -> None:
    assert _synthetic(EXCHANGE2010) == [
        ("exchange2007", "dave@corp.example", "mailboxfull", "5.2.2"),
    ]
    assert _synthetic(OFFICE365_NO_DSN) == [
        ("office365", "erin@remote.example", "norelaying", "5.7.54"),
    ]


def test_synthetic_domino_messagingserver_mfilter() -> None:
    assert _synthetic(DOMINO) == [("domino", "frank@corp.example", "userunknown", "5.0.911")]
    assert _synthetic(MESSAGING_SERVER) == [
        ("messagingserver", "grace@remote.example", "userunknown", "5.1.1"),
    ]
    assert _synthetic(MFILTER) == [("mfilter", "heidi@remote.example", "mailboxfull", "5.2.2")]


def test_synthetic_x2_x6() -> None:
    assert _synthetic(X2) == [
        ("x2", "ivan@mail.example", "filtered", "5.0.910"),
        ("x2", "judy@mail.example", "mailboxfull", "5.0.922"),
    ]
    assert _synthetic(X6) == [("x6", "mallory@remote.example", "userunknown", "5.1.1")]


def test_gateway_conventions() -> None:
    from smtp_explain.classify import get_classifier
    from smtp_explain.decoding.bounce import classify_delivery
    from smtp_explain.decoding.mail import relayed_by_gateway

    classifier = get_classifier()
    relayed = relayed_by_gateway([
        Delivery(recipient="a@x.example", diagnostic="550 unknown user", smtp_command="DATA"),
        Delivery(recipient="b@x.example", diagnostic="550 unknown user", smtp_command="RCPT"),
        Delivery(recipient="c@x.example", diagnostic="550 5.1.1 unknown user"),
        Delivery(recipient="d@x.example", diagnostic="550 5.7.1 unknown user", smtp_command="RCPT"),
        Delivery(recipient="e@x.example", diagnostic="zzz qqq"),
        Delivery(recipient="f@x.example"),
        Delivery(recipient="h@x.example", diagnostic="550 unknown user"),
    ])
    assert [classify_delivery(d, classifier)[0].reason for d in relayed] == [
        "filtered", "userunknown", "userunknown", "filtered", "onhold", "undefined", "filtered"]
    (local,) = relayed_by_gateway([Delivery(recipient="g@x.example", diagnostic="unknown user",
                                            smtp_command="DATA")], relayed=False)
    assert classify_delivery(local, classifier)[0].reason == "userunknown"
    unknown = Delivery(recipient="i@x.example", diagnostic="550 unknown user")
    assert classify_delivery(unknown, classifier)[0].reason == "userunknown"


@pytest.mark.parametrize("data", [b"", b"From: x\n\n", EXCHANGE2003[:300], X6[:250],
                                  MESSAGING_SERVER.replace(b"\n", b"\r")])
def test_broken_input_never_raises(data: bytes) -> None:
    from smtp_explain.decoding import formats

    mail = Mail(data)
    for module in formats.FORMATS:
        if module.match(mail):
            assert isinstance(module.decode(mail), list)
