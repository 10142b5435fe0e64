"""SendGrid: a DSN with X-SendGrid-* fields, "Action: expired" for timeouts.

The text part repeats each failure as "name:id:<address> : error", which
is often more complete than the DSN's Diagnostic-Code.
"""

from __future__ import annotations

import re

from smtp_explain.decoding.dsn import deliveries
from smtp_explain.decoding.mail import Delivery, Mail
from smtp_explain.decoding.text import clean_diagnostic

NAME = "sendgrid"
ORDER = 370
HINTS = ("message/delivery-status", "message/global-delivery-status")

_LINE = re.compile(r"(?m)<([^\s<>@]{1,64}@[^\s<>@]{1,254})>[ \t]{0,4}:[ \t]{0,4}(\S[^\n]{0,990})$")


def match(mail: Mail) -> bool:
    if mail.dsn is not None and "x-sendgrid-" in mail.dsn[:2000].lower():
        return True
    return "sendgrid" in mail.header("message-id").lower() and mail.dsn is not None


def decode(mail: Mail) -> list[Delivery]:
    if mail.dsn is None:
        return []
    found = [d for d in deliveries(mail.dsn)[1] if d.recipient]
    said = {m.group(1).lower(): m.group(2) for m in _LINE.finditer(mail.body)}
    for delivery in found:
        text = said.get(delivery.recipient, "")
        if text and delivery.diagnostic.lower() in text.lower():
            delivery.diagnostic = clean_diagnostic(text)
        if delivery.action == "expired":
            # SendGrid gave up retrying: its own field says so.
            delivery.action, delivery.reason = "failed", "expired"
    return found
