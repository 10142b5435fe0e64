"""IBM (Lotus) Domino.

A "DELIVERY FAILURE: <reason>" mail with the text::

    Your message

      Subject: Test Bounce

    was not delivered to:

      kijitora@example.jp

    because:

      User some.name (kijitora@example.jp) not listed in Domino Directory

Newer releases add a message/delivery-status part (Diagnostic-Code type
X-Notes) holding the same text. Domino writes the text in the server's
language; "because:" is the Domino server's own verdict.
"""

from __future__ import annotations

from smtp_explain.decoding.dsn import deliveries
from smtp_explain.decoding.mail import Delivery, Mail, address_in, relayed_by_gateway
from smtp_explain.decoding.text import clean_diagnostic

NAME = "domino"
ORDER = 400
HINTS = ("subject: delivery failure:", "=?")  # "=?": Subject may be RFC 2047-encoded

_NOT_DELIVERED = "was not delivered to:"
_BECAUSE = "because:"


def match(mail: Mail) -> bool:
    """Domino's upper-case subject, with its text or an X-Notes diagnostic."""
    if not mail.subject.startswith("DELIVERY FAILURE:"):
        return False
    return _NOT_DELIVERED in mail.body_lower or "x-notes;" in (mail.dsn or "").lower()


def decode(mail: Mail) -> list[Delivery]:
    recipients, reason = _text_fields(mail.body)
    found: list[Delivery] = []
    if mail.dsn is not None:
        found = [d for d in deliveries(mail.dsn)[1] if d.recipient]
    if not found:
        found = [Delivery(recipient=r, action="failed") for r in recipients]
    for delivery in found:
        if reason and (not delivery.diagnostic or len(reason) > len(delivery.diagnostic)):
            delivery.diagnostic = reason
        if delivery.diagnostic and not delivery.diagnostic_type:
            delivery.diagnostic_type = "X-Notes"
    return relayed_by_gateway(found, relayed=False)


def _text_fields(body: str) -> tuple[list[str], str]:
    """Recipients after "was not delivered to:" and the text after "because:"."""
    lower = body.lower()
    start = lower.find(_NOT_DELIVERED)
    if start < 0:
        return [], ""
    because = lower.find(_BECAUSE, start)
    stop = because if because > 0 else len(body)
    recipients: list[str] = []
    for line in body[start + len(_NOT_DELIVERED) : stop].split("\n"):
        address = address_in(line)
        if address and address not in recipients:
            recipients.append(address)
    reason = ""
    if because > 0:
        paragraph = body[because + len(_BECAUSE) :].lstrip("\n").split("\n\n", 1)[0]
        reason = clean_diagnostic(paragraph)
    return recipients[:100], reason
