"""Trend Micro InterScan Messaging Security Suite / InterScan VirusWall.

Boundaries "------------InterScan_NT_MIME_Boundary"; From names "InterScan
MSS" / "InterScan Notification" or the postmaster. The text part either
quotes the SMTP exchange::

    Sent <<< RCPT TO:<kijitora@example.co.jp>
    Received >>> 550 5.1.1 <kijitora@example.co.jp>... user unknown

or says in one sentence which address failed::

    Unable to deliver message to <kijitora@example.jp> (and other recipients in the same domain).
"""

from __future__ import annotations

import re

from smtp_explain.decoding.mail import Delivery, Mail, address_in, relayed_by_gateway
from smtp_explain.decoding.text import clean_diagnostic, command_in
from smtp_explain.extract import ADDRESS_SHAPE

NAME = "trendmicro"
ORDER = 300
HINTS = ("interscan", "=?")  # "=?": From may be RFC 2047-encoded

_SENT = re.compile(r"(?im)^sent <<< (.{1,500})$")
_RECEIVED = re.compile(r"(?im)^received >>> (.{1,2000})$")
_UNABLE = re.compile(rf"(?i)unable to deliver message to <({ADDRESS_SHAPE})>([^\n]{{0,500}})")


def match(mail: Mail) -> bool:
    if "interscan" in mail.root.params.get("boundary", "").lower():
        return True
    return "interscan" in mail.sender


def decode(mail: Mail) -> list[Delivery]:
    body = mail.body
    out: list[Delivery] = []
    sent = list(_SENT.finditer(body))
    for command in sent:
        address = address_in(command.group(1))
        reply = _RECEIVED.search(body, command.end())
        if not address or reply is None:
            continue
        out.append(Delivery(recipient=address, action="failed",
                            diagnostic=clean_diagnostic(reply.group(1)),
                            smtp_command=command_in(command.group(1)), diagnostic_type="SMTP"))
    if not out:
        for found in _UNABLE.finditer(body):
            out.append(Delivery(recipient=address_in(found.group(1)), action="failed",
                                diagnostic=clean_diagnostic(found.group(0))))
    return relayed_by_gateway(out, relayed=False)
