"""Facts read out of what people paste, and the shared finders behind them.

The finders of extract.py are the only code that reads reply codes, enhanced status
codes and addresses: the paste path (explain) and the bounce path (DSN fields, the
format modules) both use them, so each table below pins down one policy.
"""

from __future__ import annotations

import re

import pytest

from smtp_explain.decoding.dsn import deliveries
from smtp_explain.extract import (
    ADDRESS,
    ADDRESS_SHAPE,
    REPLY_HEAD,
    STATUS_SHAPE,
    extract,
    find_addresses,
    find_status,
    first_error_code,
    normalize_code,
    quick_codes,
    ranked_reply_code,
)


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


# --- reply code, pasted text: ranked ----------------------------------------

@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("550", "550"),                       # a bare code
        ("  421\n", "421"),
        ("101", "101"),                       # alone, even 1xx (looked up, not judged)
        ("Error 421", "421"),
        ("Message could not be sent. Error 421, try later", "421"),
        ("550-5.7.1 [192.0.2.1] Our system has detected", "550"),
        ("550-5.7.1 first line\n550 5.7.1 last line", "550"),
        ("The server said: 554 Transaction failed", "554"),
        ("Hata kodu 550", "550"),
        ("Gönderilemedi: SMTP sorunu (535)", "535"),              # Turkish, code in brackets
        ("sunucu yanıtı: 553 gönderen reddedildi", "553"),
        ("Ran out of time\n451 Try again later", "451"),          # a line that opens with it
        ("refused to talk to me: 554 Go away", "554"),             # "...me: 554"
        ("status 250 then 550 5.1.1 unknown", "550"),              # status after wins
        ("Connecting to 192.0.2.250 failed", None),                # part of an IP address
        ("relay 10.250.0.1 said nothing", None),
        ("smtp-explain version 5.5.0 and 2.500", None),            # versions, decimals
        ("Order 4500 and 25000 items", None),                      # longer numbers
        ("We have 550 users", None),                               # a number in prose
        ("no codes at all here", None),
    ],
)
def test_ranked_reply_code(text: str, code: str | None) -> None:
    assert ranked_reply_code(text) == code
    assert extract(text).reply_code == code


# --- reply code, a diagnostic field: first error code ---------------------------

@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("550 5.1.1 <bob@example.org>... User unknown", "550"),
        ("550-5.7.1 Message rejected", "550"),
        ("smtp; 452 4.2.2 Mailbox full", "452"),
        # a greeting or an accepted command quoted before the error
        ("refused to talk to me: 220-mx.example.org ESMTP 421 4.2.1 Service refused", "421"),
        ("220 mx ready 250 ok 554 5.7.1 Rejected", "554"),
        ("250 2.0.0 Ok: queued as 1234", "250"),                   # only a 2xx: that one
        ("354 End data with <CR><LF>.<CR><LF> 552 Too big", "552"),  # 3xx never the answer
        ("connect to 192.0.2.250: Connection timed out", ""),      # IP address
        ("host 10.0.0.1-550 failed", ""),                          # glued to a number
        ("Error (550)", ""),                                       # needs space, hyphen or end
        ("Remote server replied 451", "451"),                      # at the end
        ("Remote server replied 451\n", "451"),
        ("no code here", ""),
    ],
)
def test_first_error_code(text: str, code: str) -> None:
    assert first_error_code(text) == code


def test_dsn_fields_use_the_diagnostic_policy() -> None:
    _, (delivery,) = deliveries(
        "Reporting-MTA: dns; out.example.net\n\n"
        "Final-Recipient: rfc822; bob@example.com\nAction: failed\nStatus: 5.04.01\n"
        "Diagnostic-Code: smtp; 220 mx.example.com ESMTP\n 554 5.7.1 Rejected by policy\n")
    assert (delivery.reply_code, delivery.status) == ("554", "5.4.1")


# --- enhanced status code -------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "reply_code", "status"),
    [
        ("5.7.26", "", "5.7.26"),
        (" 5.01.001 ", "", "5.1.1"),                                # normalized
        ("550 5.\u0661.\u0661 x", "", "5.1.1"),                     # other digits too
        ("550 5.1.1 User unknown", "550", "5.1.1"),
        ("4.4.1 timed out, then 550 5.1.1 unknown", "550", "5.1.1"),  # class agrees with 550
        ("4.4.1 timed out, then 550 5.1.1 unknown", "", "4.4.1"),     # no code: the first
        ("only 4.4.1 here", "550", "4.4.1"),                        # none agrees: the first
        ("server 192.0.2.5.1.1 and 10.5.1.1", "", ""),               # inside dotted numbers
        ("version 5.1.10.2 of the software", "", ""),
        ("6.1.1 is no class", "", ""),
        ("", "", ""),
    ],
)
def test_find_status(text: str, reply_code: str, status: str) -> None:
    assert find_status(text, reply_code) == status


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("550 5.1.1 User unknown", ("550", "5.1.1")),
        ("550-5.07.1 policy", ("550", "5.7.1")),
        ("451 temporary, see 4.7.1 below", ("451", "4.7.1")),
        ("Error 421 from server 192.0.2.1", ("421", None)),
        ("nothing", (None, None)),
    ],
)
def test_quick_codes_match_the_slow_path(text: str, codes: tuple[str | None, str | None]) -> None:
    assert quick_codes(text) == codes


