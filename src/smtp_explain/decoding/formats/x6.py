"""Unidentified MTA "X6": "We had trouble delivering your message".

From "mailer-daemon", subject "There was an error sending your mail"; the
text names the command and quotes the reply in square brackets::

    We had trouble delivering your message. Full details follow:

    Subject: 'Neko Nyaan'
    Date: 'Thu, 29 Apr 2012 23:34:45 +0000'

    1 error(s):

    The following recipients returned permanent errors: kijitora@example.org.
    Reason: SMTP Server <192.0.2.223> refused to accept your message (DATA),
    with the following error message: [554 5.4.6 Hop count exceeded - possible mail loop]
"""

from __future__ import annotations

import re

from smtp_explain.decoding.mail import Delivery, Mail, address_in, relayed_by_gateway
from smtp_explain.decoding.text import clean_diagnostic, command_in

NAME = "x6"
ORDER = 700
HINTS = ("we had trouble delivering your message",)

_INTRO = "we had trouble delivering your message"
_RETURNED = re.compile(r"(?i)the following recipients returned (permanent|temporary) errors:")
_MESSAGE = "with the following error message:"
_SERVER = re.compile(r"(?i)server <([^>\s]{1,255})>")
_COMMAND = re.compile(r"\(([A-Za-z ]{4,9})\)")


def match(mail: Mail) -> bool:
    return _INTRO in mail.body_lower[:5000]


def decode(mail: Mail) -> list[Delivery]:
    text = " ".join(mail.body.split())
    lower = text.lower()
    out: list[Delivery] = []
    for found in _RETURNED.finditer(text):
        reason_at = lower.find("reason:", found.end())
        message_at = lower.find(_MESSAGE, max(reason_at, 0))
        if reason_at < 0 or message_at < 0:
            continue
        opened = text.find("[", message_at)
        closed = text.find("]", opened + 1) if opened >= 0 else -1
        reply = text[opened + 1 : closed] if 0 <= opened < closed else ""
        why = text[reason_at:message_at]
        server = _SERVER.search(why)
        command = _COMMAND.search(why)
        for part in text[found.end() : reason_at].split(","):
            address = address_in(part)
            if not address:
                continue
            out.append(Delivery(
                recipient=address,
                action="failed" if found.group(1).lower() == "permanent" else "delayed",
                diagnostic=clean_diagnostic(reply or why),
                diagnostic_type="SMTP" if reply else "",
                remote_host=server.group(1) if server else "",
                smtp_command=command_in(command.group(1)) if command else "",
            ))
    return relayed_by_gateway(out)
