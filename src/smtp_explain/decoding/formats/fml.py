"""fml mailing list manager: refusals and loop alerts sent by the list.

fml (X-MLServer: fml) returns a post it will not distribute with a short
notice naming the list, e.g. "You are not a member of this mailing list
<list@example.org>." or "Duplicated Message-ID in <list@example.org>.";
the list address is the recipient that refused the mail.
"""

from __future__ import annotations

from smtp_explain.decoding.mail import Delivery, Mail, address_in
from smtp_explain.decoding.text import before_original, clean_diagnostic

NAME = "fml"
ORDER = 700
HINTS = ("x-mlserver: fml",)


def match(mail: Mail) -> bool:
    return mail.header("x-mlserver").lower().startswith("fml")


def decode(mail: Mail) -> list[Delivery]:
    text = before_original(mail.body).strip()
    paragraph = text.split("\n\n", 1)[0]
    recipient = address_in(paragraph)
    if not recipient:
        return []
    return [Delivery(recipient=recipient, action="failed",
                     diagnostic=clean_diagnostic(f"{mail.subject}: {paragraph}"))]
