"""Bounce decoding speed against Sisimai 4.25, in one run on the same files.

The bsd corpus is copied (repeated) into a temporary Maildir-like folder of at
least --mails files. Each tool decodes the whole folder and writes one JSON
object per bounced recipient to /dev/null:

  smtp-explain bounce --json-lines DIR            (one process)
  smtp-explain bounce --json-lines --jobs 2 DIR   (two worker processes)
  perl -MSisimai -e 'Sisimai->make(DIR, delivered => 1, vacation => 1)' + dump

Start-up is included for every tool. The figure that matters is the ratio of
mails per second, measured here in the same run on the same machine.
Needs Debian's libsisimai-perl (apt-get install libsisimai-perl).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "bounces" / "maildir" / "bsd"
CLI = Path(sys.executable).with_name("smtp-explain")
SISIMAI = (
    "use Sisimai; my $v = Sisimai->make($ARGV[0], delivered => 1, vacation => 1) || [];"
    " print $_->dump('json'), qq(\\n) for @$v;"
)
# make() alone, as the issue words it: decoding without writing any output.
SISIMAI_MAKE_ONLY = (
    "use Sisimai; my $v = Sisimai->make($ARGV[0], delivered => 1, vacation => 1) || [];"
    " print scalar(@$v), qq(\\n);"
)


def build_folder(target: Path, mails: int) -> int:
    """The vendored bsd corpus copied (repeated) into ``target``, at least ``mails`` files."""
    files = sorted(CORPUS.glob("*.eml"))
    if not files:
        sys.exit(f"no bounce corpus at {CORPUS}")
    count = 0
    while count < mails:
        for file in files:
            shutil.copyfile(file, target / f"{count:06d}-{file.name}")
            count += 1
    return count


def timed_together(commands: dict[str, list[str]], rounds: int) -> dict[str, tuple[float, int]]:
    """Best wall time and output lines of each command. Rounds interleave the
    commands (A B C D, A B C D, ...), so a slow spell of the shared machine hits
    every tool alike instead of skewing the ratio."""
    best = dict.fromkeys(commands, float("inf"))
    lines = dict.fromkeys(commands, 0)
    for _ in range(rounds):
        for name, command in commands.items():
            start = time.perf_counter()
            done = subprocess.run(command, capture_output=True, check=False)
            best[name] = min(best[name], time.perf_counter() - start)
            lines[name] = done.stdout.count(b"\n")
    return {name: (best[name], lines[name]) for name in commands}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mails", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"no corpus at {CORPUS}")
    if subprocess.run(["perl", "-MSisimai", "-e", "1"], capture_output=True).returncode:
        sys.exit("Sisimai is not installed: apt-get install libsisimai-perl")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        mails = build_folder(folder, args.mails)
        print(f"mails: {mails} (bsd corpus repeated), best of {args.rounds} interleaved runs each")
        results = timed_together({
            "ours": [str(CLI), "bounce", "--json-lines", str(folder)],
            "jobs2": [str(CLI), "bounce", "--json-lines", "--jobs", "2", str(folder)],
            "theirs": ["perl", "-e", SISIMAI, str(folder)],
            "make_only": ["perl", "-e", SISIMAI_MAKE_ONLY, str(folder)],
        }, args.rounds)
    (ours, rows), (jobs2, rows2) = results["ours"], results["jobs2"]
    (theirs, their_rows), (make_only, _) = results["theirs"], results["make_only"]
    for name, seconds, count in (("smtp-explain", ours, rows),
                                 ("smtp-explain --jobs 2", jobs2, rows2),
                                 ("Sisimai 4.25", theirs, their_rows),
                                 ("Sisimai make() only", make_only, their_rows)):
        print(f"{name:<22} {seconds:7.2f} s  {mails / seconds:8.0f} mails/s  {count} rows")
    print(f"ratio, one process:     {theirs / ours:5.1f}x Sisimai (target >= 10x); "
          f"{make_only / ours:4.1f}x Sisimai's make() without output")
    print(f"ratio, --jobs 2:        {theirs / jobs2:5.1f}x Sisimai")
    print(f"--jobs 2 over one process: {ours / jobs2:4.2f}x (target >= 1.7x)")


if __name__ == "__main__":
    main()
