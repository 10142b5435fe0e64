"""Regressions of the hostile-tester findings (issue 8): no input crashes a batch,
loses a mail silently, exhausts memory or hangs a reader or the server."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from starlette.testclient import TestClient

from smtp_explain import catalog
from smtp_explain.decoding.bounce import decode_mail
from smtp_explain.decoding.mime import MAX_TOTAL_PARTS, decode_charset
from smtp_explain.explanation import MAX_TEXT, explain
from smtp_explain.web.app import create_app
from smtp_explain.web.protocol import ENV_HEADER_TIMEOUT, ENV_MAX_CONNECTIONS, GuardedProtocol
from test_web_api import dsn_mail

CLI = [sys.executable, "-m", "smtp_explain.cli"]
GOOD = dsn_mail()


def run(args: list[str], stdin: bytes = b"", timeout: float = 60,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*CLI, *args], input=stdin, capture_output=True, timeout=timeout,
                          check=False, env={**os.environ, "LANG": "C.UTF-8", **(env or {})})


def text_part_mail(charset: str, body: bytes, recipient: str = "carol@example.org") -> bytes:
    """A bounce whose human-readable part is in the given charset."""
    return (
        b"From: MAILER-DAEMON@mx.example.net\nTo: alice@example.com\n"
        b"Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n'
        b"--B\nContent-Type: text/plain; charset=" + charset.encode("latin-1") + b"\n\n"
        + body + b"\n--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx\n\n"
        b"Final-Recipient: rfc822; " + recipient.encode() + b"\nAction: failed\n"
        b"Status: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 user unknown\n\n--B--\n"
    )


def no_traceback(done: subprocess.CompletedProcess[bytes]) -> None:
    assert b"Traceback" not in done.stderr, done.stderr.decode("utf-8", "replace")[-2000:]


# --- 1, 2: charsets and lone surrogates -------------------------------------------

BAD_TEXT_MAILS = [
    text_part_mail("utf-7", b"+2AA- broken surrogate"),
    text_part_mail("unicode_escape", rb"\udc80 escaped surrogate"),
    text_part_mail("us-ascii\0", b"a NUL in the label"),
    text_part_mail("idna", b"xn--not-a-charset"),
    text_part_mail("punycode", b"also-not-a-charset-"),
    text_part_mail('"=?utf-8?q?x?="', b"a label that is an encoded word"),
]


@pytest.mark.parametrize("mail", BAD_TEXT_MAILS, ids=lambda m: m.split(b"charset=")[1][:14].decode("latin-1"))
def test_odd_charsets_still_decode_and_serialise(mail: bytes) -> None:
    rows = decode_mail(mail)
    assert [r.recipient for r in rows] == ["carol@example.org"]
    assert rows[0].reason == "userunknown"
    json.dumps([r.to_dict() for r in rows])  # strict: fails on a lone surrogate
    from smtp_explain.render.as_json import dumps_bytes

    dumps_bytes([r.to_dict() for r in rows])


def test_decode_charset_never_raises_nor_returns_surrogates() -> None:
    for label in ("utf-7", "unicode_escape", "raw_unicode_escape", "idna", "punycode",
                  "undefined", "base64", "zlib", "rot13", "us-ascii\0", "\x01", "", None,
                  "x" * 500, "utf-16", "iso-2022-jp", "mbcs"):
        for data in (b"+2AA-", rb"\ud800", b"\xff\xfe\x00", b"xn--a", b"plain"):
            text = decode_charset(data, label)
            text.encode("utf-8")  # strict


def test_one_bad_mail_never_loses_the_batch(tmp_path: Path) -> None:
    folder = tmp_path / "cur"
    folder.mkdir()
    (folder / "1.eml").write_bytes(GOOD)
    for number, mail in enumerate(BAD_TEXT_MAILS, 2):
        (folder / f"{number}.eml").write_bytes(mail)
    (folder / "9.eml").write_bytes(dsn_mail("dave@example.org"))
    done = run(["bounce", "--json-lines", str(tmp_path)])
    no_traceback(done)
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert {r["recipient"] for r in rows} == {"bob@example.org", "carol@example.org",
                                              "dave@example.org"}
    assert len(rows) == 2 + len(BAD_TEXT_MAILS)
    assert done.returncode == 0


def test_web_answers_surrogates_with_200() -> None:
    with TestClient(create_app()) as client:
        response = client.post("/api/explain", content=b'{"text": "550 5.1.1 \\ud800 user unknown"}',
                               headers={"content-type": "application/json"})
        assert response.status_code == 200
        assert response.json()["reason"] == "userunknown"
        response = client.post("/api/bounce", content=BAD_TEXT_MAILS[0])
        assert response.status_code == 200
        assert response.json()[0]["recipient"] == "carol@example.org"


# --- 3: many recipients: cut, with a warning -----------------------------------------

def test_a_cut_dsn_says_so(tmp_path: Path) -> None:
    blocks = "".join(f"Final-Recipient: rfc822; user{i}@example.org\nAction: failed\n"
                     f"Status: 5.1.1\n\n" for i in range(20000))
    mail = GOOD.replace(b"Final-Recipient: rfc822; bob@example.org\n", blocks.encode() +
                        b"Final-Recipient: rfc822; bob@example.org\n")
    path = tmp_path / "many.eml"
    path.write_bytes(mail)
    done = run(["bounce", "--json-lines", str(path)])
    no_traceback(done)
    rows = done.stdout.splitlines()
    assert 1000 < len(rows) < 20000
    assert done.returncode == 1
    assert b"only the first" in done.stderr and b"not reported" in done.stderr


# --- 4: only regular files inside directories ----------------------------------------

def test_a_fifo_in_a_maildir_is_skipped_not_waited_for(tmp_path: Path) -> None:
    new = tmp_path / "new"
    new.mkdir()
    (new / "1.eml").write_bytes(GOOD)
    os.mkfifo(new / "2.fifo")
    done = run(["bounce", "--json-lines", str(tmp_path)], timeout=30)
    no_traceback(done)
    assert len(done.stdout.splitlines()) == 1
    assert b"2.fifo: not a regular file" in done.stderr
    assert done.returncode == 1


# --- 5: memory -------------------------------------------------------------------------

def _peak_mib(args: list[str], stdin: bytes = b"") -> tuple[float, subprocess.CompletedProcess[bytes]]:
    """Peak resident memory (MiB) of one CLI run, read in the child itself (VmHWM: the
    rusage figure would include the forking test process's own peak)."""
    code = ("import sys, runpy; sys.argv = ['smtp-explain', *sys.argv[1:]]\n"
            "try:\n    runpy.run_module('smtp_explain.cli', run_name='__main__')\n"
            "finally:\n    hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')]\n"
            "    print('PEAK', hwm[0].split()[1], file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", code, *args], input=stdin,
                          capture_output=True, timeout=120, check=False)
    peak = [line for line in done.stderr.splitlines() if line.startswith(b"PEAK")]
    return int(peak[-1].split()[1]) / 1024, done


