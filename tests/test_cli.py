"""The command line: subcommands, JSON, exit codes, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from smtp_explain.cli import main

CLI = [sys.executable, "-m", "smtp_explain.cli"]


def run(args: list[str], stdin: bytes = b"", env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[bytes]:
    full_env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "", "COLUMNS": "100", **(env or {})}
    return subprocess.run([*CLI, *args], input=stdin, capture_output=True, env=full_env,
                          timeout=60, check=False)


def test_explain_human_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "550 5.1.1 User unknown"]) == 0
    out = capsys.readouterr().out
    assert "userunknown" in out and "550" in out


def test_no_subcommand_means_explain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--json", "452 4.2.2 Mailbox full"]) == 0
    assert json.loads(capsys.readouterr().out)["reason"] == "mailboxfull"


def test_turkish_from_flag_and_from_environment() -> None:
    flag = run(["explain", "--lang", "tr", "--json", "550 5.1.1 User unknown"])
    assert json.loads(flag.stdout)["lang"] == "tr"
    env = run(["--json", "550 5.1.1 User unknown"], env={"LANG": "tr_TR.UTF-8"})
    assert json.loads(env.stdout)["lang"] == "tr"
    human = run(["550 5.1.1 User unknown"], env={"LANG": "tr_TR.UTF-8"})
    assert "Şimdi ne yapmalı" in human.stdout.decode()


def test_exit_code_1_when_not_classified() -> None:
    result = run(["--json", "554 zorglub"])
    assert result.returncode == 1
    assert json.loads(result.stdout)["reason"] == "undefined"


def test_usage_errors_exit_2() -> None:
    assert run(["explain", "--lang", "xx", "550"]).returncode == 2
    assert run(["explain"], stdin=b"   ").returncode == 2


def test_stdin_text_and_lines() -> None:
    result = run(["explain", "--json"], stdin=b"550 5.1.1 User unknown\n")
    assert json.loads(result.stdout)["reason"] == "userunknown"
    lines = run(["explain", "--lines", "--json", "-"],
                stdin=b"550 5.1.1 User unknown\n\n452 4.2.2 Mailbox full\nzorglub\n")
    rows = [json.loads(line) for line in lines.stdout.splitlines()]
    assert [r["reason"] for r in rows] == ["userunknown", "mailboxfull", "undefined"]
    assert lines.returncode == 1


def test_code_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["code", "--json", "550", "5.7.26"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["code"], r["kind"], r["known"]) for r in rows] == [
        ("550", "reply", True), ("5.7.26", "status", True)]
    for key in ("class", "summary", "explanation", "causes", "next_steps", "references", "lang"):
        assert key in rows[0]
    assert main(["code", "--json", "550", "599"]) == 1
    assert main(["code", "banana"]) == 1


def test_reasons_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reasons", "--json", "--lang", "tr"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 36 and all(r["lang"] == "tr" for r in rows)


@pytest.mark.parametrize(
    "payload",
    [b"\xff\xfe\xfa\x00\x01binary\x00", b"\x00" * 1000, "550 5.1.1 kullanıcı yok".encode("utf-16")],
)
def test_binary_and_invalid_utf8_stdin(payload: bytes) -> None:
    result = run(["explain", "--json"], stdin=payload)
    assert result.returncode in (0, 1)
    assert b"Traceback" not in result.stderr
    json.loads(result.stdout)


def test_ten_megabytes_on_stdin() -> None:
    payload = (b"550 5.1.1 User unknown " + b"x" * 200 + b"\n") * (10 * 1024 * 1024 // 224)
    result = run(["explain", "--json"], stdin=payload)
    assert result.returncode == 0
    assert b"Traceback" not in result.stderr
    assert result.stderr.decode().strip().count("\n") == 0
    assert json.loads(result.stdout)["reason"] == "userunknown"
