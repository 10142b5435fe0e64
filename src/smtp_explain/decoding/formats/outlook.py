"""Outlook.com / Hotmail / MSN (the Windows Live servers before Exchange Online).

Reports come from ``postmaster@...hotmail.com`` (outlook.com, msn.com) with
the subject "Delivery Status Notification (Failure|Delay)", the Windows Live
headers X-Message-Delivery / X-Message-Info / X-DSNContext, and a short text::

    This is an automatically generated Delivery Status Notification.
    Delivery to the following recipients failed.
           kijitora@example.jp

followed by a message/delivery-status part that holds the real facts. Where
the DSN has no Diagnostic-Code the text part's sentence is the diagnostic.
"""

from __future__ import annotations

from smtp_explain.decoding.dsn import deliveries
from smtp_explain.decoding.mail import Delivery, Mail, relayed_by_gateway

NAME = "outlook"
ORDER = 380
HINTS = ("x-message-delivery:", "x-message-info:", "x-dsncontext:", "from: postmaster@",
         "=?")  # "=?": From may be RFC 2047-encoded

_HEADERS = ("x-message-delivery", "x-message-info", "x-dsncontext")
_SENDERS = ("hotmail.", "outlook.", "msn.", "live.")
_INTRO = "this is an automatically generated delivery status notification"


def match(mail: Mail) -> bool:
    if mail.dsn is None or not mail.subject.lower().startswith("delivery status notification"):
        return False
    if any(mail.header(h) for h in _HEADERS):
        return True
    sender = mail.sender.rpartition("@")[2]
    return mail.sender.startswith("postmaster@") and any(s in sender for s in _SENDERS)


def decode(mail: Mail) -> list[Delivery]:
    if mail.dsn is None:
        return []
    found = [d for d in deliveries(mail.dsn)[1] if d.recipient]
    sentence = _sentence(mail.body)
    for delivery in found:
        if not delivery.diagnostic and delivery.action != "delayed":
            delivery.diagnostic = sentence
    return relayed_by_gateway(found, relayed=False)


def _sentence(body: str) -> str:
    """The text part's one-line explanation ("Unable to deliver message ... because ...")."""
    for line in body.split("\n"):
        text = line.strip()
        lower = text.lower()
        if not text or lower.startswith(_INTRO) or "warning message only" in lower:
            continue
        if "you do not need to resend" in lower:
            continue
        if lower.startswith(("delivery to the following", "unable to deliver")):
            return text if "," in text or " because " in lower or " due to " in lower else ""
    return ""
