"""SurfControl E-mail Filter (X-Mailer: SurfControl E-mail Filter, X-SEF-* headers).

    Your message could not be sent.
    A transcript of the attempts to send the message follows.
    The number of attempts made: 1
    Addressed To: kijitora@example.com

    Thu 29 Apr 2010 23:34:45 +0900
    Failed to send to identified host,
    kijitora@example.com: [192.0.2.5], 550 kijitora@example.com... No such user
    --- Message non-deliverable.

plus a message/delivery-status part (Status 5.0.0 throughout). The reply is
the next server's, relayed by the filter.
"""

from __future__ import annotations

import re

from smtp_explain.decoding.dsn import deliveries
from smtp_explain.decoding.mail import Delivery, Mail, address_in, relayed_by_gateway
from smtp_explain.decoding.text import clean_diagnostic
from smtp_explain.extract import ADDRESS_SHAPE

NAME = "surfcontrol"
ORDER = 300
HINTS = ("surfcontrol", "x-sef-")

_ATTEMPT = re.compile(rf"(?m)^<?({ADDRESS_SHAPE})>?: \[([\w.:-]{{2,255}})\], (.{{3,2000}})$")
_ADDRESSED = re.compile(r"(?im)^addressed to:[ \t]*(.{3,300})$")


def match(mail: Mail) -> bool:
    if "surfcontrol" in mail.header("x-mailer").lower():
        return True
    return any(name.startswith("x-sef-") for name, _ in mail.root.headers) and (
        "transcript of the attempts" in mail.body_lower
    )


def decode(mail: Mail) -> list[Delivery]:
    body = mail.body
    attempts = {address_in(m.group(1)): m for m in _ATTEMPT.finditer(body)}
    found: list[Delivery] = []
    if mail.dsn is not None:
        found = [d for d in deliveries(mail.dsn)[1] if d.recipient]
    if not found:
        addressed = [address_in(m.group(1)) for m in _ADDRESSED.finditer(body)]
        found = [Delivery(recipient=a, action="failed") for a in addressed if a]
    for delivery in found:
        attempt = attempts.get(delivery.recipient)
        if attempt is None:
            continue
        delivery.remote_host = delivery.remote_host or attempt.group(2)
        if not delivery.diagnostic:
            delivery.diagnostic = clean_diagnostic(attempt.group(3))
    return relayed_by_gateway(found)
