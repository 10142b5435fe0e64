"""Read the facts out of what people paste: codes, command, host, addresses.

Handles bare codes ("550", "5.7.26", "Error 421"), reply lines, multi-line
replies ("550-5.7.1 ..."), replies quoted by mail clients (Outlook,
Thunderbird, Apple Mail) and MTA log texts (Postfix, Exim, Sendmail).

Every pattern here is simple enough to run in linear time: no nested
quantifiers, no alternations that can overlap under a quantifier.
"""

from __future__ import annotations

import re

from smtp_explain.model import Facts

# An enhanced status code: class.subject.detail, not part of a longer
# dotted number (an IP address, a version).
_STATUS = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d]|\.\d)")
# A reply code directly followed by its enhanced status code: the strongest sign.
_CODE_WITH_STATUS = re.compile(r"(?<![\d.])([1-5]\d\d)[ -]+[245]\.\d{1,3}\.\d{1,3}(?![\d]|\.\d)")
# A reply code at the start of a line (after quotes or a client's prefix).
_CODE_AT_LINE = re.compile(r"(?m)^[ \t>'\"\[(]*([1-5]\d\d)(?:[ -]|$)")
# A reply code after words that introduce one.
_CODE_AFTER_WORD = re.compile(
    r"(?i)(?:error|code|said|response|responded|reply|replied|status|hata|returned)"
    r"(?: (?:number|code|is|was|kodu|no\.?))?[:=#]? ?['\"(\[]?([1-5]\d\d)(?![\d.])"
)
# A lone code is the whole input ("550", "Error 421" handled above).
_CODE_ALONE = re.compile(r"\s*([1-5]\d\d)\s*")
_STATUS_ALONE = re.compile(r"\s*([245]\.\d{1,3}\.\d{1,3})\s*")

_COMMAND = re.compile(
    r"(?i)(?:in reply to|after|during|response to)\s+(?:the\s+)?"
    r"(rcpt to|mail from|end of data|data|helo|ehlo|lhlo|starttls|auth|bdat|quit|rset|"
    r"connect|initial connection|greeting|banner)\b"
)
_COMMAND_NAMES = {
    "rcpt to": "RCPT",
    "mail from": "MAIL",
    "end of data": "DATA",
    "data": "DATA",
    "helo": "HELO",
    "ehlo": "EHLO",
    "lhlo": "LHLO",
    "starttls": "STARTTLS",
    "auth": "AUTH",
    "bdat": "BDAT",
    "quit": "QUIT",
    "rset": "RSET",
    "connect": "CONN",
    "initial connection": "CONN",
    "greeting": "CONN",
    "banner": "CONN",
}
# "host mx.example.com[192.0.2.1] said:" (Postfix), "host mx.example.com [192.0.2.1]:" (Exim)
_HOST_BRACKET = re.compile(r"(?i)\bhost\s+([a-z0-9][a-z0-9.-]{0,253})\s?\[([0-9a-f.:]{3,45})\]")
# "Remote server: mx.example.com", "remote host mx.example.com"
_HOST_NAMED = re.compile(
    r"(?i)\b(?:remote[- ]mta|remote (?:server|host)|reporting[- ]mta|server)[:;]?\s+"
    r"(?:dns;\s*)?([a-z0-9][a-z0-9-]{0,62}(?:\.[a-z0-9-]{1,63}){1,8})"
)
_ADDRESS = re.compile(r"(?<![\w.+=-])[\w.+=-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")

MAX_SCAN = 1 << 20


def _first_group(pattern: re.Pattern[str], text: str) -> str | None:
    found = pattern.search(text)
    return found.group(1) if found else None


def find_reply_code(text: str) -> str | None:
    """The basic reply code the text reports, if any."""
    alone = _CODE_ALONE.fullmatch(text)
    if alone:
        return alone.group(1)
    for pattern in (_CODE_WITH_STATUS, _CODE_AT_LINE, _CODE_AFTER_WORD):
        code = _first_group(pattern, text)
        if code and code[0] in "2345":
            return code
    return None


def find_status(text: str, reply_code: str | None = None) -> str | None:
    """The enhanced status code, preferring one whose class agrees with the reply code."""
    alone = _STATUS_ALONE.fullmatch(text)
    if alone:
        return alone.group(1)
    first: str | None = None
    for found in _STATUS.finditer(text):
        status = f"{found.group(1)}.{int(found.group(2))}.{int(found.group(3))}"
        if reply_code is None or status[0] == reply_code[0]:
            return status
        first = first or status
    return first


def find_command(text: str) -> str | None:
    name = _first_group(_COMMAND, text)
    return _COMMAND_NAMES.get(name.lower()) if name else None


def find_remote_host(text: str) -> str | None:
    found = _HOST_BRACKET.search(text)
    if found:
        return f"{found.group(1).rstrip('.').lower()} [{found.group(2)}]"
    named = _first_group(_HOST_NAMED, text)
    return named.rstrip(".").lower() if named else None


def find_addresses(text: str, limit: int = 10) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for found in _ADDRESS.finditer(text):
        seen.setdefault(found.group(0).strip(".").lower(), None)
        if len(seen) >= limit:
            break
    return tuple(seen)


def extract(text: str) -> Facts:
    """All facts of one pasted text; only the first MiB is looked at."""
    text = text[:MAX_SCAN]
    code = find_reply_code(text)
    return Facts(
        reply_code=code,
        status=find_status(text, code),
        smtp_command=find_command(text),
        remote_host=find_remote_host(text),
        addresses=find_addresses(text),
    )


_STATUS_AT = re.compile(r"([245])\.(\d{1,3})\.(\d{1,3})(?![\d]|\.\d)")


def quick_codes(text: str) -> tuple[str | None, str | None]:
    """(reply code, status) with a fast path for the usual "550 5.1.1 ..." shape."""
    if text[3:4] in (" ", "-") and text[:3].isdigit() and text[0] in "2345":
        found = _STATUS_AT.match(text, 4)
        if found:
            return text[:3], f"{found.group(1)}.{int(found.group(2))}.{int(found.group(3))}"
        head = text[:200]
        return text[:3], find_status(head, text[:3]) if "." in head else None
    code = find_reply_code(text)
    return code, find_status(text, code)
