"""Mail programs' own failure wording (knowledge/rules/programs.toml) gets the right
reason through explain(), and yields to the server's words where the program quotes them."""

from __future__ import annotations

import pytest

from smtp_explain.explanation import explain

# Real texts from the reply bank (tests/data/replies/mail_programs_more.toml) that are
# not the rules' own examples, and wordings of the same families from other programs.
CASES = [
    # outgoing server not configured / not reachable
    ("The required SMTP server is not properly defined.", "networkerror"),  # git send-email
    ("Unable to initialize SMTP properly. Check config and use --smtp-debug.", "networkerror"),
    ("Couldn't contact an SMTP server", "networkerror"),  # Emacs smtpmail
    ("Sending failed: No greeting: ", "networkerror"),  # Emacs smtpmail
    # the local mailer program failed
    ("qmail-inject reported transient failure", "mailererror"),  # Emacs message.el
    ("Sending...failed with exit value 69", "mailererror"),  # Emacs sendmail.el, EX_UNAVAILABLE
    # account may not send outside its domain
    ("For security purposes, this demo account is not allowed to send messages to external "
     "e-mail addresses!", "norelaying"),  # older RainLoop wording
    # the device is offline: that, not the login, is the cause
    ("No internet connection, login failed.", "networkerror"),  # Delta Chat
    # SMTP step failures named only by the program
    ("An error occurred during the EHLO command", "syntaxerror"),  # Cypht
    ("An error occurred during the RCPT command", "userunknown"),  # Cypht
    # no recipients at all
    ("Sending failed; no recipients", "syntaxerror"),  # Emacs smtpmail
    # RFC 5321's 552 text with "exceeding"
    ("Requested mail action aborted: exceeding storage allocation", "mailboxfull"),  # SquirrelMail
]


@pytest.mark.parametrize(("text", "reason"), CASES, ids=[c[0][:40] for c in CASES])
def test_program_wording(text: str, reason: str) -> None:
    assert explain(text).reason == reason


# A program that names only the failed step but quotes the server's reply: the
# server's reply decides (the step rules carry a negative priority).
QUOTED = [
    ("An error occurred during the RCPT command: 554 5.7.1 <bob@example.net>: Relay access denied",
     "norelaying"),
    ("An error occurred during the EHLO command: 554 5.7.1 Service unavailable; Client host "
     "[192.0.2.7] blocked using zen.spamhaus.org", "blocked"),
]


@pytest.mark.parametrize(("text", "reason"), QUOTED, ids=[c[1] for c in QUOTED])
def test_server_reply_outranks_the_programs_step_name(text: str, reason: str) -> None:
    assert explain(text).reason == reason


def test_offline_does_not_take_over_ordinary_connection_texts() -> None:
    # "network connection" alone is not "no network connection".
    assert explain("535 5.7.8 Authentication failed over a secure network connection").reason \
        == "securityerror"
