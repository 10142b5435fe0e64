"""The one fact extractor: codes, command, host and addresses, for every path.

Pasted text (``extract``: bare codes "550", "5.7.26", "Error 421", reply lines,
multi-line replies "550-5.7.1 ...", replies quoted by mail clients and MTA log
texts) and bounces (DSN fields, the format modules, the verdict) read facts
with the finders here and nowhere else. Each shape is spelled once
(``STATUS_SHAPE``, ``REPLY_SHAPE``, ``ADDRESS_SHAPE``); format modules embed
these in their own line-layout patterns. A reply code is read by one of two
policies: ``ranked_reply_code`` for text of unknown shape, ``first_error_code``
for a field known to hold a server's reply.

Every pattern here is simple enough to run in linear time: no nested
quantifiers, no alternations that can overlap under a quantifier.
"""

from __future__ import annotations

import re
from functools import lru_cache

from smtp_explain.model import Facts

# The one spelling of each fact's shape. Every finder below, and the format
# modules' line-layout patterns that embed a code or an address, build on these.
# An enhanced status code (RFC 3463): class.subject.detail.
STATUS_SHAPE = r"[245]\.\d{1,3}\.\d{1,3}"
# A basic reply code (RFC 5321): three digits, 2xx to 5xx (3xx: intermediate replies).
REPLY_SHAPE = r"[2-5]\d\d"
# An address: RFC 5322 atext (and dots) in the local part, then a domain (one label
# allowed: "root@localhost"; a finder that scans prose may ask for a dot).
_ATEXT = r"\w.!#$%&'*+/=?^`{|}~-"
ADDRESS_SHAPE = rf"[{_ATEXT}]{{1,64}}@[\w-]{{1,63}}(?:\.[\w-]{{1,63}}){{0,8}}"

# A status code standing alone: not part of a longer dotted number (an IP address,
# a version). (No leading look-behind: it would defeat the regex engine's fast scan
# for the first character; the character before a match is checked in Python.)
STATUS = re.compile(rf"{STATUS_SHAPE}(?!\d|\.\d)")
# A candidate reply code: three digits not followed by a digit or a dot (not an IP
# address, a version or a longer number; the character before is checked in Python).
# Each candidate is then judged by its context, by one of two policies below.
REPLY_TOKEN = re.compile(rf"{REPLY_SHAPE}(?![\d.])")
ADDRESS = re.compile(rf"(?<![{_ATEXT}]){ADDRESS_SHAPE}")
# The head of a reply line: "550 ", "550-5.7.1 " (groups: code, separator, status).
REPLY_HEAD = re.compile(rf"({REPLY_SHAPE})([ -])(?:({STATUS_SHAPE}) )?")

# A reply code in a diagnostic field: followed by a space, a hyphen or the end.
_REPLY_IN_DIAGNOSTIC = re.compile(rf"({REPLY_SHAPE})(?:[ -]|$)")
# The candidate is directly followed by an enhanced status code: the strongest sign.
_STATUS_AFTER = re.compile(rf"[ -]+{STATUS_SHAPE}(?!\d|\.\d)")
# Words that introduce a code ("Error 421", "said: 550", "Hata kodu 550").
_INTRODUCED = re.compile(
    r"(?i)(?:(?:error|code|said|response|responded|reply|replied|status|returned|"
    r"hata(?:sı)?|sorunu|yanıtı?|kodu)"
    r"(?: (?:number|code|is|was|kodu|no\.?))?[:=#]? ?['\"(\[]?|\w: )\Z"
)  # Turkish: "Hata 421", "SMTP sorunu (535)", "sunucu yanıtı: 550"; any "...me: 554"
_NUMBER_CHARS = "0123456789."
MAX_CANDIDATES = 64  # real replies name their code early; this bounds the work
_LINE_LEAD = " \t>'\"[("

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

# Facts are read from the head of a text: a reply, a client's dialog or a bounce
# states its codes, command, host and addresses early. The whole text (up to the
# caller's cap) is still classified.
MAX_SCAN = 256 << 10


def _first_group(pattern: re.Pattern[str], text: str) -> str | None:
    found = pattern.search(text)
    return found.group(1) if found else None


def _normal_status(found: str) -> str:
    """'5.01.1' -> '5.1.1' (only a number with a leading zero, or non-ASCII digits, can
    be written two ways)."""
    if "0" not in found and found.isascii():
        return found
    klass, subject, detail = found.split(".")
    return f"{klass}.{int(subject)}.{int(detail)}"


def ranked_reply_code(text: str) -> str | None:
    """The basic reply code a pasted text reports (a reply, a mail program's dialog,
    a log line), if any: the policy for text whose shape is unknown.

    The whole text a lone code ("550", also 1xx). Else, in order of strength: a code
    followed by an enhanced status code, a code opening a line, a code introduced by
    a word such as "error", "said" or "Hata"; the first of the strongest kind wins.
    """
    alone = text.strip()
    if len(alone) == 3 and alone.isdecimal() and alone[0] in "12345":
        return alone
    best: str | None = None
    best_rank = 0
    for number, found in enumerate(REPLY_TOKEN.finditer(text)):
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


