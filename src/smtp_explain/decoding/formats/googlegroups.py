"""Google Groups: a post to a group that does not exist or does not accept it.

Sent by Gmail's mailer-daemon in the poster's language, with no SMTP reply
at all: the group's address is in X-Failed-Recipients and the text points
to the Groups help centre (groups.google.com). Whatever the language, the
notice says the same thing: the group may not exist or the sender may not
post to it, so the post was rejected.
"""

from __future__ import annotations

from smtp_explain.decoding.dsn import deliveries
from smtp_explain.decoding.mail import Delivery, Mail, address_in
from smtp_explain.decoding.text import before_original, clean_diagnostic

NAME = "googlegroups"
ORDER = 305
HINTS = ("mailer-daemon@googlemail.com", "mailer-daemon@google.com",
         "=?")  # "=?": From may be RFC 2047-encoded

_SENDERS = ("mailer-daemon@googlemail.com", "mailer-daemon@google.com")
_MARKER = "groups.google.com"
_ORIGINAL = "----- Original message -----"


def match(mail: Mail) -> bool:
    return address_in(mail.sender) in _SENDERS and bool(mail.header("x-failed-recipients"))


def decode(mail: Mail) -> list[Delivery]:
    body = mail.body
    cut = body.find(_ORIGINAL)
    text = body[:cut] if cut >= 0 else before_original(body)
    if _MARKER not in text.lower():
        return []
    if mail.dsn is not None and any(d.recipient for d in deliveries(mail.dsn)[1]):
        return []
    failed = ",".join(mail.root.header_all("x-failed-recipients")).split(",")
    recipients = [a for a in dict.fromkeys(address_in(v) for v in failed) if a]
    diagnostic = clean_diagnostic(text)
    return [
        Delivery(recipient=rcpt, action="failed", diagnostic=diagnostic, reason="rejected")
        for rcpt in recipients
    ]
