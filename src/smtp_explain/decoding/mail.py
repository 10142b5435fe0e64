"""A parsed mail as bounce decoders see it, and what they report per recipient."""

from __future__ import annotations

import quopri
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, TypeVar, overload

from smtp_explain.decoding import signs
from smtp_explain.decoding.mime import (
    Part,
    content_type_of,
    decode_header_value,
    normalize_newlines,
    parse,
    skip_leading_blank_lines,
    unbase64,
)
from smtp_explain.extract import ADDRESS, clean_address
from smtp_explain.matcher import Searcher

DSN_TYPES = ("message/delivery-status", "message/global-delivery-status")
ORIGINAL_TYPES = ("message/rfc822", "message/global", "text/rfc822-headers",
                  "message/rfc822-headers", "text/rfc822-header", "message/partial")
# Header lines of the original that bounces quote in their text, one searcher per
# field, each over the whole body: linear time (RE2). Values over 998 characters
# (the RFC 5322 line limit) are skipped.
_QUOTED_HEADERS = {
    name: Searcher(rf"(?im)^{name}:[ \t]*(.+)$")
    for name in ("from", "to", "cc", "subject", "message-id", "date", "return-path", "reply-to")
}
MAX_LINE = 998
# Quoted-printable escapes of the characters around and inside an address ("=3C" with
# "=3E", "=40", "=22") or a soft line break: a sign that a QP body was read undecoded.
# Only these trigger decoding (plain substring tests, linear); a lone "=XX" is legal in
# a local part (SRS and VERP addresses).
_QP_SIGNS = ("=40", "=22", "=\n")


def _looks_quoted_printable(value: str) -> bool:
    if any(sign in value for sign in _QP_SIGNS):
        return True
    upper = value.upper()
    return "=3C" in upper and "=3E" in upper


def unescape_addresses(value: str) -> str:
    """A value with RFC 2047 encoded words and quoted-printable escapes undone, so the
    addresses in it can be read (only when it shows such encodings)."""
    if "=?" in value:
        value = decode_header_value(value)
    if "=" in value and _looks_quoted_printable(value):
        value = quopri.decodestring(value.encode("utf-8", "replace")).decode("utf-8", "replace")
    return value


# Memoized, small on purpose: while one mail is decoded the same text is asked
# about several times (by a module, then by the classifier); a few dozen entries
# cover one mail and never hold more than the last few mails.
@lru_cache(maxsize=64)
def address_in(value: str) -> str:
    """The first mail address in a header value or line, lower-cased ("" if none).
    Encoded words and quoted-printable escapes around it are undone first."""
    found = ADDRESS.search(unescape_addresses(value))
    return clean_address(found.group(0)) if found else ""


# X.400 O/R addresses ("c=US;a= ;p=Org;o=Site;s=Smith;g=Bob;", RFC 1327 / RFC 2156
# attribute=value pairs) and Exchange 5.5 directory names
# ("/O=ORG/OU=SITE/CN=RECIPIENTS/CN=BOB"): how Exchange 5.5 - 2003 name a recipient
# that has no SMTP address. Bounded, no nested repeats (linear).
_X400_PAIR = re.compile(r"([A-Za-z][A-Za-z0-9-]{0,15})[ \t]*=[ \t]*([^;=\n]{0,128}?)[ \t]*(?:;|$)")
_X400 = re.compile(r"(?i)(?<![\w/=-])(?:c|p|o|a|admd|prmd)[ \t]*=[^\n]{0,600}")
_LEGACY_DN = re.compile(r"(?i)(?<![\w/])/o=[^/\n]{1,64}(?:/ou=[^/\n]{1,64}){0,6}(?:/cn=[^/\n]{1,64}){1,8}")
# Attributes that name a mailbox (a person or an organisational unit); an O/R value
# with none of them, or with "l=" (the local part of an MTS identifier, not an
# address), names no recipient.
_X400_NAME_KEYS = {"s", "g", "cn", "i", "q", "surname", "given-name", "common-name", "dda",
                   "ou", "ou1", "ou2", "ou3", "ou4"}


def directory_address(value: str) -> str:
    """An X.400 O/R address or Exchange directory name in a value, in one stable form
    (lower-case; X.400 pairs with a value joined by ";"), or "" if there is none.
    An O/R address that carries an RFC 822 mapping ("RFC-822=bob(a)example.com")
    gives that address instead."""
    dn = _LEGACY_DN.search(value)
    if dn:
        return dn.group(0).strip().lower()
    found = _X400.search(value)
    if not found:
        return ""
    pairs = [(k.lower(), " ".join(v.split())) for k, v in _X400_PAIR.findall(found.group(0))]
    pairs = [(k, v) for k, v in pairs if v][:16]
    mapped = dict(pairs).get("rfc-822", "")
    if mapped:
        return address_in(mapped.replace("(a)", "@"))
    keys = {k for k, _ in pairs}
    if "c" not in keys or "l" in keys or not keys & _X400_NAME_KEYS or len(pairs) < 3:
        return ""
    return ";".join(f"{k}={v}" for k, v in pairs).lower()


