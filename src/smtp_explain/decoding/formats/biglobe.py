"""BIGLOBE (postmaster@biglobe.ne.jp), a Japanese ISP.

       ----- The following addresses had delivery problems -----
    kijitora@example.biglobe.ne.jp

       ----- Non-delivered information -----
    The number of messages in recipient's mailbox exceeded the local limit.
"""

from __future__ import annotations

import re

from smtp_explain.decoding.mail import Delivery, Mail, address_in
from smtp_explain.decoding.text import clean_diagnostic

NAME = "biglobe"
ORDER = 380
HINTS = ("biglobe.ne.jp", "=?")  # "=?": From may be RFC 2047-encoded

_SECTION = re.compile(r"(?m)^[ \t]*-{3,}[ \t]*([^\n]{3,80}?)[ \t]*-{3,}[ \t]*$")


def match(mail: Mail) -> bool:
    sender = address_in(mail.sender)
    return sender.endswith(("@biglobe.ne.jp", ".biglobe.ne.jp"))


def decode(mail: Mail) -> list[Delivery]:
    body = mail.body
    sections: dict[str, str] = {}
    heads = list(_SECTION.finditer(body))
    for index, head in enumerate(heads):
        end = heads[index + 1].start() if index + 1 < len(heads) else len(body)
        sections[head.group(1).strip().lower()] = body[head.end() : end]
    listed = next((v for k, v in sections.items() if "delivery problems" in k), "")
    info = next((v for k, v in sections.items() if "non-delivered" in k), "")
    recipients = [a for a in dict.fromkeys(address_in(line) for line in listed.split("\n")) if a]
    diagnostic = clean_diagnostic(info)
    return [Delivery(recipient=r, action="failed", diagnostic=diagnostic) for r in recipients]