@pytest.mark.parametrize(
    ("typed", "shape"),
    [
        ("550", ("reply", "550")),
        (" 5.7.26 ", ("status", "5.7.26")),
        ("5.01.1", ("status", "5.1.1")),
        ("X.7.1", ("status", "X.7.1")),
        ("x.1.01", ("status", "X.1.1")),
        ("650", None),
        ("5.7", None),
        ("X.7.1.2", None),
        ("hello", None),
    ],
)
def test_normalize_code(typed: str, shape: tuple[str, str] | None) -> None:
    assert normalize_code(typed) == shape


def test_reply_head() -> None:
    head = REPLY_HEAD.match("550-5.7.1 Message rejected")
    assert head is not None and head.groups() == ("550", "-", "5.7.1")
    head = REPLY_HEAD.match("451 Try later")
    assert head is not None and head.groups() == ("451", " ", None)
    assert REPLY_HEAD.match("Error 550") is None


def test_shapes_are_spelled_once() -> None:
    """Finders and layout patterns embed STATUS_SHAPE; no other module of the decoding
    path spells a status code's shape itself (the log readers have their own owner)."""
    from pathlib import Path

    import smtp_explain

    package = Path(smtp_explain.__file__).parent
    literal = r"[245]\.\d{1,3}"  # as it appears in a raw string
    spelled = sorted(path.relative_to(package).as_posix() for path in package.rglob("*.py")
                     if "logs" not in path.relative_to(package).parts
                     and literal in path.read_text(encoding="utf-8"))
    assert spelled == ["extract.py"]
    assert re.fullmatch(STATUS_SHAPE, "5.7.26")


# --- addresses -------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "addresses"),
    [
        ("550 <bob@example.org>: Recipient address rejected", ("bob@example.org",)),
        ("Recipient 'bob@example.org' failed", ("bob@example.org",)),   # quote is not part
        ("`carol@example.org`", ("carol@example.org",)),
        ("o'brien@example.ie and Dave+news@Example.COM.", ("o'brien@example.ie",
                                                            "dave+news@example.com")),
        ("{x}#y!z=w@example.net", ("{x}#y!z=w@example.net",)),         # RFC 5322 atext
        ("alice@localhost rejected", ("alice@localhost",)),
        ("bob@example.org, bob@EXAMPLE.org", ("bob@example.org",)),     # each once
        ("mail to @example.org and foo@ and @@", ()),
        ("no address", ()),
    ],
)
def test_find_addresses(text: str, addresses: tuple[str, ...]) -> None:
    assert find_addresses(text) == addresses
    assert extract(text).addresses == addresses


def test_address_pattern_is_the_layout_pattern() -> None:
    assert ADDRESS.pattern.endswith(ADDRESS_SHAPE)
    found = ADDRESS.search("name.surname@mail.example.co.uk>")
    assert found is not None and found.group() == "name.surname@mail.example.co.uk"
    assert ADDRESS.search("a.b@c") is not None
    assert ADDRESS.search("x" * 65 + "@example.org") is None       # local part over 64


def test_a_multi_line_reply_reads_as_one_sentence() -> None:
    from smtp_explain.extract import join_continuations

    assert join_continuations("550-5.7.1 this message is 550-5.7.1 likely spam 550 5.7.1 bye") == (
        "550-5.7.1 this message is likely spam bye")
    assert join_continuations("421-try later 421-or never 421 gone") == "421-try later or never gone"
    # one line, or other numbers: left as they are
    assert join_continuations("550 5.7.1 size 550 is too big") == "550 5.7.1 size 550 is too big"
    assert join_continuations("10.550-5.7.1 x") == "10.550-5.7.1 x"


def test_a_phrase_split_across_reply_lines_is_still_found() -> None:
    from smtp_explain.classify import get_classifier

    text = "550-5.7.1 Client host rejected: cannot find your\n550-5.7.1 hostname, [192.0.2.1]"
    assert get_classifier().classify(text).reason == "requireptr"


def test_a_log_field_name_is_not_part_of_the_address() -> None:
    from smtp_explain.extract import find_addresses

    text = "to='bob@x.org' from=\"ann@y.org\" 'carol@z.org' o'neil@w.org"
    assert find_addresses(text) == ("bob@x.org", "ann@y.org", "carol@z.org", "o'neil@w.org")
