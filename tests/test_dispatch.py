"""The hint dispatcher (``formats.candidates``) never skips a module that would claim a mail.

A module's HINTS must be a necessary condition of its ``match()``: whenever
``match(mail)`` is true, one of its hints occurs in ``signature(mail)``. This
is checked per module (not only for the module that wins) over the shared
bounce corpus and over synthetic mails whose headers are written in unusual
case, folded, or RFC 2047-encoded; decoding with the dispatcher must give
exactly what asking every module gives.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from smtp_explain.decoding import formats
from smtp_explain.decoding.bounce import decode_mail
from smtp_explain.decoding.mail import Mail
from smtp_explain.read.sources import ReadProblem, read_path

ROOT = Path(__file__).resolve().parent.parent
BOUNCES = ROOT / "tests" / "data" / "bounces"
SOURCES = [*(f"maildir/{name}" for name in ("bsd", "dos", "mac", "not")), "mailbox"]

# Generic modules, and those whose match() can be satisfied by something the
# signature does not hold: the raw mail (apachejames), a marker searched for
# beyond the first 8 KB of the text (exchange2007, gmx, mfilter, notes), text
# parts Mail.body leaves out (messagingserver, when the body is empty).
ALWAYS_ASKED = {"rfc3464", "rfc3834", "fallback", "apachejames", "exchange2007", "gmx",
                "mfilter", "notes", "messagingserver"}
BY_NAME = {module.NAME: module for module in formats.FORMATS}


def _mails(source: str) -> Iterator[tuple[str, bytes]]:
    path = BOUNCES / source
    if not path.exists():
        pytest.fail(f"{path} not present: vendored corpus incomplete")
    found = False
    for origin, index, data in read_path(str(path)):
        if isinstance(data, ReadProblem):
            continue
        found = True
        yield f"{origin}#{index}", data
    if not found:
        pytest.fail(f"no mail in {path}")


def _missed(mail: Mail) -> list[str]:
    """Modules whose match() claims the mail although the dispatcher skips them."""
    asked = {module.NAME for module in formats.candidates(mail)}
    return [m.NAME for m in formats.FORMATS if m.NAME not in asked and m.match(mail)]


def _outcome(data: bytes) -> object:
    try:
        return decode_mail(data, "mail")
    except Exception as exc:  # broken mails must fail the same way either way
        return type(exc).__name__


def _ask_all(mail: Mail) -> list[ModuleType]:
    return list(formats.FORMATS)


# --- the hints themselves ---------------------------------------------------


def test_every_specific_module_has_hints() -> None:
    without = {m.NAME for m in formats.FORMATS if not getattr(m, "HINTS", ())}
    assert without == ALWAYS_ASKED


@pytest.mark.parametrize("module", formats.FORMATS, ids=lambda m: m.NAME)
def test_hints_are_lower_case_strings(module: ModuleType) -> None:
    hints = getattr(module, "HINTS", ())
    assert isinstance(hints, tuple)
    for hint in hints:
        assert isinstance(hint, str) and hint and hint == hint.lower(), hint


def test_plain_mail_asks_only_the_modules_without_hints() -> None:
    mail = Mail(b"From: Neko <neko@example.org>\nTo: tora@example.jp\nSubject: Lunch\n\n"
                b"See you at noon.\n")
    assert {m.NAME for m in formats.candidates(mail)} == ALWAYS_ASKED


# --- the corpus --------------------------------------------------------------


@pytest.mark.parametrize("source", SOURCES)
def test_dispatcher_never_skips_a_matching_module(source: str) -> None:
    missed = {}
    for origin, data in _mails(source):
        modules = _missed(Mail(data))
        if modules:
            missed[origin] = modules
    assert missed == {}


@pytest.mark.parametrize("source", SOURCES)
def test_same_results_as_asking_every_module(source: str,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    mails = list(_mails(source))
    hinted = [_outcome(data) for _, data in mails]
    monkeypatch.setattr(formats, "candidates", _ask_all)
    every = [_outcome(data) for _, data in mails]
    differ = [origin for (origin, _), a, b in zip(mails, hinted, every, strict=True) if a != b]
    assert differ == []


# --- synthetic mails: header case, folding, encoded words --------------------

_REPORT = (
    "Content-Type: multipart/report; report-type=delivery-status;\n"
    ' boundary="BB"\n'
    "\n"
    "--BB\n"
    "Content-Type: text/plain\n"
    "\n"
    "{text}\n"
    "--BB\n"
    "Content-Type: message/delivery-status\n"
    "\n"
    "Reporting-MTA: dns; mx.example.org\n"
    "\n"
    "Final-Recipient: rfc822; tora@example.jp\n"
    "Action: failed\n"
    "Status: 5.1.1\n"
    "Diagnostic-Code: smtp; 550 5.1.1 User unknown\n"
    "--BB--\n"
)


def _report(text: str = "The mail could not be delivered.") -> str:
    return _REPORT.format(text=text)


SYNTHETIC = {
    "fml": "X-MLSERVER:   FML 4.0\nFrom: list@example.org\n\nYou are not a member"
           " of this mailing list <list@example.org>.\n",
    "imailserver": "x-Mailer: <SMTP32 V8.15>\nFrom: postmaster@example.org\n\n"
                   "Unknown user: tora@example.jp\n",
    "arf": "X-Apple-Unsubscribe:   TRUE\nFrom: neko@example.org\n\nUnsubscribe\n",
    "activehunter": 'Content-Type: multipart/mixed;\n\tBOUNDARY="----=_ACTIVE!HUNTER_1"\n\n'
                    "------=_ACTIVE!HUNTER_1\nContent-Type: text/plain\n\nhello\n",
    "amazonworkmail": "X-Original-Mailer: Amazon\n  WorkMail\nFrom: x@example.org\n\nhi\n",
    "mcafee": "X-NAI-Header: Modified by McAfee Email and Web Security\n"
              "From: postmaster@example.org\n\nhi\n",
    "amazonses": "X-SES-Outgoing: 2024.01.01-192.0.2.1\nFrom: MAILER-DAEMON@example.org\n"
                 + _report(),
    "office365": "Message-ID:\n <ABC123@TY2PR01MB1234.JPNPRD01.PROD.OUTLOOK.COM>\n"
                 "X-MS-Exchange-Message-Is-Ndr:\nFrom: postmaster@example.org\n" + _report(),
    "mimecast": "X-MIMECAST-Spam-Score: 1\nFrom: postmaster@example.org\n\n"
                "The problem appears to be :\n-- Recipient address rejected\n",
    "surfcontrol": "X-SEF-Processed: 5_0_0\nFrom: postmaster@example.org\n\n"
                   "Below is a transcript of the attempts\n",
    "exim": "From: Mail Delivery System <Mailer-Daemon@example.org>\n"
            "x-failed-RECIPIENTS: tora@example.jp\n\nsee below\n",
    "exchange2003": "X-MS-Embedded-Report:\nFrom: postmaster@example.org\n\nhi\n",
    "mailfoundry": "Received: from mx.example.org\n\t(MAILFOUNDRY) id 1\nFrom: postmaster@example.org\n"
                   "\nDelivery failed for the following reason:\nServer said no\n",
    "barracuda": "Received: from mx.example.org (mx.example.org [192.0.2.1]) by\n"
                 " gw.example.org (Spam\n Firewall) with ESMTP\nFrom: postmaster@example.org\n"
                 + _report(),
    "mxlogic": "X-MXL-NoteHash: 1234\nFrom: postmaster@example.org\n\nhi\n",
    # The tested From or Subject is RFC 2047-encoded: only "=?" is in the signature.
    "gmail": "From: =?utf-8?q?mailer-daemon=40googlemail=2Ecom?=\n\nDelivery to the following"
             " recipient failed permanently:\n\n     tora@example.jp\n",
    "biglobe": "From: =?ISO-2022-JP?B?cG9zdG1hc3RlckBiaWdsb2JlLm5lLmpw?=\n\nhi\n",
    "domino": "Subject: =?iso-8859-1?Q?DELIVERY_FAILURE:_Benutzer_M=FCller_unbekannt?=\n"
              "From: postmaster@example.org\n\nYour message\n\nwas not delivered to:\n\n"
              "  tora@example.jp\n",
    "mailmarshal": "Subject: =?utf-8?B?VW5kZWxpdmVyYWJsZSBNYWlsOiAi44OG44K544OIIg==?=\n\n"
                   "Could not be delivered because of\n\n550 5.1.1 User unknown\n",
    "sendmail": "From: MAILER-DAEMON@example.org\n"
                "Subject: =?us-ascii?Q?Returned_mail=3A_see_transcript_for_details?=\n\nhi\n",
    "x3": "From: =?utf-8?q?Mail_Delivery_System?= <postmaster@example.org>\n"
          "Subject: Delivery Status Notification\n\nThis is an automatically generated"
          " Delivery Status Notification.\n",
    "kddi": "From: =?ISO-2022-JP?B?cG9zdG1hc3RlckBlendlYi5uZS5qcA==?=\n\nhi\n",
    "amavis": "From: =?utf-8?q?Content-filter_at_mx=2Eexample=2Eorg?= <postmaster@example.org>\n"
              + _report(),
    "trendmicro": "From: =?utf-8?b?SW50ZXJTY2FuIE1TUyBmb3IgU01UUA==?= <postmaster@example.org>"
                  "\n\nhi\n",
    "x2": "From: postmaster@example.org\n\nMESSAGE FROM mx.example.org.\n"
          "   UNABLE TO DELIVER MESSAGE TO THE FOLLOWING ADDRESS(ES).\n",
    # (?i) matches "ſ" for "s" (and "ı"/"İ" for "i"); str.lower() keeps them apart.
    "x2 long s": "From: postmaster@example.org\n\nMeſſage from mx.example.org.\n"
                 "Unable to deliver meſſage to the following addreſſ(es).\n",
}


@pytest.mark.parametrize("name", sorted(SYNTHETIC))
def test_synthetic_mail_reaches_its_module(name: str) -> None:
    mail = Mail(SYNTHETIC[name].encode())
    module = BY_NAME[name.split()[0]]
    assert module.match(mail), "the synthetic mail should exercise the module's match()"
    assert module in formats.candidates(mail)
    assert _missed(mail) == []
