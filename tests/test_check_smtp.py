"""The SMTP probe of `check HOST:PORT` against aiosmtpd and misbehaving servers on 127.0.0.1."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from check_support import (
    RecordingHandler,
    ZoneResolver,
    dns_server,
    misbehaving_server,
    self_signed,
    smtp_server,
)
from smtp_explain.check import CheckOptions, CheckReport, run_check


@pytest.fixture(scope="module")
def dns() -> Iterator[tuple[int, ZoneResolver]]:
    with dns_server() as server:
        yield server


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, RecordingHandler]]:
    context = self_signed(Path(tmp_path_factory.mktemp("cert")), "localhost")
    with smtp_server(context) as server:
        yield server


@pytest.fixture(scope="module")
def plain_server() -> Iterator[tuple[int, RecordingHandler]]:
    with smtp_server(None) as server:
        yield server


def probe(dns: tuple[int, ZoneResolver], target: str, timeout: float = 5,
          **options: object) -> CheckReport:
    opts = CheckOptions(nameservers=[("127.0.0.1", dns[0])], timeout=timeout)
    for key, value in options.items():
        setattr(opts, key, value)
    return run_check(target, opts)


def by_id(report: CheckReport) -> dict[str, object]:
    return {c.id: c for c in report.checks}


def test_starttls_server_with_self_signed_certificate(dns, tls_server) -> None:
    port, _ = tls_server
    report = probe(dns, f"127.0.0.1:{port}")
    checks = by_id(report)
    assert report.kind == "smtp"
    assert checks["smtp:banner"].status == "pass"
    assert checks["smtp:ehlo"].status == "pass"
    starttls = checks["smtp:starttls"]
    assert starttls.status == "pass" and "TLSv1." in starttls.summary
    cert = checks["smtp:certificate"]
    assert cert.status == "fail"  # not port 25: clients verify, a self-signed one is refused
    assert "self-signed" in cert.summary and "localhost" in cert.summary
    assert any(e.startswith("not after:") for e in cert.evidence)
    assert any(e.startswith("S: 220") for e in checks["smtp:banner"].evidence)
    # each reply is followed by its timing and the engine's reading of it
    ehlo = checks["smtp:ehlo"].evidence
    timed = [e for e in ehlo if e.startswith("   (") and " s) " in e]
    assert len(timed) == sum(1 for e in ehlo if e.startswith("S: 250 ") or e.startswith("S: 220 "))
    # reverse DNS of the probed address goes through --nameserver too
    assert checks["ptr"].status == "pass" and checks["fcrdns"].status == "pass"
    assert "smtp:rcpt" not in checks


def test_server_without_starttls(dns, plain_server) -> None:
    port, _ = plain_server
    report = probe(dns, f"127.0.0.1:{port}")
    checks = by_id(report)
    assert checks["smtp:starttls"].status == "fail"
    assert checks["smtp:starttls"].fix
    assert checks["smtp:certificate"].status == "skip"
    assert checks["smtp:certificate"].summary
    assert report.failed


def test_size_and_auth_are_reported(dns, tls_server) -> None:
    port, _ = tls_server
    ehlo = by_id(probe(dns, f"127.0.0.1:{port}"))["smtp:ehlo"]
    assert "MB" in ehlo.summary  # aiosmtpd announces SIZE
    assert any(e.startswith("C: EHLO") for e in ehlo.evidence)
    assert any(e == "C: STARTTLS" for e in ehlo.evidence)


def test_rcpt_accepted_and_refused_never_data(dns, plain_server) -> None:
    port, handler = plain_server
    ok = by_id(probe(dns, f"127.0.0.1:{port}", rcpt="someone@good.test"))["smtp:rcpt"]
    assert ok.status == "pass"
    refused = by_id(probe(dns, f"127.0.0.1:{port}", rcpt="nobody@good.test"))["smtp:rcpt"]
    assert refused.status == "fail"
    assert "550" in refused.summary
    # explained by the engine: the reason's words appear, not only the raw reply
    assert refused.explanation and len(refused.explanation) > 80
    assert handler.rcpts[-2:] == ["someone@good.test", "nobody@good.test"]
    assert handler.data_seen is False


def test_reply_explanation_comes_from_the_engine(dns, plain_server) -> None:
    from smtp_explain.check.replies import explain_reply
    from smtp_explain.explanation import explain

    _port, _ = plain_server
    text = "550 5.1.1 <nobody@good.test>: Recipient address rejected: User unknown"
    for lang in ("en", "tr"):
        meaning = explain_reply(text, lang)
        assert meaning.reason == explain(text, lang).reason == "userunknown"
        assert explain(text, lang).summary in meaning.text


def test_one_megabyte_banner_is_a_clear_fail(dns) -> None:
    with misbehaving_server("huge") as port:
        started = time.monotonic()
        report = probe(dns, f"127.0.0.1:{port}", timeout=5)
        assert time.monotonic() - started < 5
    banner = by_id(report)["smtp:banner"]
    assert banner.status == "fail" and "long" in banner.summary
    assert by_id(report)["smtp:ehlo"].status == "skip"


def test_slow_greeting_is_explained_not_failed(dns, monkeypatch) -> None:
    from smtp_explain.check import smtp_probe

    monkeypatch.setattr(smtp_probe, "SLOW_BANNER", 0.5)
    with misbehaving_server("slow") as port:
        report = probe(dns, f"127.0.0.1:{port}", timeout=5, lang="tr")
    banner = by_id(report)["smtp:banner"]
    assert banner.status == "pass"
    assert "yavaş" in banner.summary and "bilerek" in (banner.explanation or "")
    assert by_id(report)["smtp:ehlo"].status == "pass"
    assert "10.2 MB" in by_id(report)["smtp:ehlo"].summary
    assert by_id(report)["smtp:starttls"].status == "fail"


@pytest.mark.parametrize("mode", ["stall", "silent"])
def test_stalling_or_silent_server_is_bounded(dns, mode: str) -> None:
    with misbehaving_server(mode) as port:
        started = time.monotonic()
        report = probe(dns, f"127.0.0.1:{port}", timeout=2)
        elapsed = time.monotonic() - started
    assert elapsed < 2 + 1.5, elapsed
    banner = by_id(report)["smtp:banner"]
    assert banner.status == "error" and banner.summary
    assert {c.id for c in report.checks} >= {"smtp:banner", "smtp:ehlo", "smtp:starttls",
                                             "smtp:certificate"}


def test_closed_port_is_reported(dns) -> None:
    from check_support import free_port

    report = probe(dns, f"127.0.0.1:{free_port()}", timeout=2)
    assert by_id(report)["smtp:banner"].status == "fail"


def test_host_name_is_resolved_through_the_nameserver(dns, plain_server) -> None:
    port, _ = plain_server
    report = probe(dns, f"localhost.test:{port}")
    assert by_id(report)["smtp:banner"].status == "pass"
    report = probe(dns, f"nosuchhost.test:{port}")
    assert by_id(report)["smtp:banner"].status == "error"


def test_private_addresses_are_refused_when_not_allowed(dns, plain_server) -> None:
    port, handler = plain_server
    before = len(handler.rcpts)
    report = probe(dns, f"127.0.0.1:{port}", allow_private=False, rcpt="a@good.test")
    assert by_id(report)["smtp:banner"].status == "error"
    assert len(handler.rcpts) == before


def test_old_tls_version_is_reported_as_such(dns, tmp_path) -> None:
    import ssl
    import warnings

    context = self_signed(tmp_path, "localhost")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = ssl.TLSVersion.TLSv1
        context.maximum_version = ssl.TLSVersion.TLSv1_1
    context.set_ciphers("DEFAULT:@SECLEVEL=0")
    with smtp_server(context) as (port, _):
        starttls = by_id(probe(dns, f"127.0.0.1:{port}"))["smtp:starttls"]
    assert starttls.status == "warn" and "TLSv1.1" in starttls.summary
    assert starttls.fix


def test_implicit_tls_as_on_port_465(dns, tmp_path, monkeypatch) -> None:
    from smtp_explain.check import smtp_probe

    context = self_signed(tmp_path, "localhost")
    with smtp_server(context, implicit=True) as (port, _):
        monkeypatch.setattr(smtp_probe, "IMPLICIT_TLS_PORTS", frozenset({465, port}))
        report = by_id(probe(dns, f"127.0.0.1:{port}"))
    assert report["smtp:banner"].status == "pass"
    assert report["smtp:starttls"].status == "pass" and "TLS" in report["smtp:starttls"].summary
    assert "self-signed" in report["smtp:certificate"].summary
