"""Any other bounce: failed recipients and error text read from plain words."""

from __future__ import annotations

from smtp_explain.decoding.mail import Delivery, Mail, address_in
from smtp_explain.decoding.text import (
    before_original,
    clean_diagnostic,
    own_addresses,
    recipients_in,
    text_after,
)

NAME = "fallback"
ORDER = 1000


def match(mail: Mail) -> bool:
    return True


def decode(mail: Mail) -> list[Delivery]:
    body = before_original(mail.body)
    failed = [address_in(v) for v in mail.root.header_all("x-failed-recipients")]
    failed = [a for a in failed if a]
    header = mail.header("x-failed-recipients")
    if header and "," in header:
        failed = [address_in(p) for p in header.split(",") if address_in(p)]
    recipients = failed or recipients_in(body, own_addresses(mail))
    if not recipients:
        original_to = mail.original_header("to")
        recipients = [address_in(original_to)] if address_in(original_to) else []
    out = []
    for rcpt in recipients[:100]:
        # One recipient: the whole notice speaks of it (the reason may come before
        # the address). Several: the text from each address to the next.
        if len(recipients) == 1:
            diagnostic = clean_diagnostic(body)
        else:
            diagnostic = clean_diagnostic(text_after(body, rcpt, recipients)) or clean_diagnostic(body)
        out.append(Delivery(recipient=rcpt, diagnostic=diagnostic))
    return out
