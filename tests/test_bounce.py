"""Bounce decoding: inputs, standard formats, bad input, CLI behaviour."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from smtp_explain import decode
from smtp_explain.cli import main

DSN = b"""From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
To: alice@example.org
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net
Arrival-Date: Mon, 2 Mar 2026 10:00:00 +0000

Final-Recipient: rfc822; bob@example.com
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.example.com
Diagnostic-Code: smtp; 550 5.1.1 <bob@example.com>: Recipient address rejected:
    User unknown in virtual mailbox table

Final-Recipient: rfc822; carol@example.com
Action: delayed
Status: 4.2.2
Diagnostic-Code: smtp; 452 4.2.2 Mailbox full

--b1
Content-Type: text/rfc822-headers

From: Alice <alice@example.org>
To: bob@example.com, carol@example.com
Subject: Quarterly report
Message-ID: <q1@example.org>

--b1--
"""

ARF = b"""From: feedback@mail.example.com
To: abuse@example.org
Subject: Abuse report
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="z"

--z
Content-Type: text/plain

This is a spam complaint.

--z
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: Example-FBL/1.0
Version: 1
Original-Rcpt-To: <dave@mail.example.com>

--z
Content-Type: message/rfc822

From: news@example.org
To: dave@mail.example.com
Subject: Offers

Buy now.
--z--
"""

VACATION = b"""From: erin@example.com
To: alice@example.org
Subject: Out of office: Quarterly report
Auto-Submitted: auto-replied

I am away until Monday.
"""

NOT_BOUNCE = b"""From: friend@example.com
To: alice@example.org
Subject: Lunch?

Shall we have lunch tomorrow?
"""


def test_rfc3464_dsn_per_recipient() -> None:
    rows = list(decode(DSN))
    assert [(r.recipient, r.reason, r.status, r.action) for r in rows] == [
        ("bob@example.com", "userunknown", "5.1.1", "failed"),
        ("carol@example.com", "mailboxfull", "4.2.2", "delayed"),
    ]
    bob, carol = rows
    assert bob.hard_bounce is True and carol.hard_bounce is False
    assert bob.reply_code == "550" and bob.diagnostic_type == "SMTP"
    assert "User unknown in virtual mailbox table" in bob.diagnostic
    assert bob.addresser == "alice@example.org"
    assert bob.message_id == "q1@example.org" and bob.subject == "Quarterly report"
    assert bob.remote_host == "mx.example.com"
    assert bob.timestamp.startswith("2026-03-02T10:00:00")
    assert bob.decoded_by == "rfc3464" and bob.summary


def test_line_endings_give_identical_results() -> None:
    lf = [r.to_dict() for r in decode(DSN)]
    crlf = [r.to_dict() for r in decode(DSN.replace(b"\n", b"\r\n"))]
    cr = [r.to_dict() for r in decode(DSN.replace(b"\n", b"\r"))]
    assert lf == crlf == cr


def test_feedback_report_and_vacation() -> None:
    (fb,) = decode(ARF)
    assert (fb.recipient, fb.reason, fb.feedback_type, fb.status) == (
        "dave@mail.example.com", "feedback", "abuse", "")
    (away,) = decode(VACATION)
    assert (away.recipient, away.reason) == ("erin@example.com", "vacation")


def test_ordinary_mail_gives_no_rows() -> None:
    assert list(decode(NOT_BOUNCE)) == []


# A recipient's out-of-office reply passed on by Amazon SES under its MAILER-DAEMON
# address (after dimagi/commcare-hq's out_of_office.eml fixture): the addresses in its
# HTML are no failed recipients.
RELAYED_AUTOREPLY = b"""From: MAILER-DAEMON@amazonses.com
To: bounces@example.org
Subject: Out of Office Re: Scheduled report
Content-Type: text/html; charset=UTF-8
X-Autoreply: yes
Auto-Submitted: auto-replied

