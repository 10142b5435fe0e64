"""Apache James: the bounce mailet's "Error message below:" notice.

James quotes the remote error and the envelope of the returned message::

    Error: Invalid user address

    Error message below:
    550 - Requested action not taken: no such user here

    Message details:
      Subject: Test message
      MAIL FROM: sender@example.com
      RCPT TO: rcpt@example.org

The notice often sits in a broken multipart, so the raw body is read.
"""

from __future__ import annotations

import re

from smtp_explain.decoding.mail import Delivery, Mail, address_in
from smtp_explain.decoding.text import clean_diagnostic
from smtp_explain.extract import find_status, first_error_code

NAME = "apachejames"
ORDER = 700

_BELOW = "error message below:"
_DETAILS = "message details:"
_ERROR = re.compile(r"(?im)^error:[ \t]*(.{1,300})$")
_RCPT = re.compile(r"(?im)^[ \t]*rcpt to:[ \t]*(.{1,2000})$")


def match(mail: Mail) -> bool:
    head = mail.raw[:30000]  # James's template wording, searched as is
    return b"Error message below:" in head and b"Message details:" in head


def decode(mail: Mail) -> list[Delivery]:
    text = mail.raw_tail
    lower = text.lower()
    start = lower.find(_BELOW)
    end = lower.find(_DETAILS, start)
    if start < 0 or end < 0:
        return []
    message = clean_diagnostic(text[start + len(_BELOW) : end])
    summary = _ERROR.search(text, 0, start)
    diagnostic = clean_diagnostic(f"{summary.group(1)}: {message}" if summary else message)
    recipients = _RCPT.search(text, end)
    out = []
    for part in (recipients.group(1) if recipients else "").split(","):
        rcpt = address_in(part)
        if rcpt:
            out.append(Delivery(recipient=rcpt, action="failed", diagnostic=diagnostic,
                                reply_code=first_error_code(message), status=find_status(message)))
    return out
