"""The one verdict step: order of evidence, finer causes, audiences, lookup links, and
the same answer from explain() and the bounce decoder."""

from __future__ import annotations

from pathlib import Path

import pytest

from smtp_explain import catalog, decode, explain
from smtp_explain.classify import get_classifier
from smtp_explain.explanation import explain_row, row_text
from smtp_explain.verdict import judge, judge_row

CORPUS = Path(__file__).resolve().parent / "data" / "bounces" / "maildir" / "bsd"

# The order of evidence, one conflict per row: (text, reason, what decides).
ORDER = [
    ("550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown in virtual mailbox table",
     "userunknown", "a specific phrase (Postfix)"),
    ("5.1.1", "userunknown", "a status code that implies a reason"),
    ("550 5.2.2 Requested action not taken: mailbox unavailable", "mailboxfull",
     "a specific status code beats vague wording (priority <= -100)"),
    ("452 4.2.2 The email account that you tried to reach is over quota", "mailboxfull",
     "a provider's phrase"),
    ("550 5.7.1 Message rejected as spam by Content Filtering", "spamdetected",
     "a phrase beats the generic X.7.1 policy status"),
    ("550 Unknown user bob@example.net (in reply to end of DATA command)", "filtered",
     "the stage breaks the tie: 'user unknown' said to DATA is a filter's refusal"),
    ("550 5.1.1 Unknown user bob@example.net (in reply to end of DATA command)", "userunknown",
     "an addressing status (X.1.x) confirms the recipient whatever the stage"),
    ("550", "undefined", "a bare code that allows several reasons decides none"),
]


@pytest.mark.parametrize(("text", "reason", "why"), ORDER, ids=[row[2] for row in ORDER])
def test_order_of_evidence(text: str, reason: str, why: str) -> None:
    assert explain(text).reason == reason, why


BLOCKED_IP = "554 5.7.1 Service unavailable; Client host [192.0.2.25] blocked using zen.spamhaus.org"
BLOCKED_DOMAIN = ("554 5.7.1 <bob@example.org>: Sender address rejected: spam-domain.example "
                  "is listed in dbl.spamhaus.org")
LINK_LISTED = "554 5.7.1 Message rejected: a URL in the message is listed in multi.uribl.com"
GREYLISTED = ("450 4.2.0 <bob@example.org>: Recipient address rejected: Greylisted, "
              "see http://postgrey.schweikert.ch/help/example.org.html")


def test_an_ip_listing_is_an_ip_blocklist_with_a_lookup_of_that_ip() -> None:
    d = explain(BLOCKED_IP)
    assert (d.reason, d.cause) == ("blocked", "ip-blocklist")
    assert d.blocklist is not None and "192.0.2.25" in d.blocklist.lookup
    assert d.summary == catalog.text_entry("en", "causes", "causes", "ip-blocklist")["summary"]


def test_a_domain_listing_says_check_your_domain() -> None:
    d = explain(BLOCKED_DOMAIN)
    assert d.cause == "domain-blocklist"
    assert d.blocklist is not None and d.blocklist.id == "spamhaus-dbl"
    assert "spam-domain.example" in d.blocklist.lookup
    assert "spamhaus.org" not in d.blocklist.lookup.split("query=")[-1]
    assert "domain" in " ".join(d.next_steps.admin + d.next_steps.sender).lower()


def test_a_link_listing_names_the_link() -> None:
    d = explain(LINK_LISTED)
    assert d.cause == "uri-blocklist"
    assert "link" in (d.explanation + " ".join(d.next_steps.sender)).lower()


def test_greylisting_means_wait() -> None:
    d = explain(GREYLISTED)
    assert (d.reason, d.cause, d.retry) == ("onhold", "greylisting", "later")
    assert d.summary == catalog.text_entry("en", "causes", "causes", "greylisting")["summary"]


@pytest.mark.parametrize("text", [
    "Message could not be sent. Error 421",
    "İleti gönderilemedi. Hata 421",
    "Hata 421",
    "The connection to the server has been interrupted. Protocol: SMTP, Port: 25, "
    "Secure(SSL): No, Socket Error: 10053, Error Number: 0x800CCC0F",
    "An error occurred while sending mail. The mail server responded: 550 5.1.1 User unknown",
])
def test_mail_program_texts_get_advice_for_the_program_first(text: str) -> None:
    for lang in catalog.languages():
        d = explain(text, lang)
        assert d.audience == "mail-program", (text, lang)
        assert d.next_steps.program, (text, lang)
        assert d.to_dict()["next_steps"]["program"] == list(d.next_steps.program)


def test_server_replies_keep_sender_and_admin_advice() -> None:
    d = explain("550 5.1.1 <bob@example.org>: Recipient address rejected: User unknown")
    assert d.audience == "sender" and not d.next_steps.program
    assert d.next_steps.sender and d.next_steps.admin
    assert d.to_dict()["reason_name"] == catalog.reason_name("en", "userunknown")
    assert explain("550 5.1.1 user unknown", "tr").to_dict()["reason_name"] == catalog.reason_name(
        "tr", "userunknown")


ROWS = list(decode(CORPUS))
# The words that mean a connection timed out (reasons.toml, read by gave_up_retrying).
TIMED_OUT_WORDS = tuple(catalog.facts("reasons")["reasons"]["networkerror"]["timed_out_words"])


def _timed_out(text: str) -> bool:
    return any(word in text.lower() for word in TIMED_OUT_WORDS)


