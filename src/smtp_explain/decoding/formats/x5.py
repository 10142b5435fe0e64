"""Unidentified MTA "X5": a notice that wraps another server's DSN.

The outer mail (From "Mail Delivery Subsystem" <MAILER-DAEMON@...>,
multipart/mixed, seen from Trend Micro relays with X-TM-AS-* headers) says
only::

    The original message was received at ...
    ----- The following addresses had permanent delivery errors -----

and attaches, as message/rfc822, the real report: a multipart/report whose
message/delivery-status part names the recipients and their errors.
"""

from __future__ import annotations

from smtp_explain.decoding.dsn import deliveries
from smtp_explain.decoding.mail import DSN_TYPES, Delivery, Mail, relayed_by_gateway

NAME = "x5"
ORDER = 150
HINTS = ("message/rfc822", "message/global", "message/partial")  # where _inner_dsn looks

_MARKER = "----- the following addresses had permanent delivery errors -----"


def _inner_dsn(mail: Mail) -> str | None:
    """The delivery-status text of the first attached report, if any."""
    for part in mail.parts:
        inner = part.message
        if inner is None:
            continue
        for child in inner.walk():
            if child.content_type in DSN_TYPES:
                return child.text()
    return None


def match(mail: Mail) -> bool:
    return mail.dsn is None and _MARKER in mail.body_lower and _inner_dsn(mail) is not None


def decode(mail: Mail) -> list[Delivery]:
    text = _inner_dsn(mail)
    if text is None:
        return []
    return relayed_by_gateway([d for d in deliveries(text)[1] if d.recipient])


