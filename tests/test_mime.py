"""The MIME reader's fast paths give exactly what the general paths give."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from smtp_explain.decoding.mime import content_type_of, content_type_of_bytes, parse
from smtp_explain.matcher import Searcher

# Content-Type values built from the pieces that matter: types, parameters,
# quotes, separators and every kind of ASCII white space and control character.
_PIECES = st.sampled_from([
    "text/plain", "multipart/report", "Message/Delivery-Status", "text", ";", "; ", " ;",
    "charset", "=", '"', "utf-8", "boundary", '"a b;c"', "report-type=delivery-status",
    " ", "\t", "\x0b", "\x0c", "\x1c", "\x1f", "\x7f", "x*0", "NAME", "==", "é", "\u3000",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join))
def test_content_type_fast_path_agrees_with_bytes_path(value: str) -> None:
    assert content_type_of(value) == content_type_of_bytes(value) if value else True


def test_content_type_examples() -> None:
    assert content_type_of('Multipart/Report; report-type=delivery-status; boundary="b 1"') == (
        "multipart/report", {"report-type": "delivery-status", "boundary": "b 1"})
    assert content_type_of("text/plain charset=utf-8") == ("text/plain", {})
    assert content_type_of("garbage") == ("text/plain", {})
    assert content_type_of(None) == ("text/plain", {})


def test_first_of_repeated_headers_wins() -> None:
    part = parse(b"Subject: one\nX-A: 1\nsubject: two\n\nbody")
    assert part.header("subject") == "one"
    assert part.header_all("subject") == ["one", "two"]
    assert part.header("missing", "-") == "-"


_MARKER = r"(?im)^[ \t]*-*[ \t]*(?:original message|元のメッセージ)"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "\n", " ", "-", "Original Message", "元のメッセージ",
                                 "é", "ORIGINAL message", "x\n"]), max_size=20).map("".join))
def test_searcher_offsets_are_str_offsets(text: str) -> None:
    found = re.search(_MARKER, text)
    assert Searcher(_MARKER).first(text) == (found.start() if found else -1)


def test_searcher_each_gives_groups_of_every_match() -> None:
    pairs = Searcher(r"(?im)^(from|to):[ \t]*(.+)$").each("x\nFrom: a\nTo: bé\nto:\nTO: c")
    assert list(pairs) == [("From", "a"), ("To", "bé"), ("TO", "c")]


def test_undeclared_iso_2022_jp_is_read_as_japanese() -> None:
    # A Domino DSN's Diagnostic-Code in ISO-2022-JP, in a part with no charset
    from smtp_explain.decoding.mime import decode_charset

    text = "ユーザー Neko は Domino ディレクトリには見つかりません。"
    raw = b"Diagnostic-Code: X-Notes; " + text.encode("iso2022_jp")
    assert decode_charset(raw, None) == "Diagnostic-Code: X-Notes; " + text
    assert decode_charset(raw, "us-ascii").endswith(text)
    # plain ASCII and a lone escape byte stay as they are
    assert decode_charset(b"550 5.1.1 user unknown", None) == "550 5.1.1 user unknown"
    assert decode_charset(b"x \x1b$ y", None) == "x \x1b$ y"