def test_explain_and_decode_read_a_text_alike() -> None:
    """The two entry points share one verdict: the bounce path given only a row's text
    and codes reaches explain()'s reason (a delay, a connection that timed out until
    the MTA gave up, and an unclassified error get their bounce-only names, expired,
    expired and onhold)."""
    classifier = get_classifier()
    for row in ROWS:
        if not row.diagnostic.strip() or row.reason in ("delivered", "feedback", "vacation"):
            continue
        text = row_text(row)
        d = explain(text)
        row_alone = judge_row(text, d.reply_code or "", d.status or "", classifier)
        expected = {"undefined": "onhold"}.get(d.reason, d.reason)
        if row_alone.reply_class == "temporary" and d.reason == "undefined":
            expected = "onhold"
        permanent = "5" in ((d.reply_code or "")[:1], (d.status or "")[:1])
        if d.reason == "networkerror" and _timed_out(text) and not permanent:
            expected = "expired"
        assert row_alone.reason == expected, (row.origin, text[:120])
        assert judge(text, d.reply_code, d.status, classifier).reason == d.reason


def test_rows_and_their_explanations_never_disagree() -> None:
    for row in ROWS:
        d = explain_row(row)
        assert (d.reason, d.cause) == (row.reason, row.cause), row.origin
        if row.reason not in ("delivered", "feedback", "vacation"):
            assert d.hard_bounce == row.hard_bounce, row.origin


def test_a_timeout_is_a_network_error_until_the_mta_gives_up() -> None:
    text = "connect to mx.example.org[192.0.2.7]:25: Connection timed out"
    assert explain(text).reason == "networkerror"
    classifier = get_classifier()
    assert judge_row(text, "", "4.4.1", classifier, action="failed").reason == "expired"
    assert judge_row("lost connection with mx.example.org[192.0.2.7] while receiving the "
                     "initial server greeting", "", "4.4.2", classifier,
                     action="failed").reason == "networkerror"
    # a server's permanent answer is its own verdict, not the MTA giving up
    assert judge_row("550 5.4.0 Connection timed out", "550", "5.4.0", classifier,
                     action="failed").reason == "networkerror"
    # a delay notice is still retrying: its timeout is the cause, nothing gave up yet
    assert judge_row(text, "", "4.4.1", classifier, action="delayed").reason == "networkerror"


# Where a bounce row and explain() of its text alone may differ, and why: what the
# bounce's layout adds to the text. Any other difference is a bug in one of the paths.
LAYOUT_CONVENTIONS = {
    # "user unknown" relayed by a filtering gateway or said after DATA: the corpus
    # (Sisimai's convention) calls the recipient filtered
    ("filtered", "userunknown"),
    # a connection that timed out until the MTA gave up (RFC 5321 section 4.5.4.1)
    ("expired", "networkerror"),
    # a local delivery program failed, which the MTA's layout (not the text) states
    ("mailererror", "systemerror"),
    ("mailererror", "expired"),
}


def test_rows_differ_from_explain_only_by_what_the_layout_states() -> None:
    """Where a bounce's layout says more than its text (a module's reading, a gateway
    that relayed the answer, the stage, the MTA giving up), the row keeps the layout's
    reason; every such difference is one of the named conventions, and they stay few."""
    differ = []
    for row in ROWS:
        if not row.diagnostic.strip():
            continue
        alone = explain(row_text(row)).reason
        if alone in (row.reason, "undefined"):
            continue
        assert (row.reason, alone) in LAYOUT_CONVENTIONS, (row.origin, row.reason, alone)
        if row.reason == "expired":
            assert _timed_out(row_text(row))
        differ.append(row)
    assert len(differ) <= len(ROWS) // 16, [(r.origin, r.reason) for r in differ]


def test_pseudo_status_is_not_stated() -> None:
    pseudo = [row for row in ROWS if row.status and not row.status_stated]
    assert pseudo and all(row.status.split(".")[2].startswith("9") for row in pseudo)
    assert all(row.status_stated for row in ROWS if row.status.endswith(".1.1"))


def test_server_software_is_not_called_a_provider() -> None:
    from starlette.testclient import TestClient

    from smtp_explain.web.app import create_app

    text = "550 5.1.1 <b@x.org>: Recipient address rejected: User unknown in virtual mailbox table"
    assert explain(text).provider is not None and explain(text).provider.kind == "mta"
    with TestClient(create_app()) as client:
        page = client.get("/explain", params={"q": text, "lang": "tr"}).text
    labels = catalog.texts("tr", "web")["labels"]
    assert f"{labels['provider_kind_mta']}: Postfix" in page
    assert f"{labels['provider']}: Postfix" not in page


def test_log_events_read_a_timeout_as_bounces_do() -> None:
    from smtp_explain.logs.verdict import verdict_for

    text = "connect to mx.example.org[192.0.2.7]:25: Connection timed out"
    assert verdict_for("deferred", text).reason == "networkerror"  # still being retried
    assert verdict_for("expired", text).reason == "expired"  # the MTA gave up
    assert verdict_for("expired", "550 5.1.1 <a@example.org>: user unknown").reason == "userunknown"


def test_log_verdicts_read_and_remember_only_the_head_of_a_long_reply() -> None:
    from smtp_explain.logs.verdict import MAX_TEXT, verdict_for

    head = "550 5.1.1 <a@example.org>: Recipient address rejected: User unknown "
    long_text = head + "x" * (1 << 20)
    assert verdict_for("bounced", long_text) == verdict_for("bounced", long_text[:MAX_TEXT])
    assert verdict_for("bounced", long_text).reason == "userunknown"


def test_a_success_only_status_in_a_failure_is_not_a_delivery() -> None:
    # RFC 3463 X.1.5 "Destination mailbox address valid" is for positive reports
    assert explain("250 2.1.5 <bob@example.org>... Recipient ok").reason == "delivered"
    assert explain("550 5.1.5 <bob@example.org>: no").reason != "delivered"
    assert explain("451 4.1.5 try later").reason != "delivered"
