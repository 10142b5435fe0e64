"""amavisd-new: non-delivery and "UNSOLICITED BULK EMAIL" notices.

amavis sends a standard delivery-status part, but why it stopped a message
(spam, a banned attachment, an invalid header) is in its text: the notice
says what the message "was considered" and lists header problems such as
'Duplicate header field: "From"' above "Delivery of the email was stopped!".
Those words are added to the diagnostic.
"""

from __future__ import annotations

import re

from smtp_explain.decoding.dsn import deliveries
from smtp_explain.decoding.mail import Delivery, Mail
from smtp_explain.decoding.text import clean_diagnostic, fill_from_body

NAME = "amavis"
ORDER = 700
HINTS = ("content-filter at", "amavis", "=?")  # "=?": From may be RFC 2047-encoded

_CONSIDERED = re.compile(r"(?i)\bwas considered ([^.\n]{1,200}(?:\n[^.\n]{1,200}){0,2})")
_STOPPED = "delivery of the email was stopped"
_QUOTED = re.compile(r"(?im)^(?:return-path|from|subject|message-id|to|date):")


def match(mail: Mail) -> bool:
    if mail.dsn is None:
        return False
    return "content-filter at" in mail.sender or "amavis" in mail.body_lower[:6000]


def decode(mail: Mail) -> list[Delivery]:
    if mail.dsn is None:
        return []
    found = [d for d in deliveries(mail.dsn)[1] if d.recipient]
    fill_from_body(mail, found)
    notes = _notes(mail.body)
    for delivery in found:
        if notes:
            delivery.diagnostic = clean_diagnostic(f"{delivery.diagnostic} {notes}")
    return found


def _notes(body: str) -> str:
    """The verdict sentence and the header problems amavis lists in its notice."""
    pieces = []
    considered = _CONSIDERED.search(body)
    if considered:
        pieces.append("considered " + considered.group(1))
    stop = body.lower().find(_STOPPED)
    if stop >= 0:
        quoted = list(_QUOTED.finditer(body, 0, stop))
        start = body.find("\n\n", quoted[-1].end()) if quoted else -1
        if start >= 0:
            pieces.append(body[start:stop])
    return clean_diagnostic(" ".join(pieces))
