"""Provider bounce layouts: Gmail/Google Groups, Yahoo, Amazon SES and WorkMail,
SendGrid, Mail.ru, Yandex, GMX/1&1, Zoho, KDDI/EZweb, BIGLOBE, Verizon."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from smtp_explain.decoding.bounce import decode_mail
from smtp_explain.decoding.formats import amazonses
from smtp_explain.decoding.formats.kddi import japanese_text
from smtp_explain.decoding.mail import Delivery, Mail
from smtp_explain.model import BounceResult

BSD = Path(__file__).resolve().parent / "data" / "bounces" / "maildir"


def _corpus(name: str, folder: str = "bsd") -> list[BounceResult]:
    path = BSD / folder / name
    if not path.is_file():
        pytest.fail(f"corpus mail {name} not present")
    return decode_mail(path.read_bytes(), str(path))


def _one(data: bytes) -> BounceResult:
    results = decode_mail(data, "synthetic")
    assert len(results) == 1, results
    return results[0]


# (file, decoded_by, recipient, reason, status): the layout is read by the
# provider's module; reasons come from its fields or from the phrase rules.
CORPUS_CASES = [
    ("lhost-amazonses-03.eml", "amazonses", "kijitora@example.jp", "mailboxfull", "5.2.2"),
    ("lhost-amazonses-09.eml", "amazonses", "bounce@simulator.amazonses.com",
     "userunknown", "5.1.1"),
    ("lhost-amazonses-10.eml", "amazonses", "bounce@simulator.amazonses.com",
     "userunknown", "5.1.1"),
    ("lhost-amazonses-11.eml", "amazonses", "complaint@simulator.amazonses.com", "feedback", ""),
    ("lhost-amazonses-12.eml", "amazonses", "success@simulator.amazonses.com",
     "delivered", "2.6.0"),
    ("lhost-amazonses-17.eml", "amazonses", "kijitora@example.com", "expired", "4.4.2"),
    ("lhost-receivingses-04.eml", "amazonses", "mailboxfull@neko.example.jp",
     "mailboxfull", "5.2.2"),
    ("lhost-amazonworkmail-07.eml", "amazonworkmail", "kijitora@libsisimai.org",
     "expired", "4.4.2"),
    ("lhost-amazonworkmail-08.eml", "amazonworkmail", "kijitora@libsisimai.org",
     "mailboxfull", "5.2.2"),
    ("lhost-gmail-01.eml", "gmail", "userunknown@example.jp", "userunknown", "5.1.1"),
    ("lhost-gmail-06.eml", "gmail", "kijitora@example.jp", "mailboxfull", "4.2.2"),
    ("lhost-gmail-10.eml", "gmail", "kijitora@6jo.example.co.jp", "expired", "5.0.947"),
    ("lhost-gmail-17.eml", "gmail", "mikeneko@libsisimai.org", "expired", "4.0.947"),
    ("lhost-googleworkspace-01.eml", "gmail", "neko-nyaan-cat-meeting@google-groups.example.com",
     "rejected", "5.0.918"),
    ("lhost-googlegroups-01.eml", "googlegroups", "libsisimai@googlegroups.com",
     "rejected", "5.0.918"),
    ("lhost-googlegroups-14.eml", "googlegroups", "libsisimai@googlegroups.com",
     "rejected", "5.0.918"),
    ("lhost-yahoo-01.eml", "yahoo", "kijitora@example.org", "userunknown", "5.1.1"),
    ("lhost-yahoo-06.eml", "yahoo", "otsu-sakaba-hunter-neko-nyaaaaaaan@ezweb.ne.jp",
     "filtered", "5.0.910"),
    ("lhost-yahoo-11.eml", "yahoo", "kijitora@example.jp", "rejected", "5.1.8"),
    ("lhost-yahoo-14.eml", "yahoo", "kijitora@example.org", "blocked", "5.0.971"),
    ("lhost-mailru-06.eml", "mailru", "nyan@haineko.org", "hostunknown", "5.0.912"),
    ("lhost-mailru-07.eml", "mailru", "otsu-sakaba-hunter-neko-nyaaaaaaan@ezweb.ne.jp",
     "filtered", "5.0.910"),
    ("lhost-mailru-09.eml", "mailru", "kijitora@example.jp", "rejected", "5.1.8"),
    ("lhost-yandex-03.eml", "yandex", "kijitora@6jo.example.jp", "expired", "4.4.1"),
    ("lhost-gmx-04.eml", "gmx", "kijitora@6jo.example.co.jp", "expired", "5.0.947"),
    ("lhost-einsundeins-02.eml", "gmx", "kijitora@example.org", "mesgtoobig", "5.0.934"),
    ("lhost-zoho-01.eml", "zoho", "kijitora@example.co.jp", "userunknown", "5.1.1"),
    ("lhost-ezweb-01.eml", "kddi", "this-message-rejected-by-the-domain-filter@ezweb.ne.jp",
     "filtered", "5.0.910"),
    ("lhost-ezweb-02.eml", "kddi", "this-local-part-does-not-exist-on-the-server@ezweb.ne.jp",
     "suspend", "5.0.0"),
    ("lhost-ezweb-04.eml", "kddi", "this-local-part-does-not-exist-on-the-server@ezweb.ne.jp",
     "userunknown", "5.0.911"),
    ("lhost-ezweb-05.eml", "kddi", "this-local-part-does-not-exist-on-the-server@ezweb.ne.jp",
     "expired", "5.0.947"),
    ("lhost-kddi-02.eml", "kddi", "kijitora@00000000000000.dion.ne.jp", "mailboxfull", "5.0.922"),
    ("lhost-biglobe-01.eml", "biglobe", "postmaster@mxr.biglobe.ne.jp", "mailboxfull", "5.0.922"),
    ("lhost-verizon-01.eml", "verizon", "0000000000@vzwpix.com", "userunknown", "5.0.911"),
    ("lhost-sendgrid-03.eml", "sendgrid", "kijitora@example.org", "expired", "5.0.947"),
]


@pytest.mark.parametrize(("name", "module", "recipient", "reason", "status"), CORPUS_CASES)
def test_corpus_mail(name: str, module: str, recipient: str, reason: str, status: str) -> None:
    results = _corpus(name)
    assert [r.recipient for r in results] == [recipient]
    result = results[0]
    assert (result.decoded_by, result.reason, result.status) == (module, reason, status)


def test_corpus_several_recipients() -> None:
    results = _corpus("lhost-mailru-03.eml")
    assert [(r.recipient, r.reason, r.status, r.smtp_command) for r in results] == [
        ("mikeneko@example.jp", "mailboxfull", "5.2.2", "RCPT"),
        ("sabineko@example.jp", "userunknown", "5.2.1", "RCPT"),
    ]
    gmx = _corpus("lhost-gmx-03.eml")
    assert [(r.recipient, r.status, r.remote_host) for r in gmx] == [
        ("mikeneko@example.co.jp", "5.2.1", "mx.example.co.jp"),
        ("sabineko@example.co.jp", "5.2.2", "mx.example.co.jp"),
    ]


def test_gmail_fields() -> None:
    result = _corpus("lhost-gmail-01.eml")[0]
    assert result.remote_host == "mx.example.jp"
    assert result.diagnostic == "550 5.1.1 <userunknown@example.jp>... User Unknown"
    # "(state 18)": Gmail's SMTP state after the message data
    assert _corpus("lhost-gmail-03.eml")[0].smtp_command == "DATA"
    assert _corpus("lhost-gmail-09.eml")[0].action == "delayed"


def test_ses_quoted_remote_reply() -> None:
    result = _corpus("lhost-amazonses-01.eml")[0]
    assert (result.status, result.reply_code) == ("5.7.1", "550")
    assert "Unknown address error" not in result.diagnostic


@pytest.mark.parametrize("folder", ["dos", "mac"])
def test_line_ending_twins(folder: str) -> None:
    for name in ("lhost-amazonses-01.eml", "lhost-gmail-01.eml", "lhost-yahoo-01.eml",
                 "lhost-ezweb-01.eml", "lhost-mailru-01.eml", "lhost-verizon-01.eml"):
        path = BSD / folder / name
        if not path.is_file():
            continue
        twin = [(r.recipient, r.reason, r.status, r.diagnostic) for r in _corpus(name, folder)]
        bsd = [(r.recipient, r.reason, r.status, r.diagnostic) for r in _corpus(name)]
        assert twin == bsd, name


# --- synthetic bounces: unseen mails of each layout ---------------------------

SES_SNS = {
    "Type": "Notification",
    "Message": json.dumps({
        "notificationType": "Bounce",
        "bounce": {
            "bounceType": "Permanent",
            "bounceSubType": "OnAccountSuppressionList",
            "bouncedRecipients": [{"emailAddress": "Dana@Example.net"}],
            "timestamp": "2025-01-02T03:04:05.000Z",
        },
        "mail": {"source": "news@example.org", "destination": ["dana@example.net"]},
    }),
}


def test_ses_sns_envelope_with_subtype_reason() -> None:
    body = json.dumps(SES_SNS, indent=2).encode()
    data = (b"From: AWS Notifications <no-reply@sns.amazonaws.com>\n"
            b"To: ops@example.org\nSubject: AWS Notification Message\n"
            b"x-amz-sns-message-id: 1\nContent-Type: text/plain; charset=UTF-8\n\n" + body)
    result = _one(data)
    assert (result.recipient, result.reason, result.decoded_by) == (
        "dana@example.net", "suppressed", "amazonses")


def test_ses_json_split_by_sendmail_and_delay_and_complaint() -> None:
    notice = {"notificationType": "Complaint", "complaint": {
        "complainedRecipients": [{"emailAddress": "erin@example.com"}],
        "complaintFeedbackType": "not-spam"}}
    text = json.dumps(notice)
    cut = text.index("erin") + 2
    body = (text[:cut] + "!\n " + text[cut:]).encode()   # sendmail's long-line split
    head = b"From: no-reply@sns.amazonaws.com\nSubject: AWS Notification Message\n\n"
    result = _one(head + body)
    assert (result.recipient, result.reason, result.feedback_type) == (
        "erin@example.com", "feedback", "not-spam")
    delay = {"eventType": "DeliveryDelay", "deliveryDelay": {
        "delayType": "MailboxFull",
        "delayedRecipients": [{"emailAddress": "finn@example.com", "status": "4.2.2",
                               "diagnosticCode": "smtp; 452 4.2.2 Mailbox over quota"}]}}
    delayed = _one(head + json.dumps(delay).encode())
    assert (delayed.recipient, delayed.action, delayed.reason, delayed.status) == (
        "finn@example.com", "delayed", "mailboxfull", "4.2.2")


def test_ses_reply_unwrapping() -> None:
    delivery = Delivery(diagnostic="554 4.4.7 Message expired: unable to deliver in 60 minutes."
                                   "<451 4.7.1 Greylisted, try again>", status="4.4.7")
    amazonses.unwrap_reply(delivery)
    assert (delivery.status, delivery.reply_code) == ("4.7.1", "451")


GMAIL = b"""From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: gina@gmail.com
Subject: Delivery Status Notification (Failure)
Content-Type: text/plain; charset=UTF-8

