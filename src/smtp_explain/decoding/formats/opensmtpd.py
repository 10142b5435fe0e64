"""OpenSMTPD: "Delivery status notification: error" from MAILER-DAEMON.

OpenSMTPD writes one line per recipient, the address and the error::

        Hi!

        This is the MAILER-DAEMON, please DO NOT REPLY to this e-mail.

        An error has occurred while attempting to deliver a message for
        the following list of recipients:

    rcpt@example.org: 550 5.1.1 <rcpt@example.org>: User unknown

        Below is a copy of the original message:

Newer versions attach a delivery-status part with only a coarse status
(5.0.0, 4.4.7) and no diagnostic, so the text lines are what is read.
"""

from __future__ import annotations

import re

from smtp_explain.decoding.mail import Delivery, Mail, address_in
from smtp_explain.decoding.text import strip_continuations
from smtp_explain.extract import find_status, first_error_code

NAME = "opensmtpd"
ORDER = 700
HINTS = ("this is the mailer-daemon, please do not reply to this e",
         "an error has occurred while attempting to deliver a message",
         "a message is delayed for more than")

_MARKERS = ("this is the mailer-daemon, please do not reply to this e",
            "an error has occurred while attempting to deliver a message",
            "a message is delayed for more than")
_LINE = re.compile(r"^([^\s:<>@]{1,320}@[^\s:<>]{1,255}): (.{1,2000})$")
_COPY = "below is a copy of the original message"


def match(mail: Mail) -> bool:
    head = mail.body_lower[:3000]
    return any(marker in head for marker in _MARKERS)


def decode(mail: Mail) -> list[Delivery]:
    body = mail.body
    cut = body.lower().find(_COPY)
    text = body[: cut if cut >= 0 else len(body)]
    delayed = "a message is delayed" in text.lower()
    out = []
    for line in text.split("\n"):
        found = _LINE.match(line.strip())
        if not found or not address_in(found.group(1)):
            continue
        error = strip_continuations(found.group(2))
        expired = "envelope expired" in error.lower()  # the end of retrying, not a delay
        out.append(Delivery(
            recipient=address_in(found.group(1)),
            action="delayed" if delayed and not expired else "failed",
            diagnostic=error,
            reply_code=first_error_code(error),
            status=find_status(error),
            diagnostic_type="SMTP" if first_error_code(error) else "",
        ))
    return out
