"""Amazon WorkMail (X-Mailer: Amazon WorkMail): DSN fields inside the text part.

    An error occurred while trying to deliver the mail to the following recipients:
    kijitora@example.jp

    Technical report:

    Reporting-MTA: dsn; a27-85.smtp-out.us-west-2.amazonses.com

    Action: failed
    Final-Recipient: rfc822; kijitora@example.jp
    Diagnostic-Code: smtp; 550 5.1.1 <kijitora@example.jp>... User Unknown
    Status: 5.1.1

WorkMail sends through Amazon SES, so the diagnostic may quote the remote
reply the SES way ("...in 840 minutes.<421 4.4.2 Connection timed out>").
"""

from __future__ import annotations

from smtp_explain.decoding.dsn import deliveries
from smtp_explain.decoding.formats.amazonses import unwrap_reply
from smtp_explain.decoding.mail import Delivery, Mail, address_in

NAME = "amazonworkmail"
ORDER = 290
HINTS = ("amazon workmail",)

_REPORT = "technical report:"
_LISTING = "to the following recipients:"


def match(mail: Mail) -> bool:
    return "amazon workmail" in mail.header("x-mailer").lower() or (
        "amazon workmail" in mail.header("x-original-mailer").lower()
    )


def decode(mail: Mail) -> list[Delivery]:
    if mail.dsn is not None:
        text = mail.dsn
    else:
        body = mail.body
        start = body.lower().find(_REPORT)
        if start < 0:
            return []
        text = body[start + len(_REPORT) :]
    found = [d for d in deliveries(text)[1] if d.recipient]
    if not found:
        found = [Delivery(recipient=r, action="failed") for r in _listed(mail.body)]
    for delivery in found:
        unwrap_reply(delivery)
    return found


def _listed(body: str) -> list[str]:
    """Addresses listed one per line after "...to the following recipients:"."""
    lower = body.lower()
    start = lower.find(_LISTING)
    if start < 0:
        return []
    out: list[str] = []
    for line in body[start + len(_LISTING) :].split("\n")[1:]:
        address = address_in(line)
        if not address or line.strip().lower() != address:
            break
        out.append(address)
    return out