<div>Please send all questions to <a href="https://mail.example.com/?view=cm&amp;to=jane@example.edu">jane@example.edu</a></div>
"""


def test_an_autoreply_relayed_by_a_mailer_daemon_is_no_bounce() -> None:
    assert list(decode(RELAYED_AUTOREPLY)) == []
    # the same headers on a real failure notice do not hide it
    failure = RELAYED_AUTOREPLY.replace(b"Subject: Out of Office Re:",
                                        b"Subject: Undelivered Mail Returned to Sender Re:")
    assert [r.reason for r in decode(failure + b"\n550 5.1.1 <jane@example.edu>: "
                                     b"Recipient address rejected: User unknown\n")]


def test_mbox_maildir_and_directory(tmp_path: Path) -> None:
    mbox = tmp_path / "box.mbox"
    mbox.write_bytes(b"From MAILER-DAEMON Mon Mar  2 10:00:00 2026\n" + DSN + b"\n"
                     b"From someone Mon Mar  2 10:00:00 2026\n" + NOT_BOUNCE + b"\n"
                     b"From feedback Mon Mar  2 10:00:00 2026\n" + ARF + b"\n")
    rows = list(decode(mbox))
    assert [r.reason for r in rows] == ["userunknown", "mailboxfull", "feedback"]
    assert rows[0].origin.endswith("box.mbox") and (rows[0].mail_index, rows[2].mail_index) == (1, 3)
    maildir = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    (maildir / "new" / "1.eml").write_bytes(DSN)
    (maildir / "cur" / "2.eml").write_bytes(VACATION)
    (maildir / "tmp" / "3.eml").write_bytes(ARF)  # tmp/ holds mails being written: skipped
    assert sorted(r.reason for r in decode(maildir)) == ["mailboxfull", "userunknown", "vacation"]


def test_file_object_and_bytes_sources(tmp_path: Path) -> None:
    path = tmp_path / "x.eml"
    path.write_bytes(DSN)
    with path.open("rb") as fh:
        assert len(list(decode(fh))) == 2


BROKEN = {
    "empty": b"",
    "binary": bytes(range(256)) * 40,
    "truncated_mime": DSN[: len(DSN) // 2],
    "no_closing_boundary": DSN.replace(b"--b1--", b""),
    "wrong_boundary": DSN.replace(b'boundary="b1"', b'boundary="zz"'),
    "unknown_charset": DSN.replace(b"Content-Type: text/plain", b"Content-Type: text/plain; "
                                   b"charset=x-no-such-charset"),
    "bad_base64": b"From: MAILER-DAEMON@x\nSubject: Undelivered\nContent-Type: text/plain\n"
                  b"Content-Transfer-Encoding: base64\n\n!!!@@@###not base64===\n",
    "deep_nesting": b"From: MAILER-DAEMON@x\nSubject: Undelivered\n"
                    + b"Content-Type: message/rfc822\n\n" * 500 + b"hello\n",
    "huge_attachment": DSN.replace(b"--b1--", b"--b1\nContent-Type: application/octet-stream\n"
                                   b"Content-Transfer-Encoding: base64\n\n"
                                   + b"QUFB" * (12 << 20) + b"\n--b1--"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_input_never_raises(name: str) -> None:
    problems: list[tuple[str, str]] = []
    rows = list(decode(BROKEN[name], on_problem=lambda o, m: problems.append((o, m))))
    if name in ("no_closing_boundary", "unknown_charset", "huge_attachment"):
        assert [r.recipient for r in rows] == ["bob@example.com", "carol@example.com"]
    if name == "empty":
        assert problems and "empty" in problems[0][1]


def test_cli_json_lines_and_exit_codes(tmp_path: Path) -> None:
    good = tmp_path / "a.eml"
    good.write_bytes(DSN)
    empty = tmp_path / "b.eml"
    empty.write_bytes(b"")
    cmd = [sys.executable, "-m", "smtp_explain.cli", "bounce", "--json-lines"]
    result = subprocess.run([*cmd, str(good), str(tmp_path / "missing.eml"), str(empty)],
                            capture_output=True, timeout=60, check=False)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["recipient"] for r in rows] == ["bob@example.com", "carol@example.com"]
    assert result.returncode == 1
    warnings = result.stderr.decode().strip().splitlines()
    assert len(warnings) == 2 and all(w.startswith("smtp-explain: ") for w in warnings)
    assert b"Traceback" not in result.stderr
    ok = subprocess.run([*cmd, str(good)], capture_output=True, timeout=60, check=False)
    assert ok.returncode == 0
    stdin = subprocess.run([*cmd, "-"], input=DSN, capture_output=True, timeout=60, check=False)
    assert len(stdin.stdout.splitlines()) == 2
    usage = subprocess.run([*cmd, "--jobs", "0", str(good)], capture_output=True, timeout=60,
                           check=False)
    assert usage.returncode == 2


def test_json_fields_are_documented_ones() -> None:
    row = next(iter(decode(DSN))).to_dict()
    assert set(row) >= {
        "origin", "recipient", "addresser", "reason", "status", "reply_code", "hard_bounce",
        "feedback_type", "diagnostic", "diagnostic_type", "action", "remote_host",
        "smtp_command", "timestamp", "message_id", "subject", "decoded_by", "summary", "lang"}


def test_jobs_keep_output_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for i in range(150):
        (tmp_path / f"{i:03d}.eml").write_bytes(DSN if i % 3 else VACATION)
    assert main(["bounce", "--json-lines", str(tmp_path)]) == 0
    one = capsys.readouterr().out
    assert main(["bounce", "--json-lines", "--jobs", "2", str(tmp_path)]) == 0
    two = capsys.readouterr().out
    assert one == two and len(one.splitlines()) == 250


def test_human_table_and_turkish(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "a.eml"
    path.write_bytes(DSN)
    assert main(["bounce", "--lang", "tr", str(path)]) == 0
    out = capsys.readouterr().out
    assert "bob@example.com" in out and "Nedenlere göre toplam" in out
    # reasons by their Turkish names, not by the English ids
    assert "Alıcı bulunamadı" in out and "userunknown" not in out


GLOBAL_DSN = """From: MAILER-DAEMON@mx.example.net
To: ayse@example.org
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="g"

