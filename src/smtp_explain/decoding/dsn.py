"""Fields of RFC 3464 delivery status notifications (and look-alikes in text).

Only the fields are parsed here; codes are read by the shared finders of
``smtp_explain.extract`` (``find_status``, ``first_error_code``)."""

from __future__ import annotations

import re

from smtp_explain.decoding.mail import Delivery, recipient_in
from smtp_explain.extract import find_status, first_error_code

_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_FOLD = re.compile(r"\n[ \t]+")
_FIELD = re.compile(r"[ \t]*([!-9;-~]{1,76})[ \t]*:[ \t]*([^\n]*)")
_RECIPIENT_FIELDS = ("final-recipient", "original-recipient")
# RFC 3464 diagnostic-type / address-type: an atom such as smtp, X-Postfix, rfc822.
_TYPE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,47}")


def parse_fields(text: str) -> list[dict[str, str]]:
    """Blocks of 'Name: value' fields (folded lines joined), split at empty lines.

    Real reports bend RFC 3464 in three ways read here: a new recipient field
    inside a block that already has a recipient starts a new block (some MTAs
    forget the empty line between recipients); per-recipient fields may come
    before Final-Recipient; and a multi-line reply in Diagnostic-Code may go on
    in lines that are not indented.
    """
    blocks: list[dict[str, str]] = []
    for chunk in _BLANK_LINE.split("\n" + text + "\n"):
        if "\n " in chunk or "\n\t" in chunk:
            chunk = _FOLD.sub(" ", chunk)
        current: dict[str, str] = {}
        last = ""
        since_recipient: set[str] = set()  # fields seen after the block's last recipient field
        for line in chunk.split("\n"):
            field = _FIELD.match(line)
            if field is None:
                if last == "diagnostic-code" and line.strip():
                    current[last] += " " + line.strip()
                continue
            name, value = field.group(1).lower(), field.group(2).strip()
            if name in _RECIPIENT_FIELDS:
                if name in current or (
                    ("final-recipient" in current or "original-recipient" in current)
                    and ("action" in since_recipient or "status" in since_recipient)
                ):
                    blocks.append(current)
                    current = {}
                since_recipient = set()
            else:
                since_recipient.add(name)
            current[name] = value
            last = name
        if current:
            blocks.append(current)
    return blocks


def typed_value(value: str) -> tuple[str, str]:
    """'smtp; 550 ...' -> ('SMTP', '550 ...'); a value with no type -> ('', value)."""
    head, sep, rest = value.partition(";")
    head = head.strip()
    if sep and _TYPE_NAME.fullmatch(head):
        return head.upper(), rest.strip()
    return "", value.strip()


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
        recipient = recipient_in(typed_value(block.get("final-recipient", ""))[1]) or recipient_in(
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
                reply_code=first_error_code(diagnostic),
                timestamp=block.get("last-attempt-date", "") or per_message.get("arrival-date", ""),
            )
        )
    return per_message, out
