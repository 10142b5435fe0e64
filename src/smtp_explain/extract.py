"""Read the facts out of what people paste: codes, command, host, addresses.

Handles bare codes ("550", "5.7.26", "Error 421"), reply lines, multi-line
replies ("550-5.7.1 ..."), replies quoted by mail clients (Outlook,
Thunderbird, Apple Mail) and MTA log texts (Postfix, Exim, Sendmail).

Every pattern here is simple enough to run in linear time: no nested
quantifiers, no alternations that can overlap under a quantifier.
"""

from __future__ import annotations

import re
from functools import lru_cache

from smtp_explain.model import Facts

# An enhanced status code: class.subject.detail, not part of a longer
# dotted number (an IP address, a version).
# (No leading look-behind: it would defeat the regex engine's fast scan for the
# first character; the character before a match is checked in Python.)
_STATUS = re.compile(r"([245])\.(\d{1,3})\.(\d{1,3})(?![\d]|\.\d)")
# Candidate reply codes: three digits standing alone (not part of an IP
# address, a version or a longer number). Each candidate is then judged by
# its context; one pass over the text, whatever its shape.
_CODE_TOKEN = re.compile(r"[2-5]\d\d(?![\d.])")
# The candidate is directly followed by an enhanced status code: the strongest sign.
_STATUS_AFTER = re.compile(r"[ -]+[245]\.\d{1,3}\.\d{1,3}(?![\d]|\.\d)")
# Words that introduce a code ("Error 421", "said: 550", "Hata kodu 550").
_INTRODUCED = re.compile(
    r"(?i)(?:(?:error|code|said|response|responded|reply|replied|status|returned|"
    r"hata(?:sı)?|sorunu|yanıtı?|kodu)"
    r"(?: (?:number|code|is|was|kodu|no\.?))?[:=#]? ?['\"(\[]?|\w: )\Z"
)  # Turkish: "Hata 421", "SMTP sorunu (535)", "sunucu yanıtı: 550"; any "...me: 554"
_NUMBER_CHARS = "0123456789."
MAX_CANDIDATES = 64  # real replies name their code early; this bounds the work
_LINE_LEAD = " \t>'\"[("
# A lone code is the whole input ("550", "Error 421" handled above).
_CODE_ALONE = re.compile(r"\s*([1-5]\d\d)\s*")
_STATUS_ALONE = re.compile(r"\s*([245]\.\d{1,3}\.\d{1,3})\s*")

# The patterns below run on lower-cased text (no (?i): case-insensitive
# alternations defeat the regex engine's fast scan), after a cheap substring
# test shows they can match at all.
_COMMAND = re.compile(
    r"(?:in reply to|after|during|response to|>>>)\s+(?:the\s+)?"
    r"(rcpt to|mail from|end of data|data|helo|ehlo|lhlo|starttls|auth|bdat|quit|rset|"
    r"connect|initial connection|greeting|banner)\b"
)  # ">>> DATA <<<": Sendmail quotes the command it sent that way
# How MTAs name the SMTP command a reply answered ("RCPT TO", "rcpt_to",
# "end of DATA", "pipelined MAIL FROM", "initial connection", "[TEXT]"...).
_COMMAND_WORDS = {
    "rcpt": "RCPT", "mail": "MAIL", "data": "DATA", "body": "DATA", "text": "DATA",
    "bdat": "BDAT", "helo": "HELO", "ehlo": "EHLO", "lhlo": "LHLO", "starttls": "STARTTLS",
    "auth": "AUTH", "quit": "QUIT", "rset": "RSET", "conn": "CONN", "connect": "CONN",
    "connection": "CONN", "greeting": "CONN", "banner": "CONN",
}
_COMMAND_FILLERS = ("pipelined", "final", "end", "of", "initial", "sending", "the")
# "host mx.example.com[192.0.2.1] said:" (Postfix), "host mx.example.com [192.0.2.1]:" (Exim)
_HOST_BRACKET = re.compile(r"\bhost\s+([a-z0-9][a-z0-9.-]{0,253})\s?\[([0-9a-f.:]{3,45})\]")
# "Remote server: mx.example.com", "remote host mx.example.com"
_HOST_NAMED = re.compile(
    r"\b(?:remote[- ]mta|remote (?:server|host)|reporting[- ]mta|server)[:;]?\s+"
    r"(?:dns;\s*)?([a-z0-9][a-z0-9-]{0,62}(?:\.[a-z0-9-]{1,63}){1,8})"
)
_ADDRESS = re.compile(r"(?<![\w.+=-])[\w.+=-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")

