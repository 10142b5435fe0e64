"""Fields of RFC 3464 delivery status notifications (and look-alikes in text)."""

from __future__ import annotations

import re
from functools import lru_cache

from smtp_explain.decoding.mail import Delivery, address_in

# No leading look-behinds (they defeat the fast first-character scan): the
# character before a match is checked in Python instead.
_STATUS = re.compile(r"([245])\.(\d{1,3})\.(\d{1,3})(?!\d|\.\d)")
_REPLY = re.compile(r"([245]\d\d)(?:[ -]|$)")


_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_FOLD = re.compile(r"\n[ \t]+")
_FIELD = re.compile(r"^[ \t]*([!-9;-~]{1,76})[ \t]*:[ \t]*([^\n]*)", re.M)


def parse_fields(text: str) -> list[dict[str, str]]:
    """Blocks of 'Name: value' fields (folded lines joined), split at empty lines.

    A new recipient field inside a block that already has one starts a new
    block, since some MTAs forget the empty line between recipients.
    """
    blocks: list[dict[str, str]] = []
    for chunk in _BLANK_LINE.split("\n" + text + "\n"):
        if "\n " in chunk or "\n\t" in chunk:
            chunk = _FOLD.sub(" ", chunk)
        current: dict[str, str] = {}
        for name, value in _FIELD.findall(chunk):
            name = name.lower()
            if name in ("final-recipient", "original-recipient") and (
                name in current or "action" in current or "status" in current
            ):
                blocks.append(current)
                current = {}
            current[name] = value.strip()
        if current:
            blocks.append(current)
    return blocks


def typed_value(value: str) -> tuple[str, str]:
    """'smtp; 550 ...' -> ('SMTP', '550 ...'); a value with no type -> ('', value)."""
    head, sep, rest = value.partition(";")
    if sep and head.strip() and " " not in head.strip() and len(head.strip()) < 20:
        return head.strip().upper(), rest.strip()
    return "", value.strip()


# Memoized, small on purpose: while one mail is decoded the same text is asked
# about several times (by a module, then by the classifier); a few dozen entries
# cover one mail and never hold more than the last few mails.
@lru_cache(maxsize=64)
def find_status(text: str) -> str:
    for found in _STATUS.finditer(text):
        if found.start() and text[found.start() - 1] in "0123456789.":
            continue
        return f"{found.group(1)}.{int(found.group(2))}.{int(found.group(3))}"
    return ""


@lru_cache(maxsize=64)
def find_reply_code(text: str) -> str:
    for found in _REPLY.finditer(text):
        if found.start() and text[found.start() - 1] in "0123456789.-":
            continue
        return found.group(1)
    return ""


def deliveries(text: str) -> tuple[dict[str, str], list[Delivery]]:
    """Per-message fields and one Delivery per recipient block of a DSN."""
    blocks = parse_fields(text)
    per_message: dict[str, str] = {}
    out: list[Delivery] = []
    for block in blocks:
        if "final-recipient" not in block and "original-recipient" not in block:
            if not out:
                per_message.update(block)
            continue
        recipient = address_in(typed_value(block.get("final-recipient", ""))[1]) or address_in(
            typed_value(block.get("original-recipient", ""))[1]
        )
        diag_type, diagnostic = typed_value(block.get("diagnostic-code", ""))
        remote = typed_value(block.get("remote-mta", ""))[1]
        reporting = typed_value(per_message.get("reporting-mta", ""))[1]
        out.append(
            Delivery(
                recipient=recipient,
                action=block.get("action", "").strip().lower().split(" ")[0],
                status=find_status(block.get("status", "")),
                diagnostic=diagnostic,
                diagnostic_type=diag_type,
                remote_host=remote.strip().rstrip("."),
                reporting_mta=reporting,
                reply_code=find_reply_code(diagnostic),
                timestamp=block.get("last-attempt-date", "") or per_message.get("arrival-date", ""),
            )
        )
    return per_message, out
