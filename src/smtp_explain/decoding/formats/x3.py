"""Unidentified MTA "X3": "Mail Delivery System <Mail.Delivery.System@host>".

Subject "Delivery status notification"; a text part framed by "=" rules::

    ============================================================================
          This is an automatically generated Delivery Status Notification.

    Delivery to the following recipients failed permanently:    (or: was aborted after N second(s))

       * kijitora@example.com

    ============================================================================
                                 Technical details:

    SMTP:RCPT host 192.0.2.8: 553 5.3.0 <kijitora@example.com>... No such user here

The "Technical details" line names the SMTP command and the remote host.
Some versions add a message/delivery-status part, whose Status can
contradict its own Diagnostic-Code: the code in the server's reply wins.
"""

from __future__ import annotations

import re

from smtp_explain.decoding.dsn import deliveries
from smtp_explain.decoding.mail import Delivery, Mail, address_in, relayed_by_gateway
from smtp_explain.decoding.text import clean_diagnostic, command_in
from smtp_explain.extract import ADDRESS_SHAPE, find_status, first_error_code

NAME = "x3"
ORDER = 700
HINTS = ("from: mail delivery system", "=?")  # "=?": From may be RFC 2047-encoded

_INTRO = "this is an automatically generated delivery status notification"
_BULLET = re.compile(rf"(?m)^[ \t]{{1,8}}\*[ \t]+<?({ADDRESS_SHAPE})>?[ \t]*$")
_DETAIL = re.compile(r"(?m)^SMTP:([A-Z]{4})[ \t]+host[ \t]+([\w.:-]{1,255}):[ \t]*(.{1,2000})$")


def match(mail: Mail) -> bool:
    if mail.subject.strip().lower() != "delivery status notification":
        return False
    return mail.sender.startswith("mail delivery system") and _INTRO in mail.body_lower


def decode(mail: Mail) -> list[Delivery]:
    body = mail.body
    recipients = [address_in(m.group(1)) for m in _BULLET.finditer(body)]
    details = list(_DETAIL.finditer(body))
    found: list[Delivery] = []
    if mail.dsn is not None:
        found = [d for d in deliveries(mail.dsn)[1] if d.recipient]
    if not found:
        found = [Delivery(recipient=r, action="failed") for r in dict.fromkeys(recipients) if r]
    for delivery in found:
        detail = next((d for d in details if delivery.recipient in d.group(3).lower()), None)
        if detail is None and len(details) == 1:
            detail = details[0]
        if detail is not None:
            delivery.smtp_command = command_in(detail.group(1))
            delivery.remote_host = delivery.remote_host or detail.group(2)
            if not delivery.diagnostic:
                delivery.diagnostic = clean_diagnostic(detail.group(3))
        said = find_status(delivery.diagnostic)
        if said and said != delivery.status:
            delivery.status = said
        delivery.reply_code = delivery.reply_code or first_error_code(delivery.diagnostic)
    return relayed_by_gateway(found)
