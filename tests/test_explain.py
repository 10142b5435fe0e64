"""explain() and lookup(): reasons, classes, advice, languages."""

from __future__ import annotations

import pytest

from smtp_explain import explain, lookup


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown in virtual "
         "mailbox table", "userunknown"),
        ("550-5.1.1 The email account that you tried to reach does not exist. Please try\n"
         "550-5.1.1 double-checking the recipient's email address for typos or\n"
         "550 5.1.1 unnecessary spaces. https://support.google.com/mail/?p=NoSuchUser", "userunknown"),
        ("552 5.2.2 The email account that you tried to reach is over quota.", "mailboxfull"),
        ("554 5.7.1 Service unavailable; Client host [192.0.2.25] blocked using zen.spamhaus.org",
         "blocked"),
        ("554 5.7.1 <x@example.net>: Relay access denied", "norelaying"),
        ("550 5.7.26 This mail has been blocked because the sender is unauthenticated. Gmail "
         "requires all senders to authenticate with either SPF or DKIM.", "authfailure"),
        ("Host or domain name not found. Name service error for name=example.invalid type=A: "
         "Host not found", "hostunknown"),
        ("550 5.7.1 Message rejected as spam by Content Filtering.", "spamdetected"),
        ("552 5.3.4 Message size exceeds fixed limit", "mesgtoobig"),
        ("421 4.7.0 [192.0.2.1] Our system has detected an unusual rate of unsolicited mail",
         "badreputation"),
        ("550 5.7.25 The IP address sending this message does not have a PTR record setup",
         "requireptr"),
        ("554 5.7.1 The message was rejected because it contains a virus", "virusdetected"),
        ("550 'fax@example.net' is not a registered gateway user", "rejected"),
        ("550 5.1.0 <news@example.org> sender rejected. Refer to Error Codes section at "
         "https://www.cox.com/residential/support/email-error-codes.html AUP#CDRBL", "blocked"),
        ("550 5.1.0 <news@example.org> sender rejected. AUP#In-1310", "speeding"),
        ("550 Ip frequency limited [Blocked IP 192.0.2.22]. http://service.mail.qq.com/", "speeding"),
        ("421 4.3.0 Upstream error, please check "
         "https://developers.cloudflare.com/email-routing/postmaster", "systemerror"),
        ("541 5.4.1 Mail rejected by destination domain", "filtered"),
        ("Domain example.com does not accept mail: an MX or SRV record indicated no SMTP service",
         "notaccept"),
        ("550 Unauthenticated senders not allowed", "securityerror"),
        ("504 Command parameter not implemented", "syntaxerror"),
        ("421 mwinf5c77 ME Service refuse. Veuillez essayer plus tard. Service refused, please "
         "try later. OFR_999 [999]", "speeding"),
        ("554 Host network not allowed - https://community.mimecast.com/docs/DOC-1369#554",
         "blocked"),
    ],
)
def test_real_replies(text: str, reason: str) -> None:
    assert explain(text).reason == reason


def test_bare_reply_code_gives_class_and_possible_reasons() -> None:
    d = explain("550")
    assert d.reply_code == "550"
    assert d.reply_class == "permanent"
    assert d.possible_reasons
    assert [m.digit for m in d.meaning] == ["5", "5", "0"]
    assert d.summary


def test_bare_status_code_implies_its_reason() -> None:
    d = explain("5.1.1")
    assert (d.status, d.reason, d.hard_bounce, d.retry) == ("5.1.1", "userunknown", True, "no")


def test_temporary_error_is_not_a_hard_bounce() -> None:
    d = explain("Message could not be sent. Error 421")
    assert d.reply_class == "temporary"
    assert d.hard_bounce is False
    assert d.retry == "later"


def test_specific_phrase_beats_generic_code() -> None:
    d = explain("550 5.7.1 Mailbox full")
    assert d.reason == "mailboxfull"
    assert d.evidence[0].kind == "rule"


def test_blocklist_is_named_with_links() -> None:
    d = explain("550 5.7.1 Client host [192.0.2.25] blocked using zen.spamhaus.org; see "
                "https://www.spamhaus.org/query/ip/192.0.2.25")
    assert d.blocklist is not None
    assert d.blocklist.id.startswith("spamhaus")
    assert d.blocklist.delist.startswith("https://")
    assert any(e.kind == "blocklist" for e in d.evidence)


def test_provider_is_recognised() -> None:
    d = explain("550-5.1.1 The email account that you tried to reach does not exist. "
                "x1si2345678abc.123 - gsmtp")
    assert d.provider is not None and d.provider.id == "google"


def test_turkish_explanation_differs_and_is_complete() -> None:
    en = explain("550 5.1.1 User unknown", lang="en")
    tr = explain("550 5.1.1 User unknown", lang="tr")
    assert tr.lang == "tr" and en.reason == tr.reason
    assert tr.summary != en.summary
    assert tr.next_steps.sender and tr.next_steps.admin
    assert all(m.title for m in tr.meaning)


def test_json_has_the_documented_keys() -> None:
    data = explain("550 5.1.1 User unknown").to_dict()
    for key in ("input", "reply_code", "status", "class", "reason", "hard_bounce", "retry",
                "provider", "blocklist", "summary", "explanation", "next_steps", "evidence",
                "lang"):
        assert key in data
    assert data["class"] == "permanent"


def test_unclassified_text_still_explains_the_code() -> None:
    d = explain("554 zorglub frobnicated the quux")
    assert d.reason == "undefined"
    assert d.reply_class == "permanent"
    assert d.summary and d.meaning


@pytest.mark.parametrize("bad", ["", "\x00\x01\x02", b"\xff\xfe\x00garbage", "   \n\t "])
def test_bad_input_never_raises(bad: str | bytes) -> None:
    d = explain(bad)
    assert d.reason == "undefined"


def test_lookup_reply_and_status_codes() -> None:
    info = lookup("550")
    assert info.known and info.kind == "reply" and info.reply_class == "permanent"
    assert info.references and info.next_steps.sender
    status = lookup("5.7.26", lang="tr")
    assert status.known and status.kind == "status" and status.lang == "tr"
    unknown = lookup("599")
    assert not unknown.known and unknown.reply_class == "permanent"
    assert lookup("4.7.999").known is False
    with pytest.raises(ValueError):
        lookup("hello")


def test_package_names_stay_functions_after_submodule_imports() -> None:
    import smtp_explain
    import smtp_explain.decoding.bounce
    import smtp_explain.explanation

    assert callable(smtp_explain.explain) and smtp_explain.explain.__name__ == "explain"
    assert callable(smtp_explain.decode) and smtp_explain.decode.__name__ == "decode"
