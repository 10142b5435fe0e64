"""Peak memory while decoding a large mbox (default 1 GiB), streamed.

Writes a temporary mbox of the corpus mails repeated to --size bytes, runs
``smtp-explain bounce --json-lines`` on it and reports the child's peak
resident memory (ru_maxrss) and the throughput.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "bounces" / "maildir" / "bsd"
CLI = Path(sys.executable).with_name("smtp-explain")


def write_mbox(path: Path, size: int) -> int:
    mails = [f.read_bytes() for f in sorted(CORPUS.glob("*.eml"))]
    written = count = 0
    with path.open("wb") as out:
        while written < size:
            for data in mails:
                if data.startswith(b"From "):
                    data = data.split(b"\n", 1)[1]
                data = data.replace(b"\nFrom ", b"\n>From ")
                chunk = b"From MAILER-DAEMON Thu Jan  1 00:00:00 2026\n" + data.rstrip(b"\n") + b"\n\n"
                out.write(chunk)
                written += len(chunk)
                count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=1 << 30, help="mbox size in bytes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        mbox = Path(tmp) / "big.mbox"
        count = write_mbox(mbox, args.size)
        start = time.perf_counter()
        with open("/dev/null", "wb") as sink:
            subprocess.run([str(CLI), "bounce", "--json-lines", str(mbox)], stdout=sink, check=False)
        elapsed = time.perf_counter() - start
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        size_mib = mbox.stat().st_size / (1 << 20)
    print(f"mbox: {size_mib:,.0f} MiB, {count:,} mails")
    print(f"peak memory: {peak_kib / 1024:,.0f} MiB (target < 200 MiB)")
    print(f"time: {elapsed:,.1f} s, {count / elapsed:,.0f} mails/s")


if __name__ == "__main__":
    main()
