"""Yahoo! Mail (and AOL, Yahoo! JAPAN) "Failure Notice" bounces.

    Sorry, we were unable to deliver your message to the following address.

    <kijitora@example.org>:
    Remote host said: 550 5.1.1 <kijitora@example.org>... User Unknown [RCPT_TO]

    --- Below this line is a copy of the message.

Each "<address>:" line starts one recipient; the text up to the next one
is its error. The remote reply may follow "Remote host said:" and may end
with the SMTP command in brackets ([RCPT_TO], [MAIL_FROM], [DATA]...); a
reply can also read "550: text" with a colon after the code.
"""

from __future__ import annotations

import re

from smtp_explain.decoding.mail import Delivery, Mail, address_in
from smtp_explain.decoding.text import clean_diagnostic
from smtp_explain.extract import command_name

NAME = "yahoo"
ORDER = 320
HINTS = ("sorry, we were unable to deliver your message to the following address",)

_MARKER = "sorry, we were unable to deliver your message to the following address"
_COPY = re.compile(r"(?im)^-{2,}[ \t]*below this line is a copy of the message")
_RECIPIENT = re.compile(r"(?m)^[ \t]*<([^<>\s@]{1,254}@[^<>\s]{1,254})>:[ \t]*")
_COMMAND = re.compile(r"\[(RCPT_TO|MAIL_FROM|DATA|BODY|HELO|EHLO|CONNECT|RSET|QUIT)\]")
_SAID = re.compile(r"(?i)remote host said:")
_CODE_COLON = re.compile(r"^([245]\d\d):[ \t]")


def match(mail: Mail) -> bool:
    return _MARKER in mail.body_lower[:4096]


def decode(mail: Mail) -> list[Delivery]:
    body = mail.body
    start = body.lower().find(_MARKER)
    if start < 0:
        return []
    copy = _COPY.search(body, start)
    text = body[start : copy.start() if copy else len(body)]
    heads = list(_RECIPIENT.finditer(text))
    out: list[Delivery] = []
    for index, head in enumerate(heads):
        end = heads[index + 1].start() if index + 1 < len(heads) else len(text)
        out.append(_one(head.group(1), text[head.end() : end]))
    return [d for d in out if d.recipient]


def _one(address: str, error: str) -> Delivery:
    command = ""
    found = _COMMAND.search(error)
    if found:
        command = command_name(found.group(1))
        error = error[: found.start()] + error[found.end() :]
    said = _SAID.search(error)
    remote_said = bool(said)
    if said:
        error = error[said.end() :]
    diagnostic = clean_diagnostic(error)
    reply = _CODE_COLON.match(diagnostic)
    if reply:
        # "550: 5.2.2 <...>... Mailbox Full" -> "550 5.2.2 <...>... Mailbox Full"
        diagnostic = reply.group(1) + diagnostic[reply.end() - 1 :]
        remote_said = True
    return Delivery(
        recipient=address_in(address),
        action="failed",
        diagnostic=diagnostic,
        diagnostic_type="SMTP" if remote_said else "",
        smtp_command=command,
    )
