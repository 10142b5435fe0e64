"""Reading the human-readable part of a bounce: recipients and their errors.

Shared by the format modules: where the quoted original starts, which
addresses a paragraph names, and the error text that goes with each one.
"""

from __future__ import annotations

import re
from functools import cache

from smtp_explain import catalog
from smtp_explain.decoding import signs
from smtp_explain.decoding.mail import (
    Delivery,
    Mail,
    address_in,
    unescape_addresses,
)
from smtp_explain.extract import ADDRESS, REPLY_HEAD, clean_address, command_name
from smtp_explain.matcher import Searcher

# Lines after which a bounce quotes the original message (searched over whole
# bodies: linear time, RE2).
ORIGINAL_MARKERS = Searcher(
    r"(?im)^[ \t]*(?:-{2,}|={2,}|_{2,})?[ \t]*(?:"
    r"this is a copy of|below this line is a copy|original message|"
    r"the header of the original message|headers? of (?:the |your )?(?:original |returned )?message|"
    r"returned message|undelivered message|message headers? follow|"
    r"a copy of the original message|copy of (?:the |your )?message|"
    r"unsent message below|the original message was received|content-type: message/rfc822|"
    r"元のメッセージ|原文|以下、元のメッセージ"
    r")"
)
_HEADERISH = re.compile(r"(?m)^(?:return-path|received|message-id|x-original-to):[ \t]", re.I)
_HEADER_NAME = re.compile(r"[ \t>]*([A-Za-z][A-Za-z0-9-]{0,40})[ \t]*:")
_NOT_RECIPIENT = re.compile(r"(?i)^(?:mailer-daemon|postmaster|mail-daemon|root|double-bounce)@")
MAX_DIAGNOSTIC = 2000


def before_original(text: str) -> str:
    """The bounce's own words: everything before the quoted original message."""
    cut = len(text)
    marker = ORIGINAL_MARKERS.first(text)
    if marker >= 0:
        cut = marker
    headers = _HEADERISH.search(text, 0, cut)
    if headers and headers.start() > 0:
        cut = headers.start()
    return text[:cut]


def own_addresses(mail: Mail) -> set[str]:
    """Addresses that are not recipients: the bounce's own From and To."""
    found = {address_in(mail.sender), address_in(mail.header("to"))}
    found.discard("")
    return found


def recipients_in(text: str, exclude: set[str]) -> list[str]:
    """Addresses a bounce's own words name as recipients, in order, each once.

    Not counted: the bounce's own addresses (``exclude``), daemon addresses, and
    addresses that are not about delivery at all: on a quoted header line of the
    original ("From: ...", "Reply-To: ...") or in help text that says where to ask
    ("please contact helpdesk@...", "mailto:"); see ``not_a_recipient``. Prose names
    recipients by full address: a domain of one label ("root@localhost") is not one.
    """
    text = unescape_addresses(text)
    out: list[str] = []
    for found in ADDRESS.finditer(text):
        address = clean_address(found.group(0))
        if (not address or "." not in address.partition("@")[2] or address in exclude or _NOT_RECIPIENT.match(address)
                or address in out or not_a_recipient(text, found.start())):
            continue
        out.append(address)
    return out


MAX_LEAD = 200  # characters before an address looked at for a header name or help words


def not_a_recipient(text: str, start: int) -> bool:
    """Whether the address at ``start`` is on a quoted header line of the original
    (other than To/Cc, which name recipients) or follows help words on its line."""
    line_start = text.rfind("\n", max(0, start - MAX_LEAD), start) + 1
    if not line_start and start > MAX_LEAD:
        line_start = start - MAX_LEAD
    lead = text[line_start:start]
    header = _HEADER_NAME.match(lead)
    if header and header.group(1).lower() in signs.not_recipient_headers():
        return True
    if not lead.strip() and line_start:
        # At the start of a line: a help sentence wrapped onto it ("...please contact
        # \nhelpdesk@..."), unless the line before introduces a list ("failed:").
        previous = text[max(0, line_start - 1 - MAX_LEAD):line_start - 1].rpartition("\n")[2]
        if previous.strip() and not previous.rstrip().endswith(":"):
            lead = previous + " " + lead
    return bool(signs.help_words().search(lead))