# Memoized, small on purpose: while one mail is decoded the same text is asked
# about several times (by a module, then by the classifier); a few dozen entries
# cover one mail and never hold more than the last few mails.
@lru_cache(maxsize=64)
def first_error_code(text: str) -> str:
    """The reply code of a diagnostic field (a DSN's Diagnostic-Code, a bounce's quoted
    reply), or "": the policy for text known to be a server's reply.

    The first code followed by a space, a hyphen or the end, except that an error
    code (4xx, 5xx) wins over an earlier 2xx, which is then a greeting or an accepted
    command quoted before the error ("220-mx ESMTP 421 4.2.1 ..."). Intermediate 3xx
    replies are never the answer.
    """
    first = ""
    for found in _REPLY_IN_DIAGNOSTIC.finditer(text):
        start = found.start()
        if start and text[start - 1] in "0123456789.-":
            continue
        code = found.group(1)
        if code[0] == "2":
            first = first or code
        elif code[0] != "3":
            return code
    return first


@lru_cache(maxsize=64)
def find_status(text: str, reply_code: str = "") -> str:
    """The enhanced status code of a text, or "": the first one whose class agrees
    with ``reply_code`` (when given), else the first one."""
    first = ""
    for found in STATUS.finditer(text):
        if found.start() and text[found.start() - 1] in _NUMBER_CHARS:
            continue
        status = _normal_status(found.group())
        if not reply_code or status[0] == reply_code[0]:
            return status
        first = first or status
    return first


def normalize_code(code: str) -> tuple[str, str] | None:
    """('reply', '550') or ('status', '5.7.26') for a code someone typed to look up
    ("550", "5.7.26", "X.7.26", "x.1.1"), else None."""
    code = code.strip()
    if len(code) == 3 and code.isdecimal() and code[0] in "12345":
        return "reply", code
    klass = code[:1].upper()
    if klass == "X" and STATUS.fullmatch("5" + code[1:]):
        return "status", "X" + _normal_status("5" + code[1:])[1:]
    if STATUS.fullmatch(code):
        return "status", _normal_status(code)
    return None


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


# Quote characters a text may put around an address ('bob@example.com', `bob@...`); legal
# at the start of a local part, but no real address begins with one.
_LEADING_QUOTES = "'`"


def clean_address(found: str) -> str:
    """One matched address as reported: lower-case, no leading quote, no final dot, and
    no ``name='`` in front (a log field such as ``to='bob@x.org'``: "=" and "'" are
    legal in a local part, but a quote opened after "=" is the field's, not the
    address's)."""
    address = found.lower()
    for opening in ("='", '="', "=<"):
        at = address.find(opening)
        if at >= 0:
            address = address[at + 2:]
    address = address.lstrip(_LEADING_QUOTES).rstrip(".")
    return "" if address.startswith("@") else address


def find_addresses(text: str, limit: int = 10) -> tuple[str, ...]:
    """The distinct addresses a text names, cleaned, in order (at most ``limit``)."""
    if "@" not in text:
        return ()
    seen: dict[str, None] = {}
    for number, found in enumerate(ADDRESS.finditer(text)):
        address = clean_address(found.group(0)).lstrip(".")
        if address and not address.startswith("@"):
            seen.setdefault(address, None)
        if len(seen) >= limit or number >= MAX_CANDIDATES:
            break
    return tuple(seen)


# The first line of a multi-line reply ("550-5.7.1 ..."), near the start of a text.
_MULTILINE_HEAD = re.compile(rf"({REPLY_SHAPE})-(?:({STATUS_SHAPE}) )?")
MULTILINE_HEAD_WITHIN = 300


def join_continuations(folded: str) -> str:
    """A multi-line reply read as one sentence: '550-5.7.1 this message is 550-5.7.1
    likely spam' -> '550-5.7.1 this message is likely spam'.

    Every line of a multi-line reply repeats its codes (RFC 5321 section 4.2.1); folded
    into one line (by a relay, a bounce, or a paste) the repeats sit inside phrases.
    The first line's codes are kept; their repeats after it are dropped. ``folded``
    is white-space folded text (matcher.fold); the head is looked for near its start.
    """
    head = None
    dash = folded.find("-", 3, MULTILINE_HEAD_WITHIN)
    while dash > 0:  # a few dashes to test, cheaper than a regex search from every start
        if folded[dash - 3] in "2345" and folded[dash - 2:dash].isdigit():
            head = _MULTILINE_HEAD.match(folded, dash - 3)
            if head is not None and (dash == 3 or folded[dash - 4] not in _NUMBER_CHARS):
                break
            head = None
        dash = folded.find("-", dash + 1, MULTILINE_HEAD_WITHIN)
    if head is None:
        return folded
    code, status = head.group(1), head.group(2)
    rest = folded[head.end():]
    repeats = (f" {code}-{status} ", f" {code} {status} ") if status else (f" {code}-", f" {code} ")
    if repeats[0] not in rest and repeats[1] not in rest:
        return folded
    for repeat in repeats:
        rest = rest.replace(repeat, " ")
    return folded[:head.end()] + rest


def extract(text: str) -> Facts:
    """All facts of one pasted text; only its first MAX_SCAN characters are looked at."""
    text = text[:MAX_SCAN]
    code = ranked_reply_code(text)
    return Facts(
        reply_code=code,
        status=find_status(text, code or "") or None if "." in text else None,
        smtp_command=find_command(text),
        remote_host=find_remote_host(text),
        addresses=find_addresses(text),
    )


def quick_codes(text: str) -> tuple[str | None, str | None]:
    """(reply code, status) of one reply line, with a fast path for the usual
    "550 5.1.1 ..." shape; else as for pasted text."""
    if text[3:4] in (" ", "-") and text[:3].isdigit() and text[0] in "2345":
        found = STATUS.match(text, 4)
        if found:
            return text[:3], _normal_status(found.group())
        head = text[:200]
        return text[:3], (find_status(head, text[:3]) or None) if "." in head else None
    code = ranked_reply_code(text)
    return code, find_status(text, code or "") or None
