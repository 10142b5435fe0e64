"""`smtp-explain check` on the command line: options, JSON shape, exit codes."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from check_support import ZoneResolver, dns_server
from smtp_explain.cli import main


@pytest.fixture(scope="module")
def dns() -> Iterator[tuple[int, ZoneResolver]]:
    with dns_server() as server:
        yield server


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_help_documents_every_option(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["check", "--help"])
    out = capsys.readouterr().out
    assert exc.value.code == 0
    for option in ("--json", "--lang", "--nameserver", "--timeout", "--selector", "--rcpt",
                   "TARGET"):
        assert option in out


@pytest.mark.parametrize("argv", [["check"], ["check", "--lang", "xx", "good.test"],
                                  ["check", "--nameserver", "not-an-ip", "good.test"],
                                  ["check", "--timeout", "0", "good.test"],
                                  ["check", "--timeout", "nan", "good.test"],
                                  ["check", "not a target"],
                                  ["check", "--rcpt", "a@b.test", "good.test"]])
def test_usage_errors_exit_2(capsys, argv: list[str]) -> None:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code  # type: ignore[assignment]
    assert code == 2
    err = capsys.readouterr().err
    assert err.strip() and "Traceback" not in err


def test_json_is_one_object_with_the_contract_shape(capsys, dns) -> None:
    port, _ = dns
    code, out, _err = run(capsys, "check", "--json", "--nameserver", f"127.0.0.1:{port}",
                          "--selector", "mail", "good.test")
    data = json.loads(out)  # exactly one JSON document on stdout
    assert set(data) == {"target", "kind", "checks", "lang"}
    assert data["kind"] == "domain" and data["target"] == "good.test" and data["lang"] == "en"
    for check in data["checks"]:
        assert set(check) == {"id", "status", "summary", "explanation", "fix", "evidence"}
        assert check["summary"]
        assert isinstance(check["evidence"], list)
    ids = [c["id"] for c in data["checks"]]
    assert len(ids) == len(set(ids))
    assert {"mx", "spf", "dmarc", "dkim:mail", "mta-sts", "tls-rpt",
            "blocklist:spamhaus-dbl"} <= set(ids)
    assert code == 0  # warnings only (mta-sts) give 0


def test_exit_1_exactly_when_some_check_fails(capsys, dns) -> None:
    port, _ = dns
    code, out, _ = run(capsys, "check", "--json", "--nameserver", f"127.0.0.1:{port}",
                       "127.0.0.2")
    assert code == 1
    assert any(c["status"] == "fail" for c in json.loads(out)["checks"])


def test_errors_alone_give_0(capsys, dns) -> None:
    from check_support import silent_udp

    with silent_udp() as port:
        code, out, _ = run(capsys, "check", "--json", "--timeout", "1", "--nameserver",
                           f"127.0.0.1:{port}", "192.0.2.1")
    statuses = {c["status"] for c in json.loads(out)["checks"]}
    assert "fail" not in statuses and "error" in statuses
    assert code == 0


def test_lang_changes_only_the_wording(capsys, dns) -> None:
    port, _ = dns
    outs = {}
    for lang in ("en", "tr"):
        _, out, _ = run(capsys, "check", "--json", "--lang", lang, "--nameserver",
                        f"127.0.0.1:{port}", "eleven.test")
        outs[lang] = json.loads(out)
    pairs = {lang: [(c["id"], c["status"]) for c in data["checks"]]
             for lang, data in outs.items()}
    assert pairs["en"] == pairs["tr"]
    assert outs["tr"]["lang"] == "tr"
    assert outs["en"]["checks"][1]["summary"] != outs["tr"]["checks"][1]["summary"]


def test_human_output_is_grouped_with_fixes(capsys, dns) -> None:
    port, _ = dns
    code, out, _ = run(capsys, "check", "--lang", "tr", "--nameserver", f"127.0.0.1:{port}",
                       "eleven.test")
    assert code == 1
    assert "Gönderen kimlik doğrulaması" in out and "Kara listeler" in out
    assert "Çözüm:" in out  # the fix of the failed SPF check
