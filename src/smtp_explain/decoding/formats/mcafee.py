"""McAfee Email Gateway / Email and Web Security Appliance (X-NAI-Header).

Subject "Delivery Status"; a text part "deliveryproblems.txt"::

        --- The following addresses had delivery problems ---

    <kijitora@example.co.jp>   (Unknown user kijitora@example.co.jp)

and a message/delivery-status part "deliverystatus.txt" with
Original-Recipient, Action, Diagnostic-Code and Remote-MTA (no Status). The
diagnostic is the next server's reply relayed by the gateway.
"""

from __future__ import annotations

import re

from smtp_explain.decoding.dsn import deliveries
from smtp_explain.decoding.mail import Delivery, Mail, address_in, relayed_by_gateway
from smtp_explain.decoding.text import clean_diagnostic
from smtp_explain.extract import ADDRESS_SHAPE

NAME = "mcafee"
ORDER = 300
HINTS = ("mcafee",)

_PROBLEMS = "--- the following addresses had delivery problems ---"
_LINE = re.compile(rf"^<?({ADDRESS_SHAPE})>?[ \t]+\((.{{1,1000}})\)[ \t]*$")


def match(mail: Mail) -> bool:
    return "mcafee" in mail.header("x-nai-header").lower()


def decode(mail: Mail) -> list[Delivery]:
    reasons = _text_reasons(mail.body)
    found: list[Delivery] = []
    if mail.dsn is not None:
        found = [d for d in deliveries(mail.dsn)[1] if d.recipient]
    if not found:
        found = [Delivery(recipient=r, action="failed") for r in reasons]
    for delivery in found:
        if not delivery.diagnostic:
            delivery.diagnostic = reasons.get(delivery.recipient, "")
    return relayed_by_gateway(found)


def _text_reasons(body: str) -> dict[str, str]:
    lower = body.lower()
    start = lower.find(_PROBLEMS)
    if start < 0:
        return {}
    out: dict[str, str] = {}
    for line in body[start + len(_PROBLEMS) :].split("\n"):
        found = _LINE.match(line.strip())
        if found:
            out.setdefault(address_in(found.group(1)), clean_diagnostic(found.group(2)))
    return out
