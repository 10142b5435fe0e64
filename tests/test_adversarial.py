"""Untrusted input: 1 MB adversarial texts take bounded time, never raise."""

from __future__ import annotations

import time

import pytest

from smtp_explain import explain
from smtp_explain.classify import get_classifier
from smtp_explain.extract import extract

MB = 1 << 20
ADVERSARIAL = {
    "repeated_a": "a" * MB,
    "spaces": " " * MB,
    "digits": "5" * MB,
    "dotted": "5." * (MB // 2),
    "near_miss_codes": "550-" * (MB // 4),
    "near_miss_status": "5.7.2" * (MB // 5),
    "at_signs": "a@" * (MB // 2),
    "address_like": ("x" * 60 + "@") * (MB // 61),
    "hosts": "host " + "a." * (MB // 2),
    "brackets": "[" * MB,
    "phrase_prefixes": "user unknow " * (MB // 12),
    "mixed": ("550 5.1.1 user unknown " + "x" * 1000) * (MB // 1023),
    "newlines": "550\n" * (MB // 4),
    "codes_mid_line": "x 550-" * (MB // 6),
    "codes_after_words": "error 5501 " * (MB // 11),
}


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_adversarial_input_is_linear(name: str) -> None:
    text = ADVERSARIAL[name]
    get_classifier()  # compile once, outside the timing
    start = time.perf_counter()
    explain(text)
    extract(text)
    elapsed = time.perf_counter() - start
    # A linear scan of 1 MB takes milliseconds; catastrophic backtracking takes minutes.
    assert elapsed < 5.0, f"{name}: {elapsed:.2f}s"