Delivery to the following recipients failed permanently:

     hal@example.org
     ida@example.org

Technical details of permanent failure:
Google tried to deliver your message, but it was rejected by the server for the \
recipient domain example.org by mx1.example.org. [198.51.100.7].

The error that the other server returned was:
552 5.2.2 Mailbox quota exceeded (state 14).

----- Original message -----

From: gina@gmail.com
To: hal@example.org, ida@example.org
Subject: hello
"""


def test_gmail_classic_layout_two_recipients() -> None:
    results = decode_mail(GMAIL, "synthetic")
    assert [r.recipient for r in results] == ["hal@example.org", "ida@example.org"]
    for result in results:
        assert (result.decoded_by, result.status, result.reply_code) == ("gmail", "5.2.2", "552")
        assert (result.smtp_command, result.remote_host) == ("RCPT", "mx1.example.org")
        assert result.reason == "mailboxfull"


GROUPS = """From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: jo@example.org
Subject: Delivery Status Notification (Failure)
X-Failed-Recipients: team-x@googlegroups.com
Content-Type: text/plain; charset="UTF-8"

Hola jo@example.org: el grupo (team-x) quizás no exista.
Visita https://groups.google.com/support/ para obtener ayuda.

----- Original message -----

From: jo@example.org
To: team-x@googlegroups.com
""".encode()


def test_google_groups_any_language() -> None:
    result = _one(GROUPS)
    assert (result.recipient, result.reason, result.decoded_by) == (
        "team-x@googlegroups.com", "rejected", "googlegroups")


YAHOO = b"""From: MAILER-DAEMON@yahoo.com
To: kim@yahoo.com
Subject: Failure Notice

