"""Facts read out of what people paste."""

from __future__ import annotations

import pytest

from smtp_explain.extract import extract


@pytest.mark.parametrize(
    ("text", "code", "status"),
    [
        ("550", "550", None),
        ("5.7.26", None, "5.7.26"),
        ("Message could not be sent. Error 421", "421", None),
        ("İleti gönderilemedi. Hata 421", "421", None),
        ("550-5.7.1 [192.0.2.1] Our system has detected\n550 5.7.1 that this message is", "550",
         "5.7.1"),
        ("The mail server responded: 5.1.1 <bob@example.com>: Recipient address rejected", None,
         "5.1.1"),
        ("Server Response: '550 5.1.1 User unknown' Error Number: 0x800CCC79", "550", "5.1.1"),
        ("host mx.example.com[192.0.2.7] said: 452 4.2.2 Mailbox full (in reply to RCPT TO command)",
         "452", "4.2.2"),
        ("Connected to 192.0.2.1 but sender was rejected. Remote host said: 554 5.7.1 Rejected",
         "554", "5.7.1"),
        ("no codes at all here", None, None),
        ("version 5.1.10.2 of the software", None, None),
    ],
)
def test_codes(text: str, code: str | None, status: str | None) -> None:
    facts = extract(text)
    assert facts.reply_code == code
    assert facts.status == status


def test_postfix_log_line() -> None:
    facts = extract(
        "to=<bob@example.org>, relay=mx.example.org[192.0.2.9]:25, status=bounced "
        "(host mx.example.org[192.0.2.9] said: 550 5.1.1 <bob@example.org>: Recipient address "
        "rejected: User unknown in virtual mailbox table (in reply to RCPT TO command))"
    )
    assert facts.smtp_command == "RCPT"
    assert facts.remote_host == "mx.example.org [192.0.2.9]"
    assert facts.addresses == ("bob@example.org",)


def test_exim_text() -> None:
    facts = extract(
        "SMTP error from remote mail server after RCPT TO:<bob@example.org>:\n"
        "host mx.example.org [192.0.2.9]: 550 5.7.1 <bob@example.org>... Relaying denied"
    )
    assert (facts.reply_code, facts.status, facts.smtp_command) == ("550", "5.7.1", "RCPT")
    assert facts.remote_host == "mx.example.org [192.0.2.9]"


def test_mail_from_and_data_commands() -> None:
    assert extract("550 rejected (in reply to MAIL FROM command)").smtp_command == "MAIL"
    assert extract("554 5.7.1 spam (in reply to end of DATA command)").smtp_command == "DATA"
