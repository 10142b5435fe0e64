"""A small, forgiving MIME reader for bounce mails.

Bounces are often broken (truncated MIME, missing closing boundaries, wrong
charsets, bodies that are not MIME at all). This reader works on bytes with
plain ``find``/``split`` calls, never raises on malformed input, decodes
only the parts a bounce decoder looks at (text, delivery-status, feedback
reports, attached headers) and bounds nesting depth and decoded sizes.
"""

from __future__ import annotations

import binascii
import codecs
import quopri
import re
from functools import lru_cache

from smtp_explain.untrusted import safe_text

MAX_DEPTH = 12
MAX_PARTS = 64  # parts of one multipart entity
MAX_TOTAL_PARTS = 512  # parts of one mail, all levels together
MAX_TEXT = 256 << 10  # text decoded per part; a longer part is cut (Part.cut says so)
MAX_HEADER_BLOCK = 256 << 10

_PARAM = re.compile(rb';\s*([a-z0-9*_.-]{1,40})\s*=\s*(?:"([^"]{0,500})"|([^\s;"]{0,500}))', re.I)
# The same on str, for the usual all-ASCII value (no encode/decode round trip).
_PARAM_ASCII = re.compile(
    r';[ \t\n\r\f\v]*([a-z0-9*_.-]{1,40})[ \t\n\r\f\v]*=[ \t\n\r\f\v]*'
    r'(?:"([^"]{0,500})"|([^ \t\n\r\f\v;"]{0,500}))', re.I | re.A)
_ENCODED_WORD = re.compile(r"=\?([^?\s]{1,40})\?([bBqQ])\?([^?\s]{0,2000})\?=")
_EW_GAP = re.compile(r"(\?=)\s{1,10}(=\?)")

# Parts whose text a bounce decoder reads; everything else stays as raw bytes.
TEXTUAL = ("text/", "message/delivery-status", "message/global-delivery-status",
           "message/feedback-report", "message/disposition-notification",
           "message/global-disposition-notification")


def normalize_newlines(data: bytes) -> bytes:
    """CRLF and lone CR become LF, so one code path reads every mail."""
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return data


# Codecs Python has that are no mail charset: they transform text (idna, punycode,
# the escape codecs), always fail (undefined) or are bytes-to-bytes.
_NOT_CHARSETS = frozenset({"idna", "punycode", "unicode-escape", "raw-unicode-escape",
                           "undefined", "palmos", "mbcs", "oem"})
_LABEL = re.compile(r"[a-z0-9][a-z0-9_.:+-]{0,39}")
@lru_cache(maxsize=256)  # a mail's parts and encoded words repeat a few labels
def charset_codec(charset: str | None) -> str:
    """The codec for a declared charset label; "utf-8" when the label is missing,
    malformed (NULs, control characters, junk) or names no text encoding."""
    label = (charset or "").strip().strip('"').strip("'").lower()
    found = _LABEL.match(label)
    label = found.group(0) if found else ""
    if not label or label in ("us-ascii", "ascii", "unknown-8bit", "x-unknown", "8bit",
                              "default"):
        return "utf-8"
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError):
        return "utf-8"
    if info.name in _NOT_CHARSETS or not getattr(info, "_is_text_encoding", True):
        return "utf-8"
    return info.name


def decode_charset(data: bytes, charset: str | None) -> str:
    """Bytes to text in the declared charset; unknown or wrong charsets never fail.

    Strict decoding in the declared charset first, then UTF-8, then the declared
    charset with replacement characters; a codec that fails in any other way
    falls back to UTF-8 with replacements. The result never holds lone surrogates.
    """
    name = charset_codec(charset)
    if name != "iso2022_jp" and b"\x1b$" in data and data.isascii():
        # 7-bit ISO-2022-JP (RFC 1468) in a part that declares no charset, or a wrong
        # one: Japanese MTAs write it into message/delivery-status fields as it is.
        try:
            return safe_text(data.decode("iso2022_jp_2"))
        except UnicodeDecodeError:
            pass
    if name in ("iso2022_jp",) and not data.isascii():
        # Labelled ISO-2022-JP (7-bit) but carrying 8-bit bytes: really EUC-JP or Shift_JIS.
        for guess in ("euc-jp", "cp932"):
            try:
                return safe_text(data.decode(guess))
            except UnicodeDecodeError:
                continue
    for attempt, errors in ((name, "strict"), ("utf-8", "strict"), (name, "replace")):
        try:
            return safe_text(data.decode(attempt, errors))
        except Exception:  # UnicodeError, or a codec that breaks in its own way
            continue
    return safe_text(data.decode("utf-8", "replace"))


