"""knowledge/format_codes.toml: the codes bounce formats state, and their reasons.

Each table must name its source and only valid reason ids, and each format
module must really read its table: a small synthetic bounce per code (written
for these tests) comes out with the code's reason.
"""

from __future__ import annotations

import json

import pytest

from smtp_explain import catalog
from smtp_explain.decoding.bounce import decode_mail
from smtp_explain.decoding.mail import Delivery
from smtp_explain.decoding.text import local_program_reason

TABLES = catalog.facts("format_codes")
REASONS = set(catalog.facts("reasons")["reasons"])


def _entries(name: str) -> list[tuple[str, str]]:
    return sorted(TABLES[name]["codes"].items())


@pytest.mark.parametrize("name", sorted(TABLES))
def test_table_names_its_source_and_valid_reasons(name: str) -> None:
    table = TABLES[name]
    assert len(str(table.get("source", "")).strip()) > 40, f"{name}: no source note"
    assert str(table.get("field", "")).strip(), f"{name}: no field note"
    values = list(table.get("codes", {}).values())
    if "reason" in table:
        values.append(table["reason"])
    assert values, f"{name}: neither codes nor reason"
    assert set(values) <= REASONS, f"{name}: {sorted(set(values) - REASONS)} are not reason ids"


def test_every_table_belongs_to_a_reader() -> None:
    """A table no module reads would be dead knowledge: the tables are exactly the
    ones the tests below exercise."""
    assert set(TABLES) == {"exchange2003", "powermta", "amazonses", "local_program"}


def test_missing_table_is_a_clear_error() -> None:
    with pytest.raises(catalog.KnowledgeError, match="no table 'nosuchformat'"):
        catalog.format_table("nosuchformat")


def _decoded(data: bytes) -> tuple[str, str, str]:
    (result,) = decode_mail(data)
    return result.decoded_by, result.recipient, result.reason


EXCHANGE2003 = """From: System Administrator <postmaster@corp.example>
To: alice@example.org
Subject: Undeliverable: budget
X-Mailer: Internet Mail Service (5.5.2653.19)

Your message

  To:      bob@corp.example
  Subject: budget

did not reach the following recipient(s):

bob@corp.example on Mon, 2 Mar 2026 10:00:05 +0000
    The message could not be delivered
    MSEXCH:IMS:CORP:HQ:MAIL1 0 ({code}) Delivery failed
"""


@pytest.mark.parametrize(("code", "reason"), _entries("exchange2003"))
def test_exchange2003_code_states_reason(code: str, reason: str) -> None:
    data = EXCHANGE2003.format(code=code).encode()
    assert _decoded(data) == ("exchange2003", "bob@corp.example", reason)


def test_exchange2003_unknown_code_is_left_to_the_rules() -> None:
    data = EXCHANGE2003.format(code="000C0595").encode()
    assert _decoded(data)[2] not in set(TABLES["exchange2003"]["codes"].values())


POWERMTA = """From: MAILER-DAEMON@mta.example
To: alice@example.org
Subject: Delivery report
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: text/plain

The message could not be delivered.

--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mta.example
X-PowerMTA-VirtualMTA: vmta1

Final-Recipient: rfc822; bob@remote.example
Action: failed
Status: 5.0.0
Diagnostic-Code: smtp; 550 Delivery failed
X-PowerMTA-BounceCategory: {category}

--b--
"""


@pytest.mark.parametrize(("category", "reason"), _entries("powermta"))
def test_powermta_category_states_reason(category: str, reason: str) -> None:
    data = POWERMTA.format(category=category).encode()
    assert _decoded(data) == ("powermta", "bob@remote.example", reason)


def _ses(subtype: str) -> bytes:
    notice = {"notificationType": "Bounce", "bounce": {
        "bounceType": "Permanent", "bounceSubType": subtype,
        "bouncedRecipients": [{"emailAddress": "bob@remote.example", "action": "failed",
                               "status": "5.0.0",
                               "diagnosticCode": "smtp; 550 Delivery failed"}]}}
    return (b"From: no-reply@sns.amazonaws.com\nTo: ops@example.org\n"
            b"Subject: AWS Notification Message\nx-amz-sns-message-id: 1\n\n"
            + json.dumps(notice).encode())


@pytest.mark.parametrize(("subtype", "reason"), _entries("amazonses"))
def test_ses_subtype_states_reason(subtype: str, reason: str) -> None:
    assert _decoded(_ses(subtype)) == ("amazonses", "bob@remote.example", reason)
    # SES's spelling is documented in CamelCase; the comparison ignores case
    assert _decoded(_ses(subtype.upper()))[2] == reason


POSTFIX_LOCAL = """From: MAILER-DAEMON@mx.example (Mail Delivery System)
To: alice@example.org
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: text/plain

This is the mail system at host mx.example.

--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example
X-Postfix-Queue-ID: 4F2A81C0

Final-Recipient: rfc822; bob@mx.example
Action: failed
Status: 5.3.0
Diagnostic-Code: X-Unix; {text}

--b--
"""


def test_failed_local_program_is_a_mailer_error() -> None:
    data = POSTFIX_LOCAL.format(text="command died with status 1").encode()
    assert _decoded(data) == ("postfix", "bob@mx.example", TABLES["local_program"]["reason"])


@pytest.mark.parametrize("word", TABLES["local_program"]["unless_words"])
def test_local_program_reporting_a_full_mailbox_is_left_to_the_rules(word: str) -> None:
    failed = Delivery(diagnostic_type="X-Unix", diagnostic=f"procmail: Error: {word.upper()} (1)")
    assert local_program_reason(failed) == ""
    failed.diagnostic = "procmail: Error: command died with status 75"
    assert local_program_reason(failed) == TABLES["local_program"]["reason"]
    smtp = Delivery(diagnostic_type="SMTP", diagnostic="550 command died with status 75")
    assert local_program_reason(smtp) == ""