# Facts are read from the head of a text: a reply, a client's dialog or a bounce
# states its codes, command, host and addresses early. The whole text (up to the
# caller's cap) is still classified.
MAX_SCAN = 256 << 10


def _first_group(pattern: re.Pattern[str], text: str) -> str | None:
    found = pattern.search(text)
    return found.group(1) if found else None


def find_reply_code(text: str) -> str | None:
    """The basic reply code the text reports, if any.

    In order of strength: a code followed by an enhanced status code, a code
    opening a line, a code introduced by a word such as "error" or "said".
    """
    alone = _CODE_ALONE.fullmatch(text)
    if alone:
        return alone.group(1)
    best: str | None = None
    best_rank = 0
    for number, found in enumerate(_CODE_TOKEN.finditer(text)):
        if number >= MAX_CANDIDATES:
            break
        start, end = found.span()
        if start and text[start - 1] in _NUMBER_CHARS:
            continue
        if _STATUS_AFTER.match(text, end):
            return found.group()
        if best_rank >= 2:
            continue
        after = text[end:end + 1]
        window = max(0, start - 80)  # bounded look-back keeps the scan linear
        line_start = text.rfind("\n", window, start) + 1 or (0 if window == 0 else -1)
        if (line_start >= 0 and after in ("", " ", "-", "\n")
                and not text[line_start:start].strip(_LINE_LEAD)):
            best, best_rank = found.group(), 2
            continue
        if best_rank == 0 and _INTRODUCED.search(text, max(0, start - 24), start):
            best, best_rank = found.group(), 1
    return best


def find_status(text: str, reply_code: str | None = None) -> str | None:
    """The enhanced status code, preferring one whose class agrees with the reply code."""
    alone = _STATUS_ALONE.fullmatch(text)
    if alone:
        return alone.group(1)
    first: str | None = None
    for found in _STATUS.finditer(text):
        if found.start() and text[found.start() - 1] in _NUMBER_CHARS:
            continue
        status = f"{found.group(1)}.{int(found.group(2))}.{int(found.group(3))}"
        if reply_code is None or status[0] == reply_code[0]:
            return status
        first = first or status
    return first


def command_name(words: str) -> str:
    """The command a few words name: 'RCPT TO' -> 'RCPT', 'end of data' -> 'DATA'; else ""."""
    for word in words.lower().replace("_", " ").split():
        if word not in _COMMAND_FILLERS:
            return _COMMAND_WORDS.get(word.rstrip(":"), "")
    return ""


@lru_cache(maxsize=64)  # asked again for the same text while one mail is decoded
def find_command(text: str) -> str | None:
    lower = text.lower()
    if "after" not in lower and "reply to" not in lower and "during" not in lower and (
        "response to" not in lower and ">>>" not in lower
    ):
        return None
    name = _first_group(_COMMAND, lower)
    return command_name(name) or None if name else None


def find_remote_host(text: str) -> str | None:
    lower = text.lower()
    if "host" in lower:
        found = _HOST_BRACKET.search(lower)
        if found:
            return f"{found.group(1).rstrip('.')} [{found.group(2)}]"
    if "server" not in lower and "mta" not in lower and "remote host" not in lower:
        return None
    named = _first_group(_HOST_NAMED, lower)
    return named.rstrip(".") if named else None


def find_addresses(text: str, limit: int = 10) -> tuple[str, ...]:
    if "@" not in text:
        return ()
    seen: dict[str, None] = {}
    for number, found in enumerate(_ADDRESS.finditer(text)):
        seen.setdefault(found.group(0).strip(".").lower(), None)
        if len(seen) >= limit or number >= MAX_CANDIDATES:
            break
    return tuple(seen)


def extract(text: str) -> Facts:
    """All facts of one pasted text; only its first MAX_SCAN characters are looked at."""
    text = text[:MAX_SCAN]
    code = find_reply_code(text)
    return Facts(
        reply_code=code,
        status=find_status(text, code) if "." in text else None,
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