def _decode_word(found: re.Match[str]) -> str:
    charset, encoding, payload = found.group(1), found.group(2).lower(), found.group(3)
    charset = charset.split("*", 1)[0]
    try:
        if encoding == "b":
            raw = binascii.a2b_base64(payload.encode("ascii", "replace") + b"===")
        else:
            raw = quopri.decodestring(payload.replace("_", " ").encode("ascii", "replace"),
                                      header=True)
    except (binascii.Error, ValueError):
        return found.group(0)
    return decode_charset(raw, charset)


def decode_header_value(value: str) -> str:
    """Decode RFC 2047 encoded words (=?utf-8?B?...?=) in a header value."""
    if "=?" not in value:
        return value
    value = _EW_GAP.sub(r"\1\2", value)
    return _ENCODED_WORD.sub(_decode_word, value)


_FOLD = re.compile(r"\n[ \t]+")
# One header line after unfolding: a field name (printable ASCII but ":" and
# space, RFC 5322 section 2.2) and its value. findall does the loop in C.
_HEADER_LINE = re.compile(r"^([!-9;-~]{1,76})[ \t]*:[ \t]*([^\n]*)", re.M)


def parse_headers(block: bytes) -> list[tuple[str, str]]:
    """Header lines to (lower-case name, unfolded value) pairs, in order."""
    text = block[:MAX_HEADER_BLOCK].decode("utf-8", errors="replace")
    if "\n " in text or "\n\t" in text:
        text = _FOLD.sub(" ", text)
    return [(name.lower(), value.strip()) for name, value in _HEADER_LINE.findall(text)]


def split_head_body(data: bytes) -> tuple[bytes, bytes]:
    """Split at the first empty line; a mail with no body is all header."""
    if data.startswith(b"\n"):
        return b"", data[1:]
    cut = data.find(b"\n\n")
    if cut < 0:
        return data, b""
    return data[:cut], data[cut + 2 :]


def content_type_of(value: str | None) -> tuple[str, dict[str, str]]:
    """(lower-case type, parameters) of a Content-Type value; text/plain when unusable."""
    if not value:
        return "text/plain", {}
    if value.isascii():  # the usual case, read as str: same result, no byte round trip
        main = value.split(";", 1)[0].strip(" \t\n\r\f\v").lower()
        if main.isprintable():
            main = main.split(" ", 1)[0]
            params = ({m[0].lower(): m[1] or m[2] for m in _PARAM_ASCII.findall(value)}
                      if ";" in value else {})
            return (main if "/" in main else "text/plain"), params
    return content_type_of_bytes(value)


def content_type_of_bytes(value: str) -> tuple[str, dict[str, str]]:
    """content_type_of for any value, read as bytes (8-bit junk never fails)."""
    raw = value.encode("utf-8", errors="replace")
    main = raw.split(b";", 1)[0].strip().lower().decode("ascii", errors="replace")
    words = main.split(None, 1)  # "text/plain charset=..." lost its ";"
    main = words[0] if words else ""  # (str.split also cuts at \x1c-\x1f: may be none left)
    params = {
        m.group(1).decode("ascii", "replace").lower(): (m.group(2) or m.group(3) or b"").decode(
            "utf-8", "replace"
        )
        for m in _PARAM.finditer(raw)
    }
    return (main if "/" in main else "text/plain"), params