def recipient_in(value: str) -> str:
    """The recipient a field names: a mail address, else an X.400 / Exchange directory
    address (reported as it is, never turned into a made-up mail address)."""
    return address_in(value) or directory_address(value)


@dataclass(slots=True)
class Delivery:
    """What a format module reads out of a bounce for one recipient."""

    recipient: str = ""
    action: str = ""
    status: str = ""
    diagnostic: str = ""
    diagnostic_type: str = ""
    remote_host: str = ""
    reporting_mta: str = ""
    smtp_command: str = ""
    reply_code: str = ""
    timestamp: str = ""
    reason: str = ""
    feedback_type: str = ""
    temporary: bool | None = None  # set when the layout says so against action/status
    # Whether the answer was relayed by a gateway from the next server (True), the
    # layout shows the reporting MTA itself talked to the refusing one (False), or
    # unknown (None). Decides how much a "user unknown" answer proves (see bounce).
    relayed: bool | None = None
    addresser: str = ""  # original sender, message id and subject, when the
    message_id: str = ""  # bounce states them per recipient (e.g. JSON notices)
    subject: str = ""


def relayed_by_gateway(found: list[Delivery], *, relayed: bool = True) -> list[Delivery]:
    """Mark deliveries whose answers a filtering gateway relayed (or, with
    relayed=False, answers the reporting host saw itself); returns them."""
    for delivery in found:
        delivery.relayed = relayed
    return found


_REPORT_TYPES = (*DSN_TYPES, "message/feedback-report", "message/disposition-notification",
                 "message/global-disposition-notification")
MAX_FORWARD_SCAN = 16  # top-level parts looked at for a forwarded bounce


def forwarded_bounce(root: Part) -> bytes | None:
    """The bytes of a bounce a person forwarded as an attachment, else None.

    An ordinary mail (no report part, not from a mailer daemon, no bounce header)
    that attaches a mail (message/rfc822, or a saved ".eml" file) which is a report
    (delivery status or feedback): the attachment is what is to be decoded. An
    attached mail that is only from a mailer daemon counts too when the outer
    subject is not a bounce's own (or is a forward: "Fwd: Undelivered Mail..."):
    a plain-text bounce from an unusual sender attaches the original that bounced,
    and that original may come from a list's "bounces@" address.
    """
    # Cheapest signs first: most bounces say so in their headers, and need no walk.
    if root.content_type == "multipart/report":
        return None
    if any(root.header(name) for name in signs.bounce_headers()):
        return None
    if signs.bounce_sender().search(decode_header_value(root.header("from"))):
        return None
    parts = root.walk()[:MAX_FORWARD_SCAN]
    if any(p.content_type in _REPORT_TYPES for p in parts):
        return None
    subject = decode_header_value(root.header("subject")).strip()
    own_subject = bool(signs.bounce_subject().search(subject)) and not (
        signs.forward_subject().search(subject))
    for part in parts:
        if part.content_type in ("message/rfc822", "message/global"):
            inner = part.message
        elif _saved_mail_file(part):
            inner = parse(attached_bytes(part))
        else:
            continue
        if inner is None:
            continue
        if inner.content_type == "multipart/report" or any(
                p.content_type in _REPORT_TYPES for p in inner.walk()[:MAX_FORWARD_SCAN]):
            return attached_bytes(part)
        if not own_subject and signs.bounce_sender().search(
                decode_header_value(inner.header("from"))):
            return attached_bytes(part)
    return None


def _saved_mail_file(part: Part) -> bool:
    """An attachment that is a saved mail file ("bounce.eml") sent as a generic type
    (application/octet-stream), as mail programs often attach one."""
    if part.content_type not in ("application/octet-stream", "text/plain", "application/eml"):
        return False
    disposition = content_type_of(part.header("content-disposition") or "x/x")[1]
    name = disposition.get("filename") or part.params.get("name") or ""
    return name.strip().lower().endswith(".eml")


def attached_bytes(part: Part) -> bytes:
    """The mail inside a message/rfc822 part as bytes, transfer encoding undone."""
    encoding = part.header("content-transfer-encoding").strip().lower()
    if encoding == "base64":
        return skip_leading_blank_lines(normalize_newlines(unbase64(part.body)))
    if encoding == "quoted-printable":
        return skip_leading_blank_lines(normalize_newlines(quopri.decodestring(part.body)))
    return skip_leading_blank_lines(part.body)


