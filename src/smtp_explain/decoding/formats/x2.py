"""Unidentified MTA "X2": a qmail-based system (old Yahoo! style reports).

From MAILER-DAEMON@<domain>, subjects "Delivery failure", "failed delivery",
"failure delivery", "Permanent Delivery Failure"; the text::

    Message from example.co.jp.
    Unable to deliver message to the following address(es).

    <kijitora@example.co.jp>:
    This user doesn't have a example.co.jp account (kijitora@example.co.jp) [-9]

    --- Original message follows.

Each "<address>:" line starts a recipient; the lines up to the next empty
line are its error, in qmail's words ("I'm not going to try again; this
message has been in the queue too long." for expired messages).
"""

from __future__ import annotations

import re

from smtp_explain.decoding.mail import Delivery, Mail, address_in, relayed_by_gateway
from smtp_explain.decoding.text import clean_diagnostic
from smtp_explain.extract import ADDRESS_SHAPE

NAME = "x2"
ORDER = 700
HINTS = ("unable to del",)  # no i/s: (?i) also matches "ı", "İ", "ſ", which .lower() keeps apart

_INTRO = re.compile(
    r"(?im)^message from [ \t]*[\w.-]{1,255}\.[ \t]*\n"
    r"[ \t]*unable to deliver message to the following address"
)
_ADDRESS = re.compile(rf"^<({ADDRESS_SHAPE})>:[ \t]*(.{{0,1000}})$")
_ORIGINAL = "--- original message follows."


def match(mail: Mail) -> bool:
    return _INTRO.search(mail.body[:5000]) is not None


def decode(mail: Mail) -> list[Delivery]:
    body = mail.body
    intro = _INTRO.search(body)
    if intro is None:
        return []
    cut = body.lower().find(_ORIGINAL, intro.end())
    out: list[Delivery] = []
    errors: list[str] = []
    for line in body[intro.end() : cut if cut > 0 else len(body)].split("\n"):
        found = _ADDRESS.match(line.strip())
        if found:
            _close(out, errors)
            errors = [found.group(2)]
            out.append(Delivery(recipient=address_in(found.group(1)), action="failed"))
        elif out and line.strip():
            errors.append(line.strip().lstrip("/"))
    _close(out, errors)
    return relayed_by_gateway(out)


def _close(out: list[Delivery], errors: list[str]) -> None:
    if out and not out[-1].diagnostic:
        out[-1].diagnostic = clean_diagnostic(" ".join(errors))
