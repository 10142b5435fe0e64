"""Oracle Communications Messaging Server (formerly Sun ONE / iPlanet / Sun Java).

The text part repeats the DSN in words, one block per recipient::

    This report relates to a message you sent with the following header fields:
      Message-id: ...
    Your message cannot be delivered to the following recipients:

      Recipient address: kijitora@example.jp
      Original address: kijitora@example.net        (when the address was rewritten)
      Reason: Remote SMTP server has rejected address
      Diagnostic code: smtp;550 5.1.1 <kijitora@example.jp>... User Unknown
      Remote system: dns;mx.example.jp (TCP|...) (... ESMTP SENDMAIL-VM)

A message/delivery-status part (Content-type: with Boundary_(ID_...)
boundaries) follows; old versions put the DSN fields into the text. The
"Reason:" line is the server's summary: "rejected address" means the
recipient was refused at RCPT, "rejected MAIL FROM address" at MAIL.
"""

from __future__ import annotations

from smtp_explain.decoding.dsn import deliveries, typed_value
from smtp_explain.decoding.mail import Delivery, Mail, address_in, relayed_by_gateway
from smtp_explain.decoding.text import clean_diagnostic, leaf_text
from smtp_explain.extract import find_status, first_error_code

NAME = "messagingserver"
ORDER = 420

_INTRO = "this report relates to a message you sent with the following header fields"
_FIELDS = ("recipient address", "original address", "reason", "diagnostic code", "remote system")


def match(mail: Mail) -> bool:
    return _INTRO in _text(mail)[:5000].lower()


def _text(mail: Mail) -> str:
    """The report text; a "multipart" report without boundary lines is read as text."""
    return mail.body or leaf_text(mail)


def decode(mail: Mail) -> list[Delivery]:
    body = _text(mail)
    blocks = _blocks(body)
    found: list[Delivery] = []
    if mail.dsn is not None:
        found = [d for d in deliveries(mail.dsn)[1] if d.recipient]
    if not found:
        # Old versions put the DSN fields into the text part itself.
        found = [d for d in deliveries(_dsn_text(body))[1] if d.recipient]
    by_address = {b.get("original address") or b.get("recipient address", ""): b for b in blocks}
    by_address.update({b.get("recipient address", ""): b for b in blocks})
    if not found:
        found = [_from_block(b) for b in blocks]
    for delivery in found:
        block = by_address.get(delivery.recipient)
        if block is not None:
            _merge(delivery, block)
    return relayed_by_gateway([d for d in found if d.recipient])


def _blocks(body: str) -> list[dict[str, str]]:
    """The "Recipient address:" blocks of the text part."""
    blocks: list[dict[str, str]] = []
    for line in body.split("\n"):
        name, sep, value = line.strip().partition(":")
        key = name.strip().lower()
        if not sep or key not in _FIELDS:
            continue
        if key == "recipient address":
            blocks.append({})
        if blocks:
            blocks[-1][key] = address_in(value) if key.endswith("address") else value.strip()
    return blocks


def _dsn_text(body: str) -> str:
    start = body.lower().find("\noriginal-envelope-id:")
    if start < 0:
        start = body.lower().find("\nreporting-mta:")
    return body[start:] if start >= 0 else ""


def _from_block(block: dict[str, str]) -> Delivery:
    recipient = block.get("original address") or block.get("recipient address", "")
    return Delivery(recipient=recipient, action="failed")


def _merge(delivery: Delivery, block: dict[str, str]) -> None:
    original = block.get("original address", "")
    if original and delivery.recipient == block.get("recipient address"):
        delivery.recipient = original  # the address the sender used, before rewriting
    kind, code = typed_value(block.get("diagnostic code", ""))
    if code and not delivery.diagnostic:
        delivery.diagnostic = clean_diagnostic(code)
        delivery.diagnostic_type = kind
    reason = block.get("reason", "")
    if not delivery.diagnostic:
        delivery.diagnostic = clean_diagnostic(reason)
    if not delivery.status:
        delivery.status = find_status(delivery.diagnostic)
    delivery.reply_code = delivery.reply_code or first_error_code(delivery.diagnostic)
    lower = reason.lower()
    if "rejected mail from" in lower:
        delivery.smtp_command = "MAIL"
    elif "rejected address" in lower:
        delivery.smtp_command = "RCPT"
    remote = typed_value(block.get("remote system", ""))[1]
    if remote and not delivery.remote_host:
        delivery.remote_host = remote.split(" ", 1)[0].rstrip(".").lower()