T = TypeVar("T")


class computed_once(Generic[T]):
    """functools.cached_property without its per-instance lock (Python 3.11 takes
    one on every first read; a Mail is never shared between threads)."""

    def __init__(self, func: Callable[[Mail], T]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    @overload
    def __get__(self, mail: None, owner: type) -> computed_once[T]: ...
    @overload
    def __get__(self, mail: Mail, owner: type) -> T: ...

    def __get__(self, mail: Mail | None, owner: type) -> T | computed_once[T]:
        if mail is None:
            return self
        value = mail.__dict__[self.name] = self.func(mail)
        return value


class Mail:
    """One parsed mail with the views format modules need, computed on demand.

    Two ways people hand a bounce over are read as the bounce itself: a saved file
    with blank lines before its headers, and a bounce forwarded as an attachment
    (message/rfc822) inside an ordinary mail (see ``forwarded_bounce``).
    """

    def __init__(self, data: bytes) -> None:
        self.raw = skip_leading_blank_lines(normalize_newlines(data))
        self.root: Part = parse(self.raw)
        inner = forwarded_bounce(self.root)
        if inner is not None:
            self.raw = inner
            self.root = parse(inner)

    def header(self, name: str, default: str = "") -> str:
        return self.root.header(name, default)

    @computed_once
    def subject(self) -> str:
        return decode_header_value(self.header("subject"))

    @computed_once
    def sender(self) -> str:
        """The From header of the bounce, lower-cased."""
        return decode_header_value(self.header("from")).lower()

    @computed_once
    def parts(self) -> list[Part]:
        return self.root.walk()

    @property
    def cut(self) -> bool:
        """Whether a size limit left part of this bounce unread: a text part longer
        than MAX_TEXT, or parts beyond MAX_PARTS / MAX_TOTAL_PARTS. Recipients in the
        unread part are not reported, so callers warn."""
        return any(part.cut for part in self.parts)

    def first_part(self, *types: str) -> Part | None:
        for part in self.parts:
            if part.content_type in types:
                return part
        return None

    @computed_once
    def dsn(self) -> str | None:
        """The text of the delivery-status part, if the bounce has one."""
        part = self.first_part(*DSN_TYPES)
        return part.text() if part is not None else None

    @computed_once
    def body(self) -> str:
        """The human-readable text of the bounce: its text parts before the original."""
        texts: list[str] = []
        for part in self.parts:
            if part.content_type in ORIGINAL_TYPES:
                break
            if part.content_type in ("text/plain", "text/html") and not part.children:
                if part.content_type == "text/html" and texts:
                    continue
                texts.append(part.text())
            if part.content_type == "message/feedback-report":
                break
        if not texts and not self.root.children and self.root.message is None:
            texts.append(self.root.text())  # not MIME, or multipart with no boundary lines
        return "\n".join(texts)

    @computed_once
    def original(self) -> Part | None:
        """The headers (and maybe body) of the mail that bounced, when attached."""
        part = self.first_part(*ORIGINAL_TYPES)
        if part is None:
            return None
        if part.message is not None:
            return part.message
        return parse(part.text().encode("utf-8", errors="replace") + b"\n\n")

    def original_header(self, name: str) -> str:
        """A header of the original mail: attached part, else a copy quoted in the body
        (for the quoted copy: From, To, Cc, Subject, Message-ID, Date, Return-Path, Reply-To)."""
        if self.original is not None:
            value = self.original.header(name)
            if value:
                return decode_header_value(value)
        value = self._quoted_header(name)
        return decode_header_value(value) if value else ""

    def _quoted_header(self, name: str) -> str:
        """The first line of a header field quoted anywhere in the body."""
        searcher = _QUOTED_HEADERS.get(name)
        if searcher is None:
            return ""
        for (value,) in searcher.each(self.raw_tail):
            if len(value) <= MAX_LINE:
                return value.strip()
        return ""

    @computed_once
    def body_lower(self) -> str:
        """``body`` lower-cased, computed once for all the modules that search it."""
        return self.body.lower()

    @computed_once
    def received(self) -> str:
        """All Received headers of the bounce, joined and lower-cased."""
        return " ".join(self.root.header_all("received")).lower()

    @computed_once
    def raw_tail(self) -> str:
        """The body after the bounce's own headers, as text (for quoted originals)."""
        cut = self.raw.find(b"\n\n")
        body = self.raw[cut + 2 :] if cut >= 0 else b""
        return body[: 512 << 10].decode("utf-8", errors="replace")
