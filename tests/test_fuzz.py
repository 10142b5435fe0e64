"""Mutated corpus mails: no exception escapes the decoder and time stays bounded."""

from __future__ import annotations

import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smtp_explain.classify import get_classifier
from smtp_explain.decoding.bounce import decode_mail

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
    classifier = get_classifier()
    start = time.perf_counter()
    results = decode_mail(data, "fuzz", "en", classifier)
    elapsed = time.perf_counter() - start
    assert elapsed < 2.0, f"{sample.name}: {elapsed:.2f}s"
    for row in results:
        assert isinstance(row.reason, str) and row.reason
