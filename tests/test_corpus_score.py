"""Accuracy on the shared corpus, scored by the shared tool, and line-ending twins."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from smtp_explain import decode

ROOT = Path(__file__).resolve().parent.parent
BOUNCES = ROOT / "tests" / "data" / "bounces"
SCORER = ROOT / "tests" / "data" / "bounces" / "score_bounces.py"


def test_score_on_the_bsd_corpus(tmp_path: Path) -> None:
    out = tmp_path / "ours.jsonl"
    with out.open("wb") as sink:
        subprocess.run([sys.executable, "-m", "smtp_explain.cli", "bounce", "--json-lines",
                        str(BOUNCES / "maildir" / "bsd")], stdout=sink, check=True, timeout=300)
    score = subprocess.run([sys.executable, str(SCORER), str(BOUNCES / "expected.jsonl"),
                            str(out)], capture_output=True, text=True, check=True, timeout=60)
    figures = dict(part.split("=") for part in score.stdout.split())
    # Issue 9's floor: 96% reason and status. Where a corpus label follows a convention
    # that contradicts the text's own meaning (Outlook.com's "550 5.5.0 mailbox
    # unavailable" labelled filtered, SES's unverified sender labelled norelaying,
    # Domino's Japanese "not found in the Domino directory" labelled onhold because
    # its undeclared ISO-2022-JP was not read), the text wins; measured 96.3% (411 of
    # 427) / 98.4%.
    assert float(figures["decoded"].rstrip("%")) >= 99.5
    assert float(figures["reason"].rstrip("%")) >= 96.0
    assert float(figures["status"].rstrip("%")) >= 98.0


def _rows(folder: Path) -> dict[str, list[tuple[str, str, str]]]:
    rows: dict[str, list[tuple[str, str, str]]] = {}
    for row in decode(folder):
        rows.setdefault(os.path.basename(row.origin), []).append(
            (row.recipient, row.reason, row.status))
    return rows


def test_crlf_and_cr_copies_match_their_lf_twins() -> None:
    bsd = _rows(BOUNCES / "maildir" / "bsd")
    for copies in ("dos", "mac"):
        folder = BOUNCES / "maildir" / copies
        twins = _rows(folder)
        names = [p.name for p in folder.iterdir() if (BOUNCES / "maildir" / "bsd" / p.name).is_file()]
        assert len(names) > 20, copies
        for name in names:
            assert twins.get(name, []) == bsd.get(name, []), (copies, name)


def test_mails_that_are_not_bounces_give_no_rows() -> None:
    folder = BOUNCES / "maildir" / "not"
    for path in sorted(folder.glob("is-not-bounce-*.eml")):
        assert list(decode(path)) == [], path.name
    # The folder's third mail is a real (if non-standard) non-delivery notice from a
    # postmaster ("Your message was rejected ... reject reason: Mailbox full"), kept
    # there because it once crashed another decoder; reporting it is right.
    for path in sorted(set(folder.glob("*.eml")) - set(folder.glob("is-not-bounce-*.eml"))):
        assert {row.reason for row in decode(path)} <= {"mailboxfull"}, path.name


def test_mbox_files_decode() -> None:
    rows = list(decode(BOUNCES / "mailbox" / "mbox-0"))
    assert len({r.mail_index for r in rows}) > 10
    assert all(r.reason and r.recipient for r in rows)
    # size-0/1/2 are 0, 1 and 3 byte files ("", " ", "22\n"): never a crash, no rows;
    # the blank ones are reported as empty.
    problems: list[tuple[str, str]] = []
    for name in ("size-0", "size-1", "size-2"):
        assert list(decode(BOUNCES / "mailbox" / name,
                           on_problem=lambda o, m: problems.append((o, m)))) == []
    assert [(Path(o).name, m) for o, m in problems] == [("size-0", "empty file"),
                                                       ("size-1", "empty file")]


def test_json_lines_are_valid(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "smtp_explain.cli", "bounce", "--json-lines",
                           "--lang", "tr", str(BOUNCES / "maildir" / "bsd" / "lhost-postfix-01.eml")],
                          capture_output=True, check=True, timeout=60)
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert rows and all(r["lang"] == "tr" and r["summary"] for r in rows)
