"""AOL's own "Mail Delivery Problem" notices (the AOL mail system of the 1990s-2000s).

Sent by MAILER-DAEMON@aol.com for mail AOL's own system refused, with no
delivery-status part and no transcript; the recipients follow an introducing
sentence, one per indented line, often as bare AOL screen names::

    Subject: Mail Delivery Problem

    Your mail to the following recipients could not be delivered because they
    are not accepting mail from alice@example.org:
        Bob Smith123
        carolsn@aol.com   (Mailbox is full)

A screen name is the local part of the member's address (AOL help: "the screen
name is the part of the e-mail address that appears before the @ symbol",
case and spaces do not matter), so a bare name is reported at the domain of
the daemon that sent the notice. The introducing sentence (the cause, when it
gives one) and the words after a name make the diagnostic; the reason is left
to the classifier.
"""

from __future__ import annotations

import re

from smtp_explain.decoding.formats import SIGNATURE_BODY
from smtp_explain.decoding.mail import Delivery, Mail, address_in
from smtp_explain.decoding.text import clean_diagnostic

NAME = "aol"
ORDER = 640
HINTS = ("your mail to the following recipients could not be delivered",)

_INTRO = re.compile(r"(?im)^[ \t]*(your mail to the following recipients could not be delivered"
                    r"[^\n]{0,400}(?:\n[^\n]{1,400}){0,3}?):[ \t]*$")
# One listed recipient: the name, then what went wrong with it, after two spaces,
# a tab, a colon or an opening parenthesis.
_LISTED = re.compile(r"^[ \t]+([^\s:(][^\t:(]{0,80}?)(?:(?:[ \t]{2,}|\t|[ \t]*:[ \t]*|[ \t]*(?=\())"
                     r"(.{0,400}))?[ \t]*$")
_SCREEN_NAME = re.compile(r"[a-z][a-z0-9]{2,15}")
MAX_LISTED = 100


def match(mail: Mail) -> bool:
    return "daemon" in mail.sender and _INTRO.search(mail.body[:SIGNATURE_BODY]) is not None


def _screen_name_address(name: str, domain: str) -> str:
    """An AOL screen name ("Bob Smith123") as an address at ``domain``, or ""."""
    found = address_in(name)
    if found or "@" in name or not domain:
        return found
    folded = "".join(name.split()).lower()
    return f"{folded}@{domain}" if _SCREEN_NAME.fullmatch(folded) else ""


def decode(mail: Mail) -> list[Delivery]:
    body = mail.body
    intro = _INTRO.search(body)
    if intro is None:
        return []
    sentence = clean_diagnostic(intro.group(1))
    domain = address_in(mail.sender).partition("@")[2]
    out: list[Delivery] = []
    for line in body[intro.end():].split("\n")[1:MAX_LISTED + 1]:
        if not line.strip():
            if out:
                break
            continue
        listed = _LISTED.match(line)
        if listed is None:
            break
        recipient = _screen_name_address(listed.group(1).strip(), domain)
        if not recipient:
            continue
        detail = clean_diagnostic((listed.group(2) or "").strip().strip("()"))
        diagnostic = f"{sentence}: {detail}" if detail else sentence
        out.append(Delivery(recipient=recipient, action="failed", diagnostic=diagnostic))
    return out