def test_a_huge_line_is_not_held_whole(tmp_path: Path) -> None:
    path = tmp_path / "lines.txt"
    with path.open("wb") as sink:
        for _ in range(64):
            sink.write(b"a" * (1 << 20))
        sink.write(b"\n550 5.1.1 user unknown\n")
    peak, done = _peak_mib(["explain", "--lines", "--json", str(path)])
    no_traceback(done)
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert rows[-1]["reason"] == "userunknown" and len(rows) == 2
    assert peak < 150, f"peak {peak:.0f} MiB for a 64 MiB line"


def test_millions_of_tiny_mime_parts_stay_bounded(tmp_path: Path) -> None:
    parts = b"--B\n\nx\n" * 1_000_000
    mail = GOOD.replace(b"--B\nContent-Type: text/plain\n", parts + b"--B\nContent-Type: text/plain\n", 1)
    path = tmp_path / "parts.eml"
    path.write_bytes(mail)
    peak, done = _peak_mib(["bounce", "--json-lines", str(path)])
    no_traceback(done)
    assert peak < 150, f"peak {peak:.0f} MiB for a {len(mail) >> 20} MiB mail"
    assert done.returncode == 1 and b"not reported" in done.stderr  # parts left unread: said


def test_nested_multiparts_share_one_parts_budget() -> None:
    inner = b"Content-Type: text/plain\n\nleaf\n"
    for depth in range(10):
        boundary = f"b{depth}".encode()
        inner = (b"Content-Type: multipart/mixed; boundary=" + boundary + b"\n\n"
                 + (b"--" + boundary + b"\n" + inner + b"\n") * 40 + b"--" + boundary + b"--\n")
        if len(inner) > 8 << 20:
            break
    from smtp_explain.decoding.mail import Mail

    mail = Mail(b"From: x@example.com\n" + inner)
    assert len(mail.parts) <= MAX_TOTAL_PARTS + 1
    assert mail.cut