def clean_diagnostic(text: str) -> str:
    return " ".join(text.split())[:MAX_DIAGNOSTIC]


def text_after(text: str, address: str, others: list[str]) -> str:
    """The error text that goes with one address: from its line to the next address."""
    lower = text.lower()
    start = lower.find(address)
    if start < 0:
        return ""
    line_start = lower.rfind("\n", 0, start) + 1
    end = len(text)
    for other in others:
        if other == address:
            continue
        pos = lower.find(other, start + len(address))
        if 0 <= pos < end:
            end = lower.rfind("\n", 0, pos) + 1 or pos
    end = min(end, line_start + 4000)
    return text[line_start:end]


def fill_from_body(mail: Mail, found: list[Delivery]) -> None:
    """Give deliveries without a diagnostic the body text that mentions them."""
    missing = [d for d in found if not d.diagnostic]
    if not missing:
        return
    body = before_original(mail.body)
    names = [d.recipient for d in found]
    for delivery in missing:
        delivery.diagnostic = clean_diagnostic(text_after(body, delivery.recipient, names))




def strip_continuations(text: str) -> str:
    """'550-5.7.1 Messages with 550-5.7.1 multiple' -> '550-5.7.1 Messages with multiple'.

    Multi-line replies folded into one line repeat the reply code (and the
    enhanced code) inside the sentence, which hides phrases from the rules.
    A bare repeated code counts only in a reply that is multi-line ("550-").
    """
    text = clean_diagnostic(text)
    head = REPLY_HEAD.match(text)
    if not head:
        return text
    code, status = head.group(1), head.group(3)
    rest = " " + text[head.end() :]
    if status:
        repeats = (f" {code}-{status} ", f" {code} {status} ")
    elif head.group(2) == "-" or f" {code}-" in rest:
        repeats = (f" {code}-", f" {code} ")
    else:
        return text
    for repeat in repeats:
        rest = rest.replace(repeat, " ")
    return text[: head.end()] + rest.lstrip()


def local_program_failed(delivery: Delivery) -> bool:
    """The DSN names a local program (X-Unix) as what failed, not an SMTP server."""
    return delivery.diagnostic_type.upper() == "X-UNIX"


@cache
def _local_program() -> tuple[str, re.Pattern[str]]:
    """The reason of a failed local program and its exception words, compiled once
    (knowledge/format_codes.toml [local_program])."""
    table = catalog.format_table("local_program")
    words = "|".join(re.escape(word) for word in table["unless_words"])
    return str(table["reason"]), re.compile(f"(?i){words}")


def local_program_reason(delivery: Delivery) -> str:
    """A failed local delivery program is a mailer error, unless it reports a full mailbox."""
    if not local_program_failed(delivery):
        return ""
    reason, unless = _local_program()
    return "" if unless.search(delivery.diagnostic) else reason


def leaf_text(mail: Mail) -> str:
    """The text of every text/* leaf part before an attached message.

    Unlike ``Mail.body`` this also reads parts whose Content-Type lost its
    ";" ("text/plain charset=...") and multipart mails with no boundary lines.
    """
    texts: list[str] = []
    for part in mail.parts:
        if part.message is not None or part.content_type.startswith("message/"):
            break
        if part.children or not part.content_type.startswith("text/"):
            continue
        texts.append(part.text())
    if not texts and not mail.root.children:
        texts.append(mail.root.text())
    return "\n".join(texts)


def command_in(text: str) -> str:
    """The SMTP command named by the start of a text ("RCPT TO:<x>" -> "RCPT"), or ""."""
    return command_name(text.strip().split(" ", 1)[0])
