"""Yandex.Mail (mailer-daemon@yandex.ru): Postfix DSNs with X-Yandex-* fields.

The text part has a Russian paragraph and Postfix's English one; the DSN
holds the per-recipient fields. A recipient whose Action is "failed" while
its Status is still a 4.x.x one failed only because Yandex stopped retrying
a temporary error: the message expired in the queue.
"""

from __future__ import annotations

from smtp_explain.decoding.dsn import deliveries
from smtp_explain.decoding.mail import Delivery, Mail, address_in
from smtp_explain.decoding.text import fill_from_body

NAME = "yandex"
ORDER = 395
HINTS = ("mailer-daemon@yandex.", ".yandex.", "=?")  # "=?": From may be RFC 2047-encoded


def match(mail: Mail) -> bool:
    sender = address_in(mail.sender)
    domain = sender.partition("@")[2]
    from_yandex = sender.startswith("mailer-daemon@") and (
        domain.startswith("yandex.") or ".yandex." in domain or domain.endswith(".yandex.net")
    )
    return from_yandex


def decode(mail: Mail) -> list[Delivery]:
    if mail.dsn is None:
        return []
    found = [d for d in deliveries(mail.dsn)[1] if d.recipient]
    fill_from_body(mail, found)
    for delivery in found:
        if delivery.action == "failed" and delivery.status.startswith("4."):
            delivery.reason = "expired"
    return found