class Part:
    """One MIME entity: its headers, its type, and its (raw) body.

    A mail attached as message/rfc822 is parsed only when ``message`` is
    first read. The header index keeps the first of repeated fields.
    """

    __slots__ = ("_budget", "_children", "_index", "_inner", "_message", "_text", "body",
                 "content_type", "cut", "depth", "headers", "params")

    def __init__(self, headers: list[tuple[str, str]], body: bytes, depth: int = 0,
                 budget: list[int] | None = None) -> None:
        self.headers = headers
        self._index = dict(reversed(headers))  # built from the end: the first field wins
        self.content_type, self.params = content_type_of(self._index.get("content-type"))
        self.body = body
        self.depth = depth
        self._children: list[Part] | None = None
        self._inner: bytes | None = None
        self._message: Part | None = None
        self._text: str | None = None
        self.cut = False  # whether text() had to leave out the end of a long body
        # Parts this mail may still split into, shared by all its parts: nesting and
        # wide multiparts together never make more than MAX_TOTAL_PARTS objects.
        self._budget = budget if budget is not None else [MAX_TOTAL_PARTS]

    def header(self, name: str, default: str = "") -> str:
        return self._index.get(name, default)

    def header_all(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key == name]

    @property
    def children(self) -> list[Part]:
        """The parts of a multipart entity, split on first use."""
        if self._children is None:
            self._children = []
            if self.content_type.startswith("multipart/") and self.depth < MAX_DEPTH:
                boundary = self.params.get("boundary", "").encode("utf-8", "replace")
                limit = min(MAX_PARTS, self._budget[0])
                if boundary and limit > 0:
                    chunks, more = _split_multipart(self.body, boundary, limit)
                    self.cut = more  # parts beyond the limits are left unread
                    self._budget[0] -= len(chunks)
                    self._children = [parse(chunk, self.depth + 1, self._budget)
                                      for chunk in chunks]
        return self._children

    @children.setter
    def children(self, value: list[Part]) -> None:
        self._children = value

    @property
    def message(self) -> Part | None:
        """The parsed mail inside a message/rfc822 part (None for other parts)."""
        if self._message is None and self._inner is not None:
            self._message = parse(self._inner, self.depth + 1, self._budget)
            self._inner = None
        return self._message

    def text(self) -> str:
        """The body as text: transfer encoding undone, charset decoded, size bounded."""
        if self._text is None:
            encoding = self.header("content-transfer-encoding").strip().lower()
            body = self.body
            if encoding == "base64":
                body = unbase64(body[: MAX_TEXT * 2])
            elif encoding == "quoted-printable":
                body = quopri.decodestring(body[: MAX_TEXT * 2])
            self.cut = len(body) > MAX_TEXT
            self._text = decode_charset(body[:MAX_TEXT], self.params.get("charset"))
        return self._text

    def walk(self) -> list[Part]:
        """This part and every part below it, in document order (attached mails excluded)."""
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out


def unbase64(data: bytes) -> bytes:
    """Decode base64 leniently: stray characters are dropped, bad padding is fixed."""
    cleaned = re.sub(rb"[^A-Za-z0-9+/]", b"", data)
    cleaned = cleaned[: len(cleaned) - len(cleaned) % 4]
    try:
        return binascii.a2b_base64(cleaned)
    except binascii.Error:
        return b""


def _split_multipart(body: bytes, boundary: bytes,
                     limit: int = MAX_PARTS) -> tuple[list[bytes], bool]:
    """Body parts between boundary lines (at most ``limit``), and whether more parts
    were left unread; a missing closing boundary is tolerated. Walks the delimiters
    one by one on the body itself (no copy), so a body of millions of tiny parts
    costs no more than the parts kept."""
    delimiter = b"\n--" + boundary
    # A delimiter is "--boundary" at the start of the body or after a newline; "at"
    # is where the "--" starts.
    at = 0 if body.startswith(delimiter[1:]) else _after_newline(body.find(delimiter))
    parts: list[bytes] = []
    while at >= 0 and len(parts) < limit:
        start = at + len(delimiter) - 1
        if body.startswith(b"--", start):
            break
        following = _after_newline(body.find(delimiter, start))
        stop = following - 1 if following >= 0 else len(body)
        newline = body.find(b"\n", start, stop)
        if newline >= 0:
            parts.append(body[newline + 1:stop])
        at = following
    more = at >= 0 and not body.startswith(b"--", at + len(delimiter) - 1)
    return parts, more


def _after_newline(found: int) -> int:
    return found + 1 if found >= 0 else -1


# A header line: field name (printable ASCII but ":" and space), then a colon.
_HEADER_START = re.compile(rb"[!-9;-~]{1,76}[ \t]*:")


def skip_leading_blank_lines(data: bytes) -> bytes:
    """Data without the empty or whitespace-only lines before its first header line.

    Read as is, such a file would have no headers at all (its header block ends at
    the first empty line). Only dropped when a header line follows: text with no
    headers keeps its leading blank line, which is what says it has none.
    """
    if not data[:1].isspace():
        return data
    stripped = data.lstrip()
    if stripped[:1] in (b"", b" ", b"\t") or not _HEADER_START.match(stripped, 0, 80):
        return data
    cut = len(data) - len(stripped)
    start = data.rfind(b"\n", 0, cut) + 1  # keep the first header line whole
    if data[start:cut].strip():
        return data
    return data[start:]


def parse(data: bytes, depth: int = 0, budget: list[int] | None = None) -> Part:
    """Parse one mail (LF line endings expected: see normalize_newlines)."""
    head, body = split_head_body(data)
    headers = parse_headers(head)
    part = Part(headers, body, depth, budget)
    if depth >= MAX_DEPTH:
        return part
    if part.content_type in ("message/rfc822", "message/global", "message/partial"):
        encoding = part.header("content-transfer-encoding").strip().lower()
        part._inner = skip_leading_blank_lines(unbase64(body) if encoding == "base64" else body)
    return part
