"""RFC 3834 automatic responses: vacation and out-of-office replies."""

from __future__ import annotations

from smtp_explain.decoding import signs
from smtp_explain.decoding.mail import Delivery, Mail, address_in

NAME = "rfc3834"
ORDER = 950

def match(mail: Mail) -> bool:
    if mail.dsn is not None or signs.bounce_sender().search(mail.sender):
        return False
    auto = mail.header("auto-submitted").lower()
    if auto.startswith("auto-replied"):
        return True
    if any(mail.header(h) for h in signs.autoreply_headers()) or mail.header(
        "x-auto-response-suppress"
    ) == "All":
        return True
    if mail.header("precedence").lower() in ("auto_reply", "auto-reply"):
        return True
    return bool(signs.autoreply_subject().search(mail.subject.strip()))


def decode(mail: Mail) -> list[Delivery]:
    who = address_in(mail.sender) or address_in(mail.header("reply-to"))
    return [Delivery(recipient=who, reason="vacation", diagnostic=mail.body.strip()[:2000])]
