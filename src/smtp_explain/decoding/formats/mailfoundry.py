"""MailFoundry (anti-spam appliance; Received "... (MAILFOUNDRY) id ...").

    Unable to deliver message to: <kijitora@example.org>
    Delivery failed for the following reason:
    Server mx22.example.org[192.0.2.222] failed with: 550 <kijitora@example.org> No such user here

    This has been a permanent failure.  No further delivery attempts will be made.
"""

from __future__ import annotations

import re

from smtp_explain.decoding.mail import Delivery, Mail, address_in, relayed_by_gateway
from smtp_explain.decoding.text import clean_diagnostic

NAME = "mailfoundry"
ORDER = 300
HINTS = ("(mailfoundry)",)

_TO = re.compile(r"(?im)^unable to deliver message to:?[ \t]*(.{3,300})$")
_REASON = "delivery failed for the following reason:"
_SERVER = re.compile(r"(?i)server ([\w.-]{1,255})\[[\d.:a-f]{2,45}\] failed with: ")


def match(mail: Mail) -> bool:
    received = mail.received
    return "(mailfoundry)" in received and _REASON in mail.body_lower


def decode(mail: Mail) -> list[Delivery]:
    body = mail.body
    out: list[Delivery] = []
    for found in _TO.finditer(body):
        address = address_in(found.group(1))
        if not address:
            continue
        rest = body[found.end() :]
        start = rest.lower().find(_REASON)
        paragraph = ""
        if start >= 0:
            paragraph = rest[start + len(_REASON) :].lstrip("\n").split("\n\n", 1)[0]
        server = _SERVER.search(paragraph)
        out.append(Delivery(
            recipient=address, action="failed",
            diagnostic=clean_diagnostic(paragraph[server.end() :] if server else paragraph),
            remote_host=server.group(1).lower() if server else "",
            diagnostic_type="SMTP" if server else "",
        ))
    return relayed_by_gateway(out)
