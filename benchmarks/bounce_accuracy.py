"""Bounce reasons of smtp-explain and of Perl Sisimai on the same hand-labelled mails.

    python benchmarks/bounce_accuracy.py [DIR ...]

Each DIR holds mail files and an ``expected.jsonl`` (one line per mail: ``file`` and
``results``, one ``reason`` per failed recipient), as in ``tests/data/bounces-extra/``.
Without DIR, every set under ``tests/data/bounces-extra/`` is measured. Both tools read
the same files in the same run; the score is that of ``tests/data/bounces/
score_bounces.py`` (reasons compared per mail as multisets; a missing or an extra row
costs). Sisimai's ``ratelimited`` counts as ``speeding``, the same reason renamed.

Needs Debian's libsisimai-perl (apt-get install libsisimai-perl).
"""

from __future__ import annotations

import collections
import hashlib
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXTRA = ROOT / "tests" / "data" / "bounces-extra"
CLI = Path(sys.executable).with_name("smtp-explain")
# One Perl process for all files; each record is printed with the file it came from.
SISIMAI = (
    "use Sisimai; use JSON::PP; my $j = JSON::PP->new->canonical;"
    " for my $f (@ARGV) { my $v = Sisimai->make($f, delivered => 1, vacation => 1) || [];"
    " for my $r (@$v) { my $d = $r->damn; print $j->encode({origin => $f,"
    " reason => $d->{reason}, status => $d->{deliverystatus},"
    " recipient => $d->{recipient}}), qq(\\n) } }"
)
SAME = {"ratelimited": "speeding"}


def held_out(name: str) -> bool:
    """Whether a set (a project's folder) is held out from tuning: fixed, by its name
    alone (odd SHA-256). Rules and decoders are written looking only at the others."""
    return int(hashlib.sha256(name.encode("utf-8")).hexdigest(), 16) % 2 == 1


def expected_of(folder: Path) -> Path:
    """The ``expected.jsonl`` of a set: in its folder or the nearest one above it (the
    vendored Sisimai corpus keeps it two levels up, beside ``maildir/``)."""
    for place in (folder, *folder.resolve().parents[:3]):
        if (place / "expected.jsonl").is_file():
            return place / "expected.jsonl"
    sys.exit(f"{folder}: no expected.jsonl in it or above it")


def mail_files(folder: Path) -> list[Path]:
    names = {json.loads(line)["file"] for line in
             expected_of(folder).read_text(encoding="utf-8").splitlines() if line}
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name in names)


def rows_of(output: str) -> dict[str, list[str]]:
    """Reasons per mail file (base name) from JSON Lines with ``origin`` and ``reason``."""
    out: dict[str, list[str]] = collections.defaultdict(list)
    for line in output.splitlines():
        try:
            row = json.loads(line)
        except ValueError:
            continue
        reason = str(row.get("reason") or "")
        out[Path(str(row.get("origin") or "")).name].append(SAME.get(reason, reason))
    return out


def score(folder: Path, got: dict[str, list[str]]) -> tuple[int, int, int]:
    """(mails, matched reasons, denominator), counted as score_bounces.py counts.
    A set whose labels name only failed and delayed recipients (no ``delivered`` label
    anywhere) does not count either tool's rows for recipients a report says were
    delivered: both tools emit them when asked, and the labels left them out."""
    lines = [json.loads(line) for line in
             expected_of(folder).read_text(encoding="utf-8").splitlines() if line]
    keep_delivered = any(r["reason"] == "delivered" for e in lines for r in e["results"])
    mails = matched = denominator = 0
    for expected in lines:
        want = collections.Counter(r["reason"] for r in expected["results"])
        have = collections.Counter(reason for reason in got.get(expected["file"], [])
                                   if keep_delivered or reason != "delivered")
        mails += 1
        matched += sum((want & have).values())
        denominator += max(sum(want.values()), sum(have.values()))
    return mails, matched, denominator


def main() -> None:
    if subprocess.run(["perl", "-MSisimai", "-e", "1"], capture_output=True).returncode:
        sys.exit("Sisimai is not installed: apt-get install libsisimai-perl")
    folders = [Path(a) for a in sys.argv[1:]] or sorted(
        p for p in EXTRA.iterdir() if (p / "expected.jsonl").is_file())
    total: collections.Counter[str] = collections.Counter()
    print(f"{'set':28} {'mails':>5}  {'smtp-explain':>16}  {'Sisimai 4.25':>16}")
    for folder in folders:
        files = [str(p) for p in mail_files(folder)]
        ours = subprocess.run([str(CLI), "bounce", "--json-lines", *files],
                              capture_output=True, text=True, check=False).stdout
        theirs = subprocess.run(["perl", "-e", SISIMAI, *files],
                                capture_output=True, text=True, check=False).stdout
        cells = []
        part = "held out" if held_out(folder.name) else "the rest"
        for name, output in (("ours", ours), ("theirs", theirs)):
            mails, matched, denominator = score(folder, rows_of(output))
            for group in ("all", part):
                total[f"{group}|{name}"] += matched
                total[f"{group}|{name} of"] += denominator
            share = f"{100 * matched / denominator:6.1f}%" if denominator else "      -"
            cells.append(f"{share} ({matched:3}/{denominator:3})")
        for group in ("all", part):
            total[f"{group}|mails"] += mails
        mark = " (held out)" if part == "held out" else ""
        print(f"{folder.name + mark:28} {mails:5}  {cells[0]:>16}  {cells[1]:>16}")
    for group in ("the rest", "held out", "all"):
        if not total[f"{group}|mails"]:
            continue
        cells = [f"{100 * total[f'{group}|{n}'] / max(total[f'{group}|{n} of'], 1):6.1f}% "
                 f"({total[f'{group}|{n}']:3}/{total[f'{group}|{n} of']:3})"
                 for n in ("ours", "theirs")]
        print(f"{'= ' + group:28} {total[f'{group}|mails']:5}  {cells[0]:>16}  {cells[1]:>16}")


if __name__ == "__main__":
    main()
