"""RFC 3464 / RFC 6533 delivery status notifications (multipart/report)."""

from __future__ import annotations

from smtp_explain.decoding.dsn import deliveries
from smtp_explain.decoding.mail import Delivery, Mail
from smtp_explain.decoding.text import fill_from_body

NAME = "rfc3464"
ORDER = 900


def match(mail: Mail) -> bool:
    return mail.dsn is not None


def decode(mail: Mail) -> list[Delivery]:
    if mail.dsn is None:
        return []
    _, found = deliveries(mail.dsn)
    found = [d for d in found if d.recipient]
    fill_from_body(mail, found)
    return found
