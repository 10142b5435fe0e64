"""GMX, mail.com and 1&1/IONOS (United Internet) bounces.

    ... This is a permanent error. The following address failed:

    "kijitora@example.jp":
    SMTP error from remote server after RCPT command:
    host: mx.example.jp
    5.1.1 <kijitora@example.jp>... User Unknown

    --- The header of the original message is following. ---

An address alone on a line (bare, <quoted> or "quoted", maybe with a colon)
starts a recipient; the lines up to the next one are its error, without the
"Reason:" / "For the following reason:" labels. "after RCPT command" or
"for TEXT command" names the SMTP command, "host: NAME" the remote server.
"""

from __future__ import annotations

import re

from smtp_explain.decoding.mail import Delivery, Mail, address_in
from smtp_explain.decoding.text import clean_diagnostic
from smtp_explain.extract import command_name

NAME = "gmx"
ORDER = 340

_SENDER_DOMAIN = re.compile(
    r"(?:^|\.)(?:gmx\.[a-z]{2,3}|mail\.com|kundenserver\.de|1and1\.[a-z]{2,3}|1und1\.de|"
    r"ionos\.[a-z]{2,3}|web\.de)$"
)
_ORIGINAL = "--- The header of the original message is following. ---"
_FAILED = re.compile(r"(?i)the following address(?:es|\(es\))?\s{1,4}failed:?")
_ADDRESS_LINE = re.compile(r"^[\"<]?([^\s\"<>@]{1,64}@[^\s\"<>@]{1,254}?)[\">]?:?$")
_LABEL = re.compile(r"(?i)^(?:for the following )?reason:?$")
_COMMAND = re.compile(
    r"(?i)\b(?:after|for) (RCPT|MAIL|DATA|TEXT|HELO|EHLO|RSET)\b[ \t]{0,4}command"
)
_HOST = re.compile(r"(?i)\bhost:[ \t]{0,4}([a-z0-9][a-z0-9.-]{0,250}[a-z0-9])")


def match(mail: Mail) -> bool:
    sender = address_in(mail.sender)
    if sender.startswith("mailer-daemon@") and _SENDER_DOMAIN.search(sender.partition("@")[2]):
        return True
    return _ORIGINAL in mail.body


def decode(mail: Mail) -> list[Delivery]:
    body = mail.body
    cut = body.find(_ORIGINAL)
    text = body[:cut] if cut >= 0 else body
    marker = _FAILED.search(text)
    if marker is None:
        return []
    out: list[Delivery] = []
    lines: list[str] = []
    for line in text[marker.end() :].split("\n"):
        stripped = line.strip()
        head = _ADDRESS_LINE.match(stripped)
        if head and address_in(head.group(1)):
            if out:
                _finish(out[-1], lines)
            out.append(Delivery(recipient=address_in(head.group(1)), action="failed"))
            lines = []
        elif out and stripped and not _LABEL.match(stripped):
            lines.append(stripped)
    if out:
        _finish(out[-1], lines)
    return out


def _finish(delivery: Delivery, lines: list[str]) -> None:
    text = " ".join(lines)
    delivery.diagnostic = clean_diagnostic(text)
    command = _COMMAND.search(text)
    if command:
        delivery.smtp_command = command_name(command.group(1))
    host = _HOST.search(text)
    if host:
        delivery.remote_host = host.group(1).lower()
