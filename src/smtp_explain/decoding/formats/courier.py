"""Courier mail server: "NOTICE: mail delivery status."

Courier explains each undeliverable address with the SMTP exchange that
failed, in the same ">>> command / <<< reply" notation as Sendmail::

    Your message to the following recipients cannot be delivered:

    <rcpt@example.org>:
        mx.example.org [192.0.2.1]:
    >>> RCPT TO:<rcpt@example.org>
    <<< 550 5.1.1 <rcpt@example.org>... User Unknown

The delivery-status part has the status; its Diagnostic-Code loses the
command, so the diagnostic is read from this text.
"""

from __future__ import annotations

import re

from smtp_explain.decoding.dsn import deliveries
from smtp_explain.decoding.formats.sendmail import join_reply
from smtp_explain.decoding.mail import Delivery, Mail, address_in
from smtp_explain.decoding.text import clean_diagnostic
from smtp_explain.extract import find_status, first_error_code

NAME = "courier"
ORDER = 700
HINTS = ("running the courier mail server",)

_MARKER = "running the courier mail server"
_START = re.compile(r"^<([^<>\s@]{1,320}@[^<>\s]{1,255})>:[ \t]*$")
_HOST = re.compile(r"^([\w.-]{1,255}) \[[^\]\s]{1,64}\]:$")
_RULE = re.compile(r"^-{20,}$")


def match(mail: Mail) -> bool:
    return _MARKER in mail.body_lower[:3000]


def decode(mail: Mail) -> list[Delivery]:
    explained = _explanations(mail.body)
    if mail.dsn is None:
        found = [Delivery(recipient=rcpt, action="failed") for rcpt in explained]
    else:
        found = [d for d in deliveries(mail.dsn)[1] if d.recipient]
    for delivery in found:
        host, command, reply, notes = explained.get(delivery.recipient, ("", "", [], []))
        if reply:
            text = join_reply(reply)
            delivery.diagnostic = f">>> {command} <<< {text}" if command else text
            delivery.reply_code = first_error_code(text) or delivery.reply_code
            stated = find_status(text)
            if stated and not stated.endswith(".0.0"):
                delivery.status = stated
            delivery.smtp_command = command.split(" ", 1)[0].upper() if command else "CONN"
        elif notes and not delivery.diagnostic:
            delivery.diagnostic = clean_diagnostic(" ".join(notes))
        delivery.remote_host = host or delivery.remote_host
    return found


def _explanations(body: str) -> dict[str, tuple[str, str, list[str], list[str]]]:
    """recipient -> (remote host, last command, reply lines, other lines)."""
    out: dict[str, tuple[str, str, list[str], list[str]]] = {}
    current = ""
    host = command = ""
    reply: list[str] = []
    notes: list[str] = []
    for line in body.split("\n"):
        stripped = line.strip()
        start = _START.match(stripped)
        if start or _RULE.match(stripped):
            if current:
                out[current] = (host, command, reply, notes)
            current = address_in(start.group(1)) if start else ""
            host, command, reply, notes = "", "", [], []
            continue
        if not current or not stripped:
            continue
        if stripped.startswith(">>>"):
            command, reply = stripped[3:].strip(), []
        elif stripped.startswith("<<<"):
            reply.append(stripped[3:].strip())
        elif host_line := _HOST.match(stripped):
            host = host_line.group(1).lower()
        else:
            notes.append(stripped)
    if current:
        out[current] = (host, command, reply, notes)
    return out