Sorry, we were unable to deliver your message to the following address.

<lee@example.net>:
Remote host said: 552 5.3.4 Message size exceeds fixed limit [DATA]

<max@example.net>:
550: 5.1.1 <max@example.net>... User Unknown

--- Below this line is a copy of the message.

From: kim@yahoo.com
"""


def test_yahoo_layout() -> None:
    results = decode_mail(YAHOO, "synthetic")
    assert [(r.recipient, r.status, r.reply_code, r.smtp_command) for r in results] == [
        ("lee@example.net", "5.3.4", "552", "DATA"),
        ("max@example.net", "5.1.1", "550", ""),
    ]
    assert results[1].diagnostic == "550 5.1.1 <max@example.net>... User Unknown"


MAILRU = """From: mailer-daemon@corp.mail.ru
To: nia@mail.ru
Subject: Mail failure.
Message-Id: <E1abc-0001@smtp1.mail.ru>

Это письмо создано автоматически сервером Mail.Ru.

  ola@example.com
    SMTP error from remote mail server after RCPT TO:<ola@example.com>:
    host mx.example.com [203.0.113.5]: 550 5.1.1 No such user

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  ola@example.com
    SMTP error from remote mail server after RCPT TO:<ola@example.com>:
    host mx.example.com [203.0.113.5]: 550 5.1.1 No such user

