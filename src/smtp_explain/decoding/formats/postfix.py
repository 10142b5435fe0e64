"""Postfix: "Undelivered Mail Returned to Sender" and SMTP server error reports.

Postfix writes one paragraph per recipient in its notification text::

    <rcpt@example.org> (expanded from <alias@example.org>): host
        mx.example.org[192.0.2.1] said: 550 5.1.1 User unknown (in reply to
        RCPT TO command)

and usually a message/delivery-status part whose Diagnostic-Code drops the
"(in reply to ... command)" context and the "refused to talk to me" or
"connect to" wording. The DSN gives status and action; the paragraph gives
the full error text, the remote host and the SMTP command. Old Postfix
versions send the paragraphs only; the SMTP server's postmaster notices
("errors from ...") carry an In:/Out: transcript instead.
"""

from __future__ import annotations

import re

from smtp_explain.decoding.dsn import deliveries
from smtp_explain.decoding.mail import Delivery, Mail, address_in
from smtp_explain.decoding.text import (
    before_original,
    clean_diagnostic,
    local_program_reason,
    strip_continuations,
)
from smtp_explain.extract import find_command, find_status, first_error_code

NAME = "postfix"
ORDER = 700
HINTS = ("message/delivery-status", "message/global-delivery-status",
         "this is the mail system at host", "this is the postfix program at host",
         "subject: postfix smtp server: errors from",
         "=?")  # "=?": Subject may be RFC 2047-encoded

_MARKERS = ("this is the mail system at host", "this is the postfix program at host")
_TRANSCRIPT_SUBJECT = "postfix smtp server: errors from"
_HEAD = re.compile(r'<("[^"<>]{1,300}"@[^<>\s]{1,255}|[^<>\s]{1,320})>'
                   r"(?: \(expanded from <[^<>]{0,320}>\))?: ?")
# "host mx.example.org[192.0.2.1] said:", "connect to mx.example.org[192.0.2.1]:25:",
# "lost connection with mx.example.org[192.0.2.1] while ..."
_HOST = re.compile(r"(?:host|connect to|connection with|conversation with) "
                   r"([\w.-]{1,255})\[([^\]\s]{0,64})\]")
_REPORT = re.compile(rb"(?im)^content-type:[ \t]*multipart/report")
_SAID = re.compile(r"\] (?:said|refused to talk to me): ")
_WHILE = {
    "initial server greeting": "CONN",
    "helo handshake": "HELO",
    "ehlo handshake": "EHLO",
    "starttls": "STARTTLS",
    "sending mail from": "MAIL",
    "sending rcpt to": "RCPT",
    "sending message body": "DATA",
    "sending end of data": "DATA",
    "sending data command": "DATA",
}


def match(mail: Mail) -> bool:
    if mail.subject.lower().startswith(_TRANSCRIPT_SUBJECT):
        return True
    if mail.dsn is not None and "x-postfix-" in mail.dsn[:4000].lower():
        return True
    head = mail.body_lower[:6000]
    return any(marker in head for marker in _MARKERS)


def decode(mail: Mail) -> list[Delivery]:
    if mail.subject.lower().startswith(_TRANSCRIPT_SUBJECT):
        return _from_transcript(mail)
    paragraphs = recipient_paragraphs(before_original(mail.body))
    dsn_text = mail.dsn
    if dsn_text is None and "\nfinal-recipient:" in mail.body_lower:
        dsn_text = mail.body  # the report was sent as plain text: read its fields anyway
    if dsn_text is None:
        inner = embedded_report(mail)
        if inner is not None:
            return decode(inner)
        action = "delayed" if mail.subject.lower().startswith("delayed mail") else "failed"
        found = [_delivery_from(rcpt, text, Delivery(recipient=_address(rcpt), action=action))
                 for rcpt, text in paragraphs]
    else:
        found = [d for d in deliveries(dsn_text)[1] if d.recipient] or _unreported(mail)
        for index, delivery in enumerate(found):
            text = _paragraph_for(delivery.recipient, paragraphs, index, len(found))
            if text:
                _delivery_from("", text, delivery)
            elif not delivery.smtp_command:
                # No "<rcpt>: ..." paragraph: Postfix's own words in Diagnostic-Code
                # ("X-Postfix; host X[IP] refused to talk to me: 554 ...") still say when.
                delivery.smtp_command = _command_of(delivery.diagnostic) or ""
    for delivery in found:
        delivery.reason = local_program_reason(delivery)
    return found


def _unreported(mail: Mail) -> list[Delivery]:
    """"Delivery report unavailable": Postfix lost its per-recipient records, so the
    returned message's recipients are all that is known, with no error text."""
    if "delivery report unavailable" not in mail.body_lower:
        return []
    found = [address_in(part) for part in mail.original_header("to").split(",")]
    return [Delivery(recipient=rcpt, action="failed") for rcpt in dict.fromkeys(found) if rcpt]


