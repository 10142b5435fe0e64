"""Verizon Wireless MMS/SMS gateways (vzwpix.com, vtext.com) non-delivery notices.

    Message could not be delivered to mobile.
    Error: No valid recipients for this MM

    Original Message:
    From: sender <sender@example.jp>
    To: 0000000000@vzwpix.com

The recipient is only named in the quoted original's To: line.
"""

from __future__ import annotations

import re

from smtp_explain.decoding.mail import Delivery, Mail, address_in
from smtp_explain.decoding.text import clean_diagnostic

NAME = "verizon"
ORDER = 390
HINTS = ("vzwpix.com", "vtext.com", "vzw.com", "verizonwireless.com",
         "=?")  # "=?": From may be RFC 2047-encoded

_DOMAINS = ("vzwpix.com", "vtext.com", "vzw.com", "verizonwireless.com")
_ORIGINAL = re.compile(r"(?im)^[ \t]*original message:?[ \t]*$")
_FAILURE_WORDS = ("could not be delivered", "undeliverable", "not delivered", "error:")
_TO = re.compile(r"(?im)^to:[ \t]*(.{1,998})$")


def match(mail: Mail) -> bool:
    sender = address_in(mail.sender)
    return any(sender.endswith(("@" + d, "." + d)) for d in _DOMAINS)


def decode(mail: Mail) -> list[Delivery]:
    body = mail.body
    cut = _ORIGINAL.search(body)
    notice = body[: cut.start()] if cut else body
    said = notice.lower()
    if not any(word in said for word in _FAILURE_WORDS):
        return []
    quoted = body[cut.end() :] if cut else ""
    to = _TO.search(quoted)
    recipients = [address_in(p) for p in to.group(1).split(",")] if to else []
    if not recipients:
        original_to = mail.original_header("to")
        recipients = [address_in(p) for p in original_to.split(",")]
    diagnostic = clean_diagnostic(notice)
    return [
        Delivery(recipient=r, action="failed", diagnostic=diagnostic)
        for r in dict.fromkeys(recipients) if r
    ]
