"""Zoho Mail (mailer-daemon@mail.zoho.com, X-Mailer: Zoho Mail).

    This message was created automatically by mail delivery software.
    A message that you sent could not be delivered to one or more of its
    recipients. This is a permanent error.

    kijitora@example.co.jp Invalid Address, ERROR_CODE :550, ERROR_CODE :5.1.1 <...>... User Unknown

Each paragraph that starts with an address is one recipient: Zoho's own
label, then the remote reply code and text after "ERROR_CODE :". The
original message's headers follow without a separator line.
"""

from __future__ import annotations

import re

from smtp_explain.decoding.mail import Delivery, Mail, address_in
from smtp_explain.decoding.text import clean_diagnostic

NAME = "zoho"
ORDER = 350
HINTS = ("zoho.com", "zohomail.com", "zoho mail", "=?")  # "=?": From may be RFC 2047-encoded

_START = re.compile(r"^<?([^\s<>@]{1,64}@[^\s<>@]{1,254}?)>?:?[ \t]")
_ERROR_CODE = re.compile(r"ERROR_CODE[ \t]{0,3}:[ \t]{0,3}")
_HEADER_LINE = re.compile(r"^[A-Za-z][A-Za-z0-9-]{1,40}:")


def match(mail: Mail) -> bool:
    sender = address_in(mail.sender)
    if not sender.startswith(("mailer-daemon@", "postmaster@")):
        return False
    return (
        sender.endswith(("@zoho.com", ".zoho.com", "@zohomail.com", ".zohomail.com"))
        or "zoho mail" in mail.header("x-mailer").lower()
    )


def decode(mail: Mail) -> list[Delivery]:
    body = mail.body
    lower = body.lower()
    start = lower.find("could not be delivered")
    if start < 0:
        return []
    delayed = "temporary error" in lower[start : start + 400]
    out: list[Delivery] = []
    for paragraph in body[start:].split("\n\n")[1:]:
        text = paragraph.strip()
        if not text or _HEADER_LINE.match(text):
            break
        head = _START.match(text)
        if not head or not address_in(head.group(1)):
            continue
        out.append(_one(address_in(head.group(1)), text[head.end() :], delayed))
    return out


def _one(recipient: str, error: str, delayed: bool) -> Delivery:
    parts = _ERROR_CODE.split(" ".join(error.split()))
    reply_code = ""
    diagnostic = parts[0]
    if len(parts) > 1:
        codes = [p.strip().rstrip(",").strip() for p in parts[1:]]
        reply_code = next((c for c in codes if c.isdigit() and len(c) == 3), "")
        diagnostic = " ".join(c for c in codes if c)
    return Delivery(
        recipient=recipient,
        action="delayed" if delayed else "failed",
        diagnostic=clean_diagnostic(diagnostic),
        diagnostic_type="SMTP" if reply_code else "",
        reply_code=reply_code,
    )
