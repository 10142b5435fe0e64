"""Gmail and Google Workspace bounces that carry no usable delivery-status part.

Two plain-text layouts from mailer-daemon@googlemail.com:

* the classic one: "Delivery to the following recipient failed permanently:"
  (or "... has been delayed:"), the indented addresses, then "Technical
  details of permanent|temporary failure:" with the remote server's reply
  after "The error that the other server returned was:", sometimes ending
  in "(state N)", Gmail's SMTP state when the reply came;
* the newer one: a "** Message not delivered **"-style headline, a
  paragraph in plain words, then "The response was:" (or "The response from
  the remote server was:") and the reply. These usually come with a DSN;
  the rfc3464 module reads those, this one only those whose DSN is empty.
"""

from __future__ import annotations

import re

from smtp_explain.decoding.dsn import deliveries
from smtp_explain.decoding.mail import Delivery, Mail, address_in
from smtp_explain.decoding.text import before_original, clean_diagnostic

NAME = "gmail"
ORDER = 310
HINTS = ("mailer-daemon@googlemail.com", "mailer-daemon@google.com", "mailer-daemon@gmail.com",
         "=?")  # "=?": From may be RFC 2047-encoded

_SENDERS = ("mailer-daemon@googlemail.com", "mailer-daemon@google.com", "mailer-daemon@gmail.com")
_INTRO = re.compile(
    r"(?im)^[ \t]*delivery to the following recipients?[ \t]{1,4}"
    r"(failed permanently|has been delayed|have been delayed)[ \t]*:?[ \t]*$"
)
_DETAILS = re.compile(r"(?i)technical details of (permanent|temporary) failure:")
_REMOTE_REPLY = re.compile(r"(?i)the error that the other server returned was:")
_REMOTE_HOST = re.compile(r"(?i)\bby ([a-z0-9][a-z0-9.-]{0,250}[a-z0-9])\.? \[[0-9a-f.:]{3,45}\]")
_STATE = re.compile(r"\(state (\d{1,3})\)")
# Gmail's SMTP states seen in its bounces: 14 after RCPT TO, 18 after the data.
_STATE_COMMAND = {"14": "RCPT", "18": "DATA"}
_HEADLINE = re.compile(r"(?m)^[ \t]*\*\* ([^*\n]{3,80}) \*\*[ \t]*$")
_RESPONSE = re.compile(r"(?im)^[ \t]*the response (?:from the remote server )?was:[ \t]*$")
_ORIGINAL = re.compile(r"(?m)^-{3,}[ \t]*original message[ \t]*-{3,}")


def match(mail: Mail) -> bool:
    return address_in(mail.sender) in _SENDERS


def decode(mail: Mail) -> list[Delivery]:
    if mail.dsn is not None and any(d.recipient for d in deliveries(mail.dsn)[1]):
        return []
    body = mail.body
    cut = _ORIGINAL.search(body)
    text = body[: cut.start()] if cut else before_original(body)
    intro = _INTRO.search(text)
    if intro:
        return _classic(text, intro)
    headline = _HEADLINE.search(text)
    if headline:
        return _newer(mail, text, headline)
    return []


def _classic(text: str, intro: re.Match[str]) -> list[Delivery]:
    delayed = "delayed" in intro.group(1).lower()
    rest = text[intro.end() :]
    details = _DETAILS.search(rest)
    listing = rest[: details.start()] if details else rest
    recipients: list[str] = []
    for line in listing.split("\n"):
        address = address_in(line)
        if address and line[:1] in " \t" and address not in recipients:
            recipients.append(address)
    diagnostic, remote, command = "", "", ""
    if details:
        delayed = delayed or details.group(1).lower() == "temporary"
        technical = rest[details.end() :]
        reply = _REMOTE_REPLY.search(technical)
        host = _REMOTE_HOST.search(technical[: reply.start()] if reply else technical)
        remote = host.group(1).lower() if host else ""
        diagnostic = clean_diagnostic(technical[reply.end() :] if reply else technical)
        state = _STATE.search(diagnostic)
        command = _STATE_COMMAND.get(state.group(1), "") if state else ""
    elif delayed:
        # A warning with no details: what it says is that delivery goes on.
        diagnostic = clean_diagnostic(intro.group(0) + " " + listing)
    return [
        Delivery(
            recipient=rcpt,
            action="delayed" if delayed else "failed",
            diagnostic=diagnostic,
            remote_host=remote,
            smtp_command=command,
        )
        for rcpt in recipients
    ]


def _newer(mail: Mail, text: str, headline: re.Match[str]) -> list[Delivery]:
    failed = ",".join(mail.root.header_all("x-failed-recipients")).split(",")
    recipients = [a for a in dict.fromkeys(address_in(v) for v in failed) if a]
    rest = text[headline.end() :]
    if not recipients:
        paragraph = rest.split("\n\n", 2)
        found = address_in(" ".join(paragraph[:2]))
        recipients = [found] if found else []
    response = _RESPONSE.search(rest)
    explanation = rest[: response.start()] if response else rest
    explanation = "\n".join(
        line for line in explanation.split("\n")
        if not line.strip().lower().startswith("learn more")
    )
    reply = rest[response.end() :] if response else ""
    diagnostic = clean_diagnostic(explanation + " " + reply)
    delayed = "incomplete" in headline.group(1).lower() or "delayed" in headline.group(1).lower()
    return [
        Delivery(recipient=rcpt, action="delayed" if delayed else "failed", diagnostic=diagnostic)
        for rcpt in recipients
    ]
