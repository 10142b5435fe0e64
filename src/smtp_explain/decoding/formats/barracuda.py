"""Barracuda Spam Firewall / Email Security Gateway.

Received "... (Spam Firewall) ...", Reporting-MTA naming the appliance, a
subject such as "**Message you sent blocked by our bulk email filter**",
a text part ("Your message to: ... was blocked by our Spam Firewall") and a
message/delivery-status part with the appliance's own verdict::

    Diagnostic-Code: smtp; 550 5.7.1 Message content rejected, UBE, id=...
"""

from __future__ import annotations

from smtp_explain.decoding.dsn import deliveries
from smtp_explain.decoding.mail import Delivery, Mail, relayed_by_gateway
from smtp_explain.decoding.text import clean_diagnostic

NAME = "barracuda"
ORDER = 300
HINTS = ("(spam firewall)", "barracuda", "blocked by our bulk email filter",
         "=?")  # "=?": Subject may be RFC 2047-encoded


def match(mail: Mail) -> bool:
    if mail.dsn is None:
        return False
    received = mail.received
    if "(spam firewall)" in received or "barracuda" in mail.header("x-barracuda-connect").lower():
        return True
    return "blocked by our bulk email filter" in mail.subject.lower()


def decode(mail: Mail) -> list[Delivery]:
    if mail.dsn is None:
        return []
    found = [d for d in deliveries(mail.dsn)[1] if d.recipient]
    note = clean_diagnostic(mail.body)
    for delivery in found:
        if not delivery.diagnostic:
            delivery.diagnostic = note
    return relayed_by_gateway(found, relayed=False)