------ This is a copy of the message, including all the headers. ------
""".encode()


def test_mailru_layout() -> None:
    result = _one(MAILRU)
    assert (result.recipient, result.decoded_by, result.smtp_command, result.remote_host) == (
        "ola@example.com", "mailru", "RCPT", "mx.example.com")
    assert result.status == "5.1.1"


GMX = b"""From: MAILER-DAEMON@gmx.net
To: pat@gmx.net
Subject: Mail delivery failed: returning message to sender

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of
its recipients. This is a permanent error. The following address
failed:

"quinn@example.com":

SMTP error from remote server for RCPT command, host: mx.example.com (192.0.2.9) reason: \
550 5.7.1 Recipient address rejected: Access denied

--- The header of the original message is following. ---

From: pat@gmx.net
"""


def test_gmx_layout() -> None:
    result = _one(GMX)
    assert (result.recipient, result.decoded_by, result.smtp_command, result.remote_host) == (
        "quinn@example.com", "gmx", "RCPT", "mx.example.com")
    assert result.status == "5.7.1"


ZOHO = b"""From: mailer-daemon@mail.zoho.com
To: ray@zoho.com
Subject: Undelivered Mail Returned to Sender
X-Mailer: Zoho Mail

This message was created automatically by mail delivery software.
A message that you sent could not be delivered to one or more of its recipients. \
This is a permanent error.

sam@example.org Invalid Address, ERROR_CODE :552, ERROR_CODE :5.2.2 Mailbox full

Received:from mail.zoho.com by mx.zohomail.com
"""


def test_zoho_layout() -> None:
    result = _one(ZOHO)
    assert (result.recipient, result.reply_code, result.status, result.reason) == (
        "sam@example.org", "552", "5.2.2", "mailboxfull")
    assert result.diagnostic == "552 5.2.2 Mailbox full"


EZWEB = (
    "From: Postmaster@ezweb.ne.jp\nTo: tom@example.jp\n"
    "Subject: Mail System Error - Returned Mail\n"
    "Content-Type: text/plain; charset=ISO-2022-JP\n\n"
    "次のあて先へのメッセージはエラーのため送信できませんでした。\n\n"
    "Each of the following recipients was rejected by a remote\nmail server.\n\n"
    "    Recipient: <uma@ezweb.ne.jp>\n"
    "    >>> DATA\n"
    "    <<< 550 : User unknown\n"
).encode("iso-2022-jp")


def test_ezweb_receive_filter() -> None:
    result = _one(EZWEB)
    assert (result.recipient, result.decoded_by, result.reason, result.smtp_command) == (
        "uma@ezweb.ne.jp", "kddi", "filtered", "DATA")


def test_kddi_charset_label_wrong() -> None:
    text = ("このメールは配信できませんでした。\n\nThe user(s) account is disabled.\n\n"
            "<vic@ezweb.ne.jp>\n")
    data = (b"From: Postmaster@ezweb.ne.jp\nSubject: Mail System Error - Returned Mail\n"
            b"Content-Type: text/plain; charset=ISO-2022-JP\n\n" + text.encode("euc-jp"))
    result = _one(data)
    assert (result.recipient, result.reason) == ("vic@ezweb.ne.jp", "suspend")
    assert "配信できませんでした" in japanese_text(Mail(data))


def test_not_claimed_without_layout() -> None:
    # A plain mail from these senders is no bounce of theirs.
    plain = b"From: no-reply@sns.amazonaws.com\nSubject: Hello\n\nNot JSON at all.\n"
    assert decode_mail(plain, "synthetic") == []
