"""Phrase rules on wording they were not tuned on (issue 9): real texts, sources beside them.

Every rule that carries ``examples`` must give each of them its own reason: a rule
that another one silently shadows, or a pattern that no longer matches the text it
was written for, fails here.
"""

from __future__ import annotations

import tomllib

import pytest

from smtp_explain import catalog
from smtp_explain.explanation import explain

RULE_FILES = sorted((catalog.KNOWLEDGE_DIR / "rules").glob("*.toml"))


def _examples() -> list[tuple[str, str, str, str | None]]:
    out = []
    for path in RULE_FILES:
        for rule in tomllib.loads(path.read_text(encoding="utf-8")).get("rules", []):
            for example in rule.get("examples", []):
                out.append((rule["id"], example["text"], rule["reason"], rule.get("cause")))
    return out


EXAMPLES = _examples()


def test_rules_carry_examples() -> None:
    assert len(EXAMPLES) >= 30


@pytest.mark.parametrize(("rule_id", "text", "reason", "cause"), EXAMPLES,
                         ids=[f"{e[0]}-{i}" for i, e in enumerate(EXAMPLES)])
def test_every_example_gets_its_rules_reason(rule_id: str, text: str, reason: str,
                                             cause: str | None) -> None:
    assert explain(text).reason == reason, rule_id


def test_causes_name_known_causes_of_the_rules_reason() -> None:
    causes = catalog.facts("causes")["causes"]
    for rule_id, _text, reason, cause in EXAMPLES:
        if cause is not None:
            assert reason in causes[cause]["reasons"], (rule_id, cause)


# (text, reason): the issue's own list, and the families written for it.
WORDING = [
    # The status code must not beat clear words.
    # Google Workspace SMTP relay errors, https://support.google.com/a/answer/3726730
    ("450 4.2.1 Peak SMTP relay limit exceeded for customer. This is a temporary error.",
     "speeding"),
    # SendGrid SMTP errors page: a success reply with a 2.6.0 detail
    ("250 2.6.0 Queued mail for delivery", "delivered"),
    # One word must not beat the meaning.
    # spamass-milter's reject text
    ("550 5.7.1 Blocked by SpamAssassin", "spamdetected"),
    # issue 9: a connection-stage reputation reject
    ("554 Connection refused. This IP has a poor reputation", "badreputation"),
    # issue 9: qmail/spamdyke style
    ("500 Mail appears to be unsolicited", "spamdetected"),
    # Cisco ESA's default reject for a low SenderBase score
    ("554 smtp.example.com Your access to this mail system has been rejected due to the "
     "sending MTA's poor reputation.", "badreputation"),
    # T-Online's reject for an IP with no reputation
    ("554 IP=192.0.2.1 - None/bad reputation. Ask your postmaster for help or to contact "
     "<postmaster@rx.t-online.de> for reset. (NOWL)", "badreputation"),
    # The fallback's common wordings (issue 9 list).
    ("552 Mailbox quota usage exceeded", "mailboxfull"),
    ("550 user's mailfolder is full", "mailboxfull"),
    ("550 No mail box available for this user", "userunknown"),
    ("550 Rcpt <bob@example.org> does not exist", "userunknown"),
    ("550 5.1.1 BAD_RECIPIENT", "userunknown"),
    ("550 bob@example.org is not an active address at this host", "userunknown"),
    ("550 5.1.1 Invalid final delivery userid", "userunknown"),
    ("554 5.7.1 Score (59) over MessageScoringUpperLimit", "spamdetected"),
    ("554 5.7.1 Rejected by URIBL policy", "spamdetected"),
    # A sender's sending quota is not the recipient's full mailbox (cbpolicyd quotas)
    ("Policy rejection; Message count quota exceeded", "speeding"),
    # Provider codes. Exchange Online NDR reference pages (learn.microsoft.com)
    ("550 5.2.122 The recipient has exceeded their limit for the number of messages they "
     "can receive per hour.", "speeding"),
    ("451 4.4.312 DNS query failed", "networkerror"),
    ("550 5.7.321 starttls-not-supported: Destination mail server must support TLS to "
     "receive mail.", "failedstarttls"),
    ("550 5.7.508 Access denied, [192.0.2.10] has exceeded permitted limits within "
     "192.0.2.0/24 range", "blocked"),
    ("550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP.",
     "badreputation"),
    # Mimecast SMTP error codes page: greylisting
    ("451 Internal resource temporarily unavailable", "onhold"),
    # GoDaddy IB212 (support.tigertech.net/godaddy-ib212)
    ("552 5.2.0 This message has been rejected due to content judged to be spam by the "
     "internet community IB212", "spamdetected"),
    # Yahoo help SLN5066
    ("553 Mail from 192.0.2.1 not allowed", "blocked"),
    # Orange and La Poste, bilingual replies
    ("421 OFR004_104 Trop de connexions, veuillez verifier votre configuration / Too many "
     "connections, slow down", "toomanyconn"),
    ("450 4.1.8 LPN007_405 Emetteur invalide / Invalid Sender", "rejected"),
    # MTA families: Exim smtp_in.c, Haraka, qmail, Postfix
    ("503 valid RCPT command must precede DATA", "syntaxerror"),
    ("501 5.5.2 <localhost>: Helo command rejected: Invalid name", "syntaxerror"),
    ("535 Authentication rejected", "securityerror"),
    ("553 we don't relay (#5.7.1)", "norelaying"),
    ("452 Virus scanner timed out", "systemerror"),
]


@pytest.mark.parametrize(("text", "reason"), WORDING)
def test_wording(text: str, reason: str) -> None:
    assert explain(text).reason == reason


def test_bare_protocol_words_do_not_decide() -> None:
    # A pipe's "Command output:" prefix and a passing "SPF" give way to the words
    # that say what happened (GMX help page; Postfix policyd-spf bounce).
    assert explain("Permission denied. Command output: maildrop: maildir over quota."
                   ).reason == "mailboxfull"
    assert explain("550 5.7.1 Message rejected as spam. See our SPF and DKIM guide."
                   ).reason == "spamdetected"


def test_one_rule_per_pattern() -> None:
    """Knowledge has one home: two phrase rules with the same pattern are one rule
    written twice (their examples and provider belong together)."""
    from smtp_explain.rules import builtin_rules

    seen: dict[str, str] = {}
    twice = []
    for rule in builtin_rules():
        if rule.kind != "rule":
            continue
        if rule.pattern in seen:
            twice.append((seen[rule.pattern], rule.id))
        seen[rule.pattern] = rule.id
    assert not twice
