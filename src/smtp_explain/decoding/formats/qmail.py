"""qmail (and netqmail, vpopmail, qmail-ldap): "failure notice".

qmail-send writes one paragraph per failed address, the address in angle
brackets and a colon on a line of its own::

    Hi. This is the qmail-send program at mx.example.net.
    I'm afraid I wasn't able to deliver your message to the following addresses.

    <rcpt@example.org>:
    192.0.2.1 does not like recipient.
    Remote host said: 550 5.1.1 <rcpt@example.org>... User unknown
    Giving up on 192.0.2.1.

    --- Below this line is a copy of the message.

Its own errors end in a status code "(#5.1.1)"; qmail-remote's sentences
("does not like recipient", "sender was rejected", "failed after I sent the
message") name the SMTP step.
"""

from __future__ import annotations

import re

from smtp_explain.decoding.mail import Delivery, Mail, address_in
from smtp_explain.decoding.text import clean_diagnostic, strip_continuations
from smtp_explain.extract import STATUS_SHAPE, find_status, first_error_code

NAME = "qmail"
ORDER = 720
HINTS = ("qmail-send program",
         "wasn't able to deliver your message to the following addresses")

_INTRO = ("qmail-send program", "wasn't able to deliver your message to the following addresses")
_START = re.compile(r"^<([^<>\s@]{1,320}@[^<>\s]{1,255})>:[ \t]*(.*)$")
_COPY = re.compile(r"(?im)^-{2,} ?(?:below this line is a copy|enclosed is a copy|"
                   r"this is a copy|original message)")
_QMAIL_STATUS = re.compile(rf"\(#({STATUS_SHAPE})\)")
_REMOTE_SAID = re.compile(r"(?i)remote host (?:[\w.:-]{1,255} )?said: ")
_HOST = r"([\w-]{1,63}(?:[.:][\w-]{1,63}){1,10})"
_IP = re.compile(rf"(?i)(?:connected to|giving up on|remote host) {_HOST}|"
                 rf"^{_HOST} (?:does not like|failed after)")
_GAVE_UP = re.compile(r"(?i)\s*I'm not going to try again; "
                      r"this message has been in the queue too long\.?")
# qmail-remote's sentences and the SMTP step each one reports.
_STEPS = (
    ("does not like recipient", "RCPT"),
    ("most progress was rcpt to", "RCPT"),
    ("sender was rejected", "MAIL"),
    ("my name was rejected", "HELO"),
    ("failed after i sent the message", "DATA"),
    ("failed on data command", "DATA"),
    ("greeting failed", "CONN"),
    ("wasn't able to establish an smtp connection", "CONN"),
)


def match(mail: Mail) -> bool:
    head = mail.body_lower[:4000]
    return any(marker in head for marker in _INTRO)


def decode(mail: Mail) -> list[Delivery]:
    body = mail.body
    copy = _COPY.search(body)
    out = []
    for rcpt, text in _paragraphs(body[: copy.start() if copy else len(body)]):
        recipient = address_in(rcpt)
        if not recipient:
            continue
        out.append(_delivery(recipient, text))
    return out


def _paragraphs(body: str) -> list[tuple[str, str]]:
    out: list[tuple[str, list[str]]] = []
    for line in body.split("\n"):
        stripped = line.strip()
        start = _START.match(stripped)
        if start:
            out.append((start.group(1), [start.group(2)] if start.group(2) else []))
        elif out and stripped:
            out[-1][1].append(stripped)
        elif out and out[-1][1]:
            out.append(("", []))  # an empty line ends the paragraph
    return [(rcpt, clean_diagnostic(" ".join(lines))) for rcpt, lines in out if rcpt]


def _delivery(recipient: str, text: str) -> Delivery:
    gave_up = _GAVE_UP.sub("", text).strip()
    if gave_up:
        text = gave_up  # "in the queue too long" only says why qmail stopped retrying
    said = _REMOTE_SAID.search(text)
    reply = ""
    if said:
        reply = strip_continuations(text[said.end() :])
        text = text[: said.end()] + reply
    lower = text.lower()
    qmail_status = _QMAIL_STATUS.search(text)
    host = _IP.search(text)
    return Delivery(
        recipient=recipient,
        action="failed",
        diagnostic=text,
        diagnostic_type="SMTP" if reply else "",
        reply_code=first_error_code(reply) if reply else "",
        status=find_status(reply) or (qmail_status.group(1) if qmail_status else ""),
        remote_host=(host.group(1) or host.group(2) or "").lower() if host else "",
        smtp_command=next((command for phrase, command in _STEPS if phrase in lower), ""),
    )
