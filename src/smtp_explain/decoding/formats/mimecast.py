"""Mimecast (Received from *.mimecast.com, X-Mimecast-* and X-MC-System headers).

Subject "[Postmaster] Email Delivery Failure"; the text::

    An email that you attempted to send to the following address could not be delivered:
    -- sabineko@example.org

    The problem appears to be :
    -- Recipient email address is possibly incorrect

    Additional information follows :
    -- 5.4.1 Recipient address rejected: Access denied. [...]

"The problem appears to be" is Mimecast's guess from the reply;
"Additional information" is the reply itself. Newer reports add a
message/delivery-status part.
"""

from __future__ import annotations

from smtp_explain.decoding.dsn import deliveries
from smtp_explain.decoding.mail import Delivery, Mail, address_in, relayed_by_gateway
from smtp_explain.decoding.text import clean_diagnostic

NAME = "mimecast"
ORDER = 300
HINTS = ("x-mimecast-", "x-mc-system")

_TO = "could not be delivered:"
_PROBLEM = "the problem appears to be :"
_INFO = "additional information follows :"


def match(mail: Mail) -> bool:
    if not any(name.startswith(("x-mimecast-", "x-mc-system")) for name, _ in mail.root.headers):
        return False
    return _PROBLEM in mail.body_lower


def decode(mail: Mail) -> list[Delivery]:
    body = mail.body
    recipient = address_in(_field(body, _TO))
    reply = clean_diagnostic(_field(body, _INFO))
    found: list[Delivery] = []
    if mail.dsn is not None:
        found = [d for d in deliveries(mail.dsn)[1] if d.recipient]
    if not found and recipient:
        found = [Delivery(recipient=recipient, action="failed")]
    for delivery in found:
        if reply and (not delivery.diagnostic or len(reply) > len(delivery.diagnostic)):
            delivery.diagnostic = reply
    return relayed_by_gateway(found, relayed=False)


def _field(body: str, label: str) -> str:
    """The "-- value" lines under one of the labels, up to the empty line after them."""
    lower = body.lower()
    start = lower.find(label)
    if start < 0:
        return ""
    paragraph = body[start + len(label) :].lstrip(" \n").split("\n\n", 1)[0]
    return paragraph.strip().removeprefix("--").strip()