--g
Content-Type: text/plain; charset=utf-8

Mesajınız iletilemedi.

--g
Content-Type: message/global-delivery-status; charset=utf-8

Reporting-MTA: dns; mx.example.net

Final-Recipient: utf-8; şükrü@örnek.example
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <şükrü@örnek.example>: user unknown

--g--
""".encode()


def test_rfc6533_global_delivery_status() -> None:
    (row,) = decode(GLOBAL_DSN)
    assert (row.recipient, row.reason, row.status) == ("şükrü@örnek.example", "userunknown", "5.1.1")


def test_mbox_with_any_line_ending(tmp_path: Path) -> None:
    mbox = (b"From MAILER-DAEMON Mon Mar  2 10:00:00 2026\n" + DSN + b"\n"
            b"From feedback Mon Mar  2 10:00:00 2026\n" + ARF + b"\n")
    results = []
    for ending in (b"\n", b"\r\n", b"\r"):
        path = tmp_path / f"box-{len(ending)}-{ending[-1]}.mbox"
        path.write_bytes(mbox.replace(b"\n", ending))
        results.append([(r.mail_index, r.recipient, r.reason) for r in decode(path)])
    assert results[0] == results[1] == results[2]
    assert [r[2] for r in results[0]] == ["userunknown", "mailboxfull", "feedback"]


def test_auto_reply_told_by_subject_alone() -> None:
    mail = ("From: Ayşe <ayse@example.com.tr>\nTo: alice@example.org\n"
            "Subject: Otomatik yanıt: Toplantı\n\nOfis dışındayım, pazartesi döneceğim.\n").encode()
    (row,) = decode(mail)
    assert (row.recipient, row.reason) == ("ayse@example.com.tr", "vacation")
    assert list(decode(mail.replace("Otomatik yanıt: ".encode(), b""))) == []


def _report(status_part: str) -> bytes:
    """A DSN whose delivery-status part is exactly ``status_part``."""
    return (
        "From: MAILER-DAEMON@gw.example.net\nTo: alice@example.org\n"
        "Subject: Delivery Status Notification (Failure)\nMIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="q"\n\n'
        "--q\nContent-Type: text/plain\n\nYour message could not be delivered.\n\n"
        f"--q\nContent-Type: message/delivery-status\n\n{status_part}\n--q--\n"
    ).encode()


def test_dsn_fields_in_any_order_with_unindented_reply_lines() -> None:
    # Per-recipient fields before Final-Recipient, and a multi-line reply whose
    # lines are not indented (seen from a filtering gateway).
    rows = list(decode(_report(
        "Reporting-MTA: dns; gw.example.net\n\n"
        "Diagnostic-Code: smtp; 550-Please turn on SMTP Authentication in your mail client.\n"
        "550-gw.example.net [192.0.2.1]:25 is not permitted to\n"
        "550 relay through this server without authentication.\n"
        "Status: 5.0.0\nAction: failed\nFinal-Recipient: rfc822; bob@example.com\n")))
    assert [(r.recipient, r.status, r.reply_code, r.reason) for r in rows] == [
        ("bob@example.com", "5.0.0", "550", "securityerror")]
    assert rows[0].diagnostic.endswith("relay through this server without authentication.")


def test_original_recipient_after_final_recipient_stays_one_recipient() -> None:
    rows = list(decode(_report(
        "Reporting-MTA: dns; in.example.net\n\n"
        "Action: failed\nFinal-Recipient: rfc822; bob@example.com\n"
        "Original-Recipient: rfc822; bob@example.com\n"
        "Diagnostic-Code: smtp; 550 5.1.1 Mailbox does not exist\nStatus: 5.1.1\n\n"
        "Final-Recipient: rfc822; carol@example.com\nAction: failed\nStatus: 5.2.2\n"
        "Original-Recipient: rfc822; carol@example.com\n"
        "Final-Recipient: rfc822; dave@example.com\nAction: failed\nStatus: 5.1.1\n")))
    assert [(r.recipient, r.status) for r in rows] == [
        ("bob@example.com", "5.1.1"), ("carol@example.com", "5.2.2"), ("dave@example.com", "5.1.1")]


def test_any_diagnostic_type_name_is_split_off() -> None:
    rows = list(decode(_report(
        "Reporting-MTA: dns; out.example.net\n\nFinal-Recipient: rfc822; bob@example.com\n"
        "Action: failed\nStatus: 5.4.4\n"
        "Diagnostic-Code: X-Outbound-Mail-Relay; Name service error for name=example.com\n")))
    assert rows[0].diagnostic_type == "X-OUTBOUND-MAIL-RELAY"
    assert rows[0].diagnostic == "Name service error for name=example.com"


def test_error_reply_code_wins_over_an_earlier_greeting() -> None:
    from smtp_explain.extract import first_error_code

    assert first_error_code("refused to talk to me: 220-mx 421 4.2.1 Service refused") == "421"
    assert first_error_code("250 2.0.0 Ok: queued as 1234") == "250"
    assert first_error_code("no code here") == ""


def test_workers_read_small_files_themselves(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    import pickle

    from smtp_explain.read.sources import DEFER_LIMIT, UNREAD, read_all, read_item

    (tmp_path / "a.eml").write_bytes(DSN)
    (tmp_path / "empty.eml").write_bytes(b"")
    big = tmp_path / "big.mbox"  # over the limit: read and split here, not deferred
    big.write_bytes(b"".join(b"From x@example.org Mon Mar  2 10:00:00 2026\n" + DSN + b"\n"
                             for _ in range(DEFER_LIMIT // len(DSN) + 2)))
    items = list(read_all([str(tmp_path), str(tmp_path / "missing.eml")], defer_small_files=True))
    kinds = [(Path(origin).name, type(data).__name__) for origin, _, data in items]
    assert kinds[0] == ("a.eml", "Unread")
    assert all(kind == "bytes" for name, kind in kinds if name == "big.mbox")
    assert ("empty.eml", "Problem") in kinds and ("missing.eml", "Problem") in kinds
    assert pickle.loads(pickle.dumps(UNREAD)) is UNREAD  # crosses to workers as itself
    assert [data for _, _, data in read_item(items[0])] == [DSN]
    # Same output and warnings with or without workers.
    assert main(["bounce", "--json-lines", str(tmp_path)]) == 1
    one = capsys.readouterr()
    assert main(["bounce", "--json-lines", "--jobs", "2", str(tmp_path)]) == 1
    two = capsys.readouterr()
    assert (one.out, one.err) == (two.out, two.err) and one.out.count("\n") > 100
