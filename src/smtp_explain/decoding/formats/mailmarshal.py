"""Trustwave Secure Email Gateway, formerly MailMarshal SMTP.

Subject 'Undeliverable Mail: "<original subject>"' and the text::

    Your message:
       From:    sironeko@example.com
       Subject: Nyaan

    Could not be delivered because of

    550 5.1.1 User unknown

    The following recipients were affected:
        kijitora@nyaan.example.com

    Additional Information
    ======================
    Remote-MTA:   <203.0.113.2>
    ...
"""

from __future__ import annotations

from smtp_explain.decoding.mail import Delivery, Mail, address_in, relayed_by_gateway
from smtp_explain.decoding.text import clean_diagnostic

NAME = "mailmarshal"
ORDER = 300
HINTS = ("subject: undeliverable mail:", "=?")  # "=?": Subject may be RFC 2047-encoded

_BECAUSE = "could not be delivered because of"
_AFFECTED = "the following recipients were affected:"
_ADDITIONAL = "additional information"


def match(mail: Mail) -> bool:
    if not mail.subject.lower().startswith("undeliverable mail:"):
        return False
    return _BECAUSE in mail.body_lower


def decode(mail: Mail) -> list[Delivery]:
    body = mail.body
    lower = body.lower()
    because = lower.find(_BECAUSE)
    affected = lower.find(_AFFECTED, max(because, 0))
    if because < 0 or affected < 0:
        return []
    error = clean_diagnostic(body[because + len(_BECAUSE) : affected])
    end = lower.find(_ADDITIONAL, affected)
    recipients: list[str] = []
    for line in body[affected + len(_AFFECTED) : end if end > 0 else len(body)].split("\n"):
        address = address_in(line)
        if address and address not in recipients:
            recipients.append(address)
    remote = ""
    for line in body[end:].split("\n") if end > 0 else ():
        name, _, value = line.partition(":")
        if name.strip().lower() == "remote-mta":
            remote = value.strip().strip("<>")
    return relayed_by_gateway([Delivery(recipient=r, action="failed", diagnostic=error, remote_host=remote,
                            diagnostic_type="SMTP" if error else "") for r in recipients[:100]])
