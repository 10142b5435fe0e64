"""Untrusted text made safe once, where it enters or leaves the decoder.

Python strings may hold lone surrogates (from utf-7 or escape codecs, JSON
``"\\ud800"``, command-line bytes that were not UTF-8); no UTF-8 encoder accepts
them, so one such character would break JSON output for a whole batch. NULs and
CR line ends are normalised for the readers behind.
"""

from __future__ import annotations

import re

_SURROGATE = re.compile("[\ud800-\udfff]")


def safe_text(text: str) -> str:
    """Lone surrogates become U+FFFD; anything else is kept."""
    if text.isascii() or _SURROGATE.search(text) is None:
        return text
    return _SURROGATE.sub("\ufffd", text)


def clean_input(text: str | bytes) -> str:
    """Pasted text or bytes to safe text: lenient UTF-8, no NULs, no surrogates, LF lines."""
    text = text.decode("utf-8", errors="replace") if isinstance(text, bytes) else safe_text(text)
    if "\x00" in text:
        text = text.replace("\x00", " ")
    return text.replace("\r\n", "\n").replace("\r", "\n")