# --- 6: the worst text stays classifiable (time: benchmarks/worst_case.py) ------------

def test_text_after_the_explain_cap_is_not_read() -> None:
    text = "x" * MAX_TEXT + " 550 5.1.1 user unknown"
    assert explain(text).reply_code is None
    assert explain("550 5.1.1 user unknown " + "x" * MAX_TEXT).reason == "userunknown"


# --- 7: command-line bytes -----------------------------------------------------------

def test_invalid_utf8_arguments() -> None:
    for args in (["code", "--json", b"\xff".decode("utf-8", "surrogateescape")],
                 ["explain", "--json", "550 5.1.1 " + b"\xfe".decode("utf-8", "surrogateescape")]):
        done = subprocess.run([*CLI, *[a.encode("utf-8", "surrogateescape") for a in args]],
                              capture_output=True, timeout=60, check=False)
        no_traceback(done)
        json.loads(done.stdout)
        assert done.returncode in (0, 1)


# --- 8: rule files -------------------------------------------------------------------

def _rule_file(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_broken_rule_files_give_one_line_and_exit_2(tmp_path: Path) -> None:
    files = [
        _rule_file(tmp_path, "list.toml", '[[rules]]\nid = "a"\npattern = "x"\nreason = ["blocked"]\n'),
        _rule_file(tmp_path, "table.toml", '[[rules]]\nid = "a"\npattern = "x"\nreason = "blocked"\n'
                                           'provider = {a = 1}\n'),
        _rule_file(tmp_path, "deep.toml", "x = " + "[" * 100_000 + "]" * 100_000 + "\n"),
        _rule_file(tmp_path, "huge.toml", '[[rules]]\nid = "a"\npattern = "(' + "a" * 3_000_000
                   + '"\nreason = "blocked"\n'),
        "/dev/zero",
    ]
    fifo = tmp_path / "rules.fifo"
    os.mkfifo(fifo)
    files.append(str(fifo))
    for path in files:
        done = run(["explain", "--rules", path, "550 x"], timeout=30)
        no_traceback(done)
        lines = done.stderr.decode().splitlines()
        assert done.returncode == 2, path
        assert len(lines) == 1 and path in lines[0] and len(lines[0]) < 500, lines


def test_serve_with_a_broken_env_rule_file(tmp_path: Path) -> None:
    path = _rule_file(tmp_path, "bad.toml", '[[rules]]\nid = "a"\npattern = "("\nreason = "blocked"\n')
    done = run(["serve", "--port", "1"], env={"SMTP_EXPLAIN_RULES": path}, timeout=30)
    no_traceback(done)
    assert done.returncode == 2 and path in done.stderr.decode()


# --- 9: knowledge snapshots ----------------------------------------------------------

def test_corrupt_or_forged_snapshots_are_not_trusted(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("SMTP_EXPLAIN_NO_CACHE", raising=False)
    source = tmp_path / "facts.toml"
    source.write_text("a = 1\nb = 'two'\n")
    assert catalog.load_toml(source) == {"a": 1, "b": "two"}
    (snapshot,) = (tmp_path / "cache").rglob("*.snapshot")
    good = snapshot.read_bytes()
    # a 5-byte marshal of a huge list: must never reach marshal.loads
    for forged in (b"\xdb\xff\xff\xff\x7f", good[:-3], good[:-1] + bytes([good[-1] ^ 1]),
                   good.replace(b"two", b"six")):
        snapshot.write_bytes(forged)
        assert catalog.load_toml(source) == {"a": 1, "b": "two"}


# --- 10: slow headers and too many connections ---------------------------------------

@pytest.fixture()
def guarded_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    monkeypatch.setenv(ENV_HEADER_TIMEOUT, "1")
    monkeypatch.setenv(ENV_MAX_CONNECTIONS, "8")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    config = uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning",
                            http=GuardedProtocol, access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.05)
    yield port
    server.should_exit = True
    thread.join(10)


def _get(port: int, path: str = "/api/reasons") -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data


def test_slow_headers_are_dropped_while_others_are_served(guarded_server: int) -> None:
    slow = [socket.create_connection(("127.0.0.1", guarded_server), timeout=10) for _ in range(4)]
    for sock in slow:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # headers never finished
    assert _get(guarded_server).startswith(b"HTTP/1.1 200")
    started = time.monotonic()
    for sock in slow:
        answer = sock.recv(4096)
        assert answer.startswith(b"HTTP/1.1 408") or answer == b""
        assert sock.recv(4096) == b""  # closed
        sock.close()
    assert time.monotonic() - started < 5


def test_connections_beyond_the_cap_get_503(guarded_server: int) -> None:
    idle = [socket.create_connection(("127.0.0.1", guarded_server), timeout=10) for _ in range(8)]
    time.sleep(0.2)
    extra = socket.create_connection(("127.0.0.1", guarded_server), timeout=10)
    assert extra.recv(4096).startswith(b"HTTP/1.1 503")
    extra.close()
    for sock in idle:
        sock.close()
    time.sleep(0.2)
    assert _get(guarded_server).startswith(b"HTTP/1.1 200")


# --- 11, 12, 13: web ------------------------------------------------------------------

def test_deeply_nested_json_is_400() -> None:
    with TestClient(create_app()) as client:
        response = client.post("/api/explain", content=b"[" * 100_000 + b"]" * 100_000,
                               headers={"content-type": "application/json"})
        assert response.status_code == 400
        assert "error" in response.json()


def test_a_huge_text_is_cut_not_worked_on_whole() -> None:
    text = "550 5.1.1 user unknown " + "y" * (9 << 20)
    with TestClient(create_app(max_upload=12 << 20)) as client:
        started = time.monotonic()
        response = client.post("/api/explain", json={"text": text})
        assert response.status_code == 200 and response.json()["reason"] == "userunknown"
        assert time.monotonic() - started < 10


def test_language_links_stay_on_this_site(guarded_server: int) -> None:
    page = _get(guarded_server, "//evil.example/x").decode()
    assert page.startswith("HTTP/1.1 404")
    assert 'href="//' not in page and "href='//" not in page
    assert "/evil.example/x?lang=tr" in page


# --- 14: a mail that is no bounce -----------------------------------------------------

def test_no_bounce_is_said(tmp_path: Path) -> None:
    path = tmp_path / "hello.eml"
    path.write_bytes(b"From: a@example.com\nTo: b@example.com\nSubject: hello\n\nHi!\n")
    done = run(["bounce", "--json-lines", str(path)])
    assert done.stdout == b"" and done.returncode == 0
    assert done.stderr.decode().strip().endswith("no bounce found")
    done = run(["bounce", "--lang", "tr", str(path)])
    assert "geri dönüş bulunamadı" in done.stderr.decode()


def test_base64_garbage_text_part() -> None:
    body = base64.b64encode(os.urandom(3000))
    mail = text_part_mail("utf-8", body).replace(b"charset=utf-8\n", b"charset=utf-8\n"
                                                 b"Content-Transfer-Encoding: base64\n")
    assert [r.recipient for r in decode_mail(mail)] == ["carol@example.org"]


