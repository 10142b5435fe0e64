"""Lotus Notes (the Notes SMTP MTA before Domino's RFC 3464 reports).

A plain-text mail "Undeliverable message", often in the sender's language
and charset (ISO-2022-JP, ISO-8859-1...)::

    ------- Failure Reasons  --------

    User  not listed in public Name & Address Book      <- the error text
    kijitora@example.com                                <- the recipient(s)

    ------- Returned Message --------
    Received: ...

The error text is the Notes server's own verdict (its directory lookup),
not a reply relayed from another server.
"""

from __future__ import annotations

from smtp_explain.decoding.mail import Delivery, Mail, address_in, relayed_by_gateway
from smtp_explain.decoding.text import clean_diagnostic, own_addresses

NAME = "notes"
ORDER = 400

_REASONS = "------- failure reasons"
_RETURNED = "------- returned message"


def match(mail: Mail) -> bool:
    return _REASONS in mail.body_lower[:20_000]


def decode(mail: Mail) -> list[Delivery]:
    body = mail.body
    lower = body.lower()
    start = lower.find(_REASONS)
    if start < 0:
        return []
    end = lower.find(_RETURNED, start)
    lines = body[start : end if end > 0 else len(body)].split("\n")[1:]
    own = own_addresses(mail)
    recipients: list[str] = []
    errors: list[str] = []
    for line in lines:
        text = line.strip()
        if not text:
            continue
        address = address_in(text)
        if address and text.strip("<>").lower() == address:
            if address not in own and address not in recipients:
                recipients.append(address)
        else:
            errors.append(text)
    diagnostic = clean_diagnostic(" ".join(errors))
    out = [Delivery(recipient=r, diagnostic=diagnostic, action="failed",
                    diagnostic_type="X-Notes" if diagnostic else "") for r in recipients[:100]]
    return relayed_by_gateway(out, relayed=False)
