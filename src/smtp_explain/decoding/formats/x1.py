"""Unidentified MTA "X1": a sendmail look-alike without a DSN part.

From "Mail Deliver System" (sic) or "Mail Delivery System" <MAILER-DAEMON...>,
subjects "Returned Mail: <reason>", "Mail Delivery Failure" or, for delayed
mail, "Warning--Could not send mail for past N hours"; the text::

    The original message was received at Thu, 29 Apr 2011 23:34:45 +0900 (JST)
    from shironeko@example.co.jp

    ---The following addresses had delivery errors---

    kijitora@example.org [User unknown]

Each recipient line carries the error in square brackets. The warning
subject is the only place that says the message is still queued, so it is
added to the diagnostic.
"""

from __future__ import annotations

import re

from smtp_explain.decoding.mail import Delivery, Mail, address_in, relayed_by_gateway
from smtp_explain.decoding.text import clean_diagnostic, leaf_text
from smtp_explain.extract import ADDRESS_SHAPE

NAME = "x1"
ORDER = 700
HINTS = ('from: "mail deliver', "from: mail deliver", "=?")  # "=?": From may be RFC 2047-encoded

_MARKER = "---the following addresses had delivery errors---"
_LINE = re.compile(rf"^<?({ADDRESS_SHAPE})>?[ \t]+\[(.{{1,1000}})\][ \t]*$")


def match(mail: Mail) -> bool:
    return mail.sender.startswith(('"mail deliver', "mail deliver")) and (
        _MARKER in leaf_text(mail).lower()
    )


def decode(mail: Mail) -> list[Delivery]:
    body = leaf_text(mail)
    start = body.lower().find(_MARKER)
    if start < 0:
        return []
    subject = mail.subject.strip()
    warning = subject if subject.lower().startswith("warning--") else ""
    out: list[Delivery] = []
    for line in body[start + len(_MARKER) :].split("\n"):
        found = _LINE.match(line.strip())
        if found is None:
            if out and line.strip():
                break
            continue
        error = clean_diagnostic(f"{found.group(2)} {warning.removeprefix('Warning--')}")
        out.append(Delivery(recipient=address_in(found.group(1)), diagnostic=error,
                            action="delayed" if warning else "failed"))
    return relayed_by_gateway(out)