def recipient_paragraphs(body: str) -> list[tuple[str, str]]:
    """(address, folded text) of each "<address>: error" paragraph."""
    out: list[tuple[str, str]] = []
    current: list[str] = []
    for line in body.split("\n"):
        stripped = line.strip()
        starts = stripped.startswith("<") and ">" in stripped and len(line) - len(line.lstrip()) < 4
        if current and (not stripped or starts):
            _close(current, out)
            current = []
        if starts or (current and stripped):
            current.append(stripped)
    if current:
        _close(current, out)
    return out


def _close(lines: list[str], out: list[tuple[str, str]]) -> None:
    text = " ".join(lines)
    head = _HEAD.match(text)
    if head:
        out.append((head.group(1), clean_diagnostic(text[head.end() :])))


def _address(raw: str) -> str:
    return raw.lower() if raw.startswith('"') else address_in(raw) or raw.lower()


def _paragraph_for(recipient: str, paragraphs: list[tuple[str, str]], index: int,
                   total: int) -> str:
    for rcpt, text in paragraphs:
        if _address(rcpt) == recipient or address_in(rcpt) == recipient:
            return text
    if len(paragraphs) == total:
        return paragraphs[index][1]
    return ""


def _delivery_from(rcpt: str, text: str, delivery: Delivery) -> Delivery:
    """Fill a delivery from one paragraph's text (keeping what the DSN already says)."""
    reported = strip_continuations(delivery.diagnostic)
    said = _SAID.search(text)
    reply = strip_continuations(text[said.end():]) if said else ""
    delivery.diagnostic = text[: said.end()] + reply if said else text
    if reported and reported.lower() not in delivery.diagnostic.lower():
        delivery.diagnostic = f"{delivery.diagnostic} {reported}"  # e.g. a local program's words
    host = _HOST.search(text)
    if host:
        delivery.remote_host = host.group(1).rstrip(".").lower()
    delivery.smtp_command = _command_of(text) or delivery.smtp_command
    if reply:
        delivery.reply_code = first_error_code(reply) or delivery.reply_code
        if not delivery.status:
            delivery.status = find_status(reply)
    elif not delivery.status:
        delivery.status = find_status(text)
    if rcpt and not delivery.recipient:
        delivery.recipient = _address(rcpt)
    if not delivery.diagnostic_type:
        delivery.diagnostic_type = "SMTP" if reply else "X-Postfix"
    return delivery


def _command_of(text: str) -> str | None:
    """The SMTP stage a Postfix text names: "(in reply to RCPT TO command)", or its
    wording for the greeting ("refused to talk to me", "connect to") and the rest."""
    command = find_command(text)
    if command is None:
        lower = text.lower()
        if "refused to talk to me" in lower or lower.startswith("connect to "):
            command = "CONN"
        else:
            command = next((c for key, c in _WHILE.items() if key in lower), None)
    return command


def embedded_report(mail: Mail) -> Mail | None:
    """A whole bounce forwarded as the plain text of another mail."""
    raw = mail.raw
    start = raw.find(b"\n\n")
    if start < 0:
        return None
    marker = _REPORT.search(raw, start + 2)
    if marker is None:
        return None
    at = marker.start()
    block = raw.rfind(b"\n\n", 0, at)
    if block <= start:
        return None
    inner = Mail(raw[block + 2:])
    return inner if inner.dsn is not None else None


def _from_transcript(mail: Mail) -> list[Delivery]:
    """The "errors from" notice: recipients of the failed session and its error reply."""
    lines: list[str] = []
    for line in mail.body.split("\n"):
        stripped = line.strip()
        if stripped.startswith(("In:", "Out:")):
            lines.append(stripped)
        elif stripped and lines and line.startswith("     "):
            lines[-1] += " " + stripped
    recipients: list[tuple[str, str]] = []
    command = error = error_command = ""
    for line in lines:
        if line.startswith("In:"):
            command = line[3:].strip()
            if command.upper().startswith("RCPT TO:"):
                recipients.append((address_in(command), ""))
            continue
        reply = line[4:].strip()
        if reply[:1] not in ("4", "5"):
            continue
        if command.upper().startswith("RCPT TO:") and recipients and not recipients[-1][1]:
            recipients[-1] = (recipients[-1][0], reply)
        elif not error:
            error = reply
            verb = command.split(" ", 1)[0].upper()
            error_command = "DATA" if verb in ("DATA", "BDAT", ".") else verb
    out = []
    for rcpt, own in recipients:
        if not rcpt or not (own or error):
            continue
        text = own or error
        out.append(Delivery(
            recipient=rcpt,
            action="failed",
            diagnostic=clean_diagnostic(text),
            diagnostic_type="SMTP",
            reply_code=first_error_code(text),
            status=find_status(text),
            smtp_command="RCPT" if own else error_command,
        ))
    return out
