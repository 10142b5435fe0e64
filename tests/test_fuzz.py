"""Mutated corpus mails: no exception escapes the decoder and time stays bounded."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smtp_explain.classify import get_classifier
from smtp_explain.decoding.batch import run
from smtp_explain.decoding.bounce import decode_guarded, decode_mail
from smtp_explain.render.as_json import dumps_bytes

BSD = Path(__file__).resolve().parent / "data" / "bounces" / "maildir" / "bsd"
SAMPLES = sorted(BSD.glob("*.eml"))[::7] if BSD.is_dir() else []

MUTATION = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 1 << 20), st.binary(min_size=1, max_size=8)),
    st.tuples(st.just("cut"), st.integers(0, 1 << 20), st.integers(1, 4000)),
    st.tuples(st.just("dup"), st.integers(0, 1 << 20), st.integers(1, 2000)),
    st.tuples(st.just("insert"), st.integers(0, 1 << 20), st.sampled_from([
        b"\n--", b"Content-Type: multipart/mixed; boundary=\"x\"\n", b"=?utf-8?B?////?=",
        b"Content-Transfer-Encoding: base64\n", b"\r", b"\n\n", b"\x00", b"\xff\xfe",
        b"Content-Type: message/rfc822\n\n" * 50, b"Final-Recipient: rfc822;\n",
        b"Status: 9.9.9\n", b"charset=\"x-unknown\"", b"=\n=\n", b"Diagnostic-Code: smtp;"])),
    st.tuples(st.just("truncate"), st.integers(0, 1 << 20), st.just(0)),
)


def mutate(data: bytes, steps: list[tuple[str, int, object]]) -> bytes:
    for kind, where, arg in steps:
        at = where % (len(data) + 1)
        if kind == "flip":
            data = data[:at] + arg + data[at + len(arg):]  # type: ignore[operator]
        elif kind == "cut":
            data = data[:at] + data[at + int(arg):]  # type: ignore[call-overload]
        elif kind == "dup":
            data = data[:at] + data[at:at + int(arg)] * 3 + data[at:]  # type: ignore[call-overload]
        elif kind == "insert":
            data = data[:at] + arg + data[at:]  # type: ignore[operator]
        else:
            data = data[:at]
    return data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SAMPLES or [Path("/dev/null")]), st.lists(MUTATION, min_size=1, max_size=6))
def test_mutated_corpus_mail(sample: Path, steps: list[tuple[str, int, object]]) -> None:
    data = mutate(sample.read_bytes(), steps)
    results, problem = decode_guarded("fuzz", data, "en", get_classifier())
    for row in results:
        assert isinstance(row.reason, str) and row.reason
        dumps_bytes(row.to_dict())
    assert results or problem is not None  # rows, a warning or a "no bounce" note


# --- every charset path, every format module, inside a batch ----------------------

# One corpus mail per format module that decodes it, so every module is exercised.
BY_MODULE: dict[str, Path] = {}
for _path in sorted(BSD.glob("*.eml")):
    for _row in decode_mail(_path.read_bytes()):
        BY_MODULE.setdefault(_row.decoded_by, _path)
MODULE_SAMPLES = sorted(BY_MODULE.items())
CHARSET_LABELS = st.one_of(
    st.sampled_from(["utf-8", "us-ascii", "iso-8859-1", "iso-2022-jp", "shift_jis", "euc-kr",
                     "gb2312", "koi8-r", "windows-1254", "utf-16", "utf-32", "utf-7",
                     "unicode_escape", "raw_unicode_escape", "idna", "punycode", "base64",
                     "zlib", "rot13", "undefined", "mbcs", "x-unknown", "unknown-8bit"]),
    st.text(st.characters(codec="latin-1"), max_size=20),
)
_CHARSET = re.compile(rb"charset=\"?[^\s;\"]*\"?", re.I)


NEIGHBOURS = [BSD / "lhost-postfix-01.eml", BSD / "lhost-exim-01.eml"]
ALONE = [next(iter(run([(str(p), 0, p.read_bytes())], "en", as_json=True))).json_lines
         for p in NEIGHBOURS]


def _relabel(data: bytes, label: str, junk: bytes, header_junk: bytes) -> bytes:
    """Every charset label in the mail replaced, junk added to a text body and a header."""
    raw_label = label.encode("latin-1")
    data = _CHARSET.sub(lambda _m: b'charset="' + raw_label + b'"', data)
    head, sep, body = data.partition(b"\n\n")
    encoded_word = b"=?" + raw_label + b"?B?" + base64.b64encode(header_junk) + b"?="
    return head + b"\nX-Fuzz: " + encoded_word + sep + junk + b"\n" + body


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(MODULE_SAMPLES), CHARSET_LABELS, st.binary(max_size=300),
       st.binary(max_size=60))
def test_charsets_and_junk_never_disturb_a_batch(sample: tuple[str, Path], label: str,
                                                 junk: bytes, header_junk: bytes) -> None:
    module, path = sample
    fuzzed = _relabel(path.read_bytes(), label, junk, header_junk)
    neighbours = NEIGHBOURS
    alone = ALONE
    items = [(str(neighbours[0]), 0, neighbours[0].read_bytes()), ("fuzzed", 0, fuzzed),
             (str(neighbours[1]), 0, neighbours[1].read_bytes())]
    outcomes = list(run(items, "en", as_json=True))
    assert [o.origin for o in outcomes] == [str(neighbours[0]), "fuzzed", str(neighbours[1])]
    assert outcomes[0].json_lines == alone[0] and outcomes[2].json_lines == alone[1]
    middle = outcomes[1]
    assert middle.json_lines or middle.problem is not None, module
    for line in middle.json_lines.splitlines():
        row = json.loads(line)
        assert row["reason"] and isinstance(row["recipient"], str)
