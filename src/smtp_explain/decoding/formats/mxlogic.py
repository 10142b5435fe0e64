"""MX Logic (McAfee SaaS Email Protection; X-MX-Bounce, X-MXL-NoteHash, mxl_mta).

The MX Logic MTA writes an Exim-like text::

    This message was created automatically by mail delivery software.

    A message that you have sent could not be delivered to one or more
    recipients.  This is a permanent error.  The following address failed:

      <kijitora@example.co.jp>: 550 5.1.1 <kijitora@example.co.jp>: Recipient ...

    Included is a copy of the message header:

An address line starts a recipient, indented lines after it continue its
error; the error is the next server's reply relayed by the service.
"""

from __future__ import annotations

import re

from smtp_explain.decoding.mail import Delivery, Mail, address_in, relayed_by_gateway
from smtp_explain.decoding.text import clean_diagnostic
from smtp_explain.extract import ADDRESS_SHAPE

NAME = "mxlogic"
ORDER = 300
HINTS = ("x-mx-bounce:", "x-mxl-notehash:", "mxlogic.net",
         "=?")  # "=?": From may be RFC 2047-encoded

_INTRO = "could not be delivered to one or more"
_COPY = "included is a copy of the message header"
_ADDRESS_LINE = re.compile(rf"^[ \t]{{0,8}}<({ADDRESS_SHAPE})>:[ \t]*(.{{0,2000}})$")


def match(mail: Mail) -> bool:
    if mail.header("x-mx-bounce") or mail.header("x-mxl-notehash"):
        return True
    host = mail.sender.rpartition("@")[2].rstrip(">")
    return host.endswith("mxlogic.net") and _INTRO in mail.body_lower


def decode(mail: Mail) -> list[Delivery]:
    body = mail.body
    lower = body.lower()
    start = lower.find(_INTRO)
    if start < 0:
        return []
    end = lower.find(_COPY, start)
    out: list[Delivery] = []
    errors: list[str] = []
    for line in body[start : end if end > 0 else len(body)].split("\n"):
        found = _ADDRESS_LINE.match(line)
        if found:
            _close(out, errors)
            errors = [found.group(2)]
            out.append(Delivery(recipient=address_in(found.group(1)), action="failed"))
        elif out and line.strip():
            errors.append(line.strip())
    _close(out, errors)
    return relayed_by_gateway(out)


def _close(out: list[Delivery], errors: list[str]) -> None:
    if out and not out[-1].diagnostic:
        out[-1].diagnostic = clean_diagnostic(" ".join(errors))
        out[-1].diagnostic_type = "SMTP" if out[-1].diagnostic else ""
