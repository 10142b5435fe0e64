"""DragonFly Mail Agent (dma): "Mail delivery failed".

dma reports one recipient per bounce::

    This is the DragonFly Mail Agent v0.13 at host.example.jp.

    There was an error delivering your mail to <rcpt@example.org>.

    mx.example.org [192.0.2.1] did not like our RCPT TO:
    550 5.1.1 <rcpt@example.org>: Recipient address rejected: User unknown

    Message headers follow.
"""

from __future__ import annotations

import re

from smtp_explain.decoding.mail import Delivery, Mail, address_in
from smtp_explain.decoding.text import clean_diagnostic, strip_continuations
from smtp_explain.extract import command_name, find_status, first_error_code

NAME = "dragonfly"
ORDER = 700
HINTS = ("this is the dragonfly mail agent",)

_MARKER = "this is the dragonfly mail agent"
_RECIPIENT = re.compile(r"(?i)there was an error delivering your mail to <([^<>\s]{1,320})>\.?")
_END = re.compile(r"(?im)^message headers follow")
_DISLIKED = re.compile(r"(?i)^([\w.-]{1,255}) \[[^\]\s]{1,64}\] did not like our ([^:]{1,40}):")


def match(mail: Mail) -> bool:
    return _MARKER in mail.body_lower[:2000]


def decode(mail: Mail) -> list[Delivery]:
    body = mail.body
    found = _RECIPIENT.search(body)
    if not found or not address_in(found.group(1)):
        return []
    end = _END.search(body, found.end())
    text = clean_diagnostic(body[found.end() : end.start() if end else len(body)])
    delivery = Delivery(recipient=address_in(found.group(1)), action="failed", diagnostic=text)
    disliked = _DISLIKED.match(text)
    if disliked:
        reply = strip_continuations(text[disliked.end() :])
        delivery.diagnostic = text[: disliked.end()] + " " + reply
        delivery.remote_host = disliked.group(1).lower()
        delivery.smtp_command = command_name(disliked.group(2))
        delivery.reply_code = first_error_code(reply)
        delivery.status = find_status(reply)
        delivery.diagnostic_type = "SMTP"
    return [delivery]
