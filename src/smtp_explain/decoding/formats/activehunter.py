"""Active!hunter (Transware's anti-spam gateway).

A multipart/report with boundaries "----=_Active!Hunter_..." and an
X-AHMAILID header; the text part has a sendmail-like layout without a DSN::

      ----- The following addresses had permanent fatal errors -----
    >>> kijitora@example.org <kijitora@example.org>

      ----- Transcript of session follows -----
    550 sorry, no mailbox here by that name (#5.1.1 - chkusr)

The transcript is the next server's reply relayed by the gateway.
"""

from __future__ import annotations

from smtp_explain.decoding.mail import Delivery, Mail, address_in, relayed_by_gateway
from smtp_explain.decoding.text import clean_diagnostic

NAME = "activehunter"
ORDER = 300
HINTS = ("x-ahmailid:", "active!hunter")

_ERRORS = "----- the following addresses had permanent fatal errors -----"
_TRANSCRIPT = "----- transcript of session follows -----"


def match(mail: Mail) -> bool:
    if mail.header("x-ahmailid"):
        return True
    return "active!hunter" in mail.root.params.get("boundary", "").lower()


def decode(mail: Mail) -> list[Delivery]:
    body = mail.body
    lower = body.lower()
    start = lower.find(_ERRORS)
    if start < 0:
        return []
    transcript = lower.find(_TRANSCRIPT, start)
    stop = transcript if transcript > 0 else len(body)
    recipients: list[str] = []
    for line in body[start + len(_ERRORS) : stop].split("\n"):
        if line.startswith(">>>"):
            address = address_in(line)
            if address and address not in recipients:
                recipients.append(address)
    reply = ""
    if transcript > 0:
        reply = clean_diagnostic(body[transcript + len(_TRANSCRIPT) :].strip().split("\n\n", 1)[0])
    return relayed_by_gateway([Delivery(recipient=r, action="failed", diagnostic=reply,
                            diagnostic_type="SMTP" if reply else "") for r in recipients[:100]])
