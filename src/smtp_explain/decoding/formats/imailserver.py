"""Ipswitch IMail Server (X-Mailer: <SMTP32 vN>).

A plain-text "Undeliverable Mail" whose first lines pair the server's own
verdict with each address, then "Original message follows."::

    Unknown user: kijitora@example.com
    User mailbox exceeds allowed size: kijitora@example.co.jp
    Delivery failed 20 attempts: kijitora@example.com

When the remote server answered, the text instead reads::

    undeliverable to kijitora@example.jp
    Body of message generated response:
    550-REJECTED - ...
"""

from __future__ import annotations

import re

from smtp_explain.decoding.mail import Delivery, Mail, address_in, relayed_by_gateway
from smtp_explain.decoding.text import clean_diagnostic, own_addresses
from smtp_explain.extract import ADDRESS_SHAPE

NAME = "imailserver"
ORDER = 440
HINTS = ("x-mailer: <smtp32 v",)

_ORIGINAL = "original message follows."
_VERDICT = re.compile(rf"^(?P<error>[^:\n]{{3,200}}):[ \t]*<?(?P<address>{ADDRESS_SHAPE})>?$")
_UNDELIVERABLE = re.compile(rf"(?im)^[ \t]*undeliverable to[ \t]+<?({ADDRESS_SHAPE})>?")
_RESPONSE = "body of message generated response:"


def match(mail: Mail) -> bool:
    return mail.header("x-mailer").strip().lower().startswith("<smtp32 v")


def decode(mail: Mail) -> list[Delivery]:
    body = mail.body
    lower = body.lower()
    cut = lower.find(_ORIGINAL)
    text = body[: cut if cut >= 0 else len(body)]
    own = own_addresses(mail)
    out: list[Delivery] = []
    for line in text.split("\n"):
        found = _VERDICT.match(line.strip())
        # The verdict is a phrase ("Unknown user"); "To: x@y" lines are not.
        if found and " " in found.group("error").strip() and (
            address_in(found.group("address")) not in own
        ):
            out.append(Delivery(recipient=address_in(found.group("address")), action="failed",
                                diagnostic=clean_diagnostic(found.group("error"))))
    if out:
        return relayed_by_gateway(out, relayed=False)
    response = lower.find(_RESPONSE)
    reply = clean_diagnostic(text[response + len(_RESPONSE):]) if response >= 0 else ""
    for found in _UNDELIVERABLE.finditer(text):
        address = address_in(found.group(1))
        if address and address not in own:
            out.append(Delivery(recipient=address, action="failed", diagnostic=reply,
                                diagnostic_type="SMTP" if reply else ""))
    return relayed_by_gateway(out)
