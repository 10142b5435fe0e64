"""Large fuzz run of the bounce decoder (issue 8): mutated corpus mails, in batches.

Reports crashes (exceptions that escape the per-mail guard: must be 0), mails whose
output does not serialise, the slowest mail and the peak memory of this process.

    python benchmarks/fuzz_mails.py [--mails 100000] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "bounces" / "maildir" / "bsd"
INSERTS = [
    b"\n--", b'Content-Type: multipart/mixed; boundary="x"\n', b"=?utf-8?B?////?=",
    b"Content-Transfer-Encoding: base64\n", b"\r", b"\n\n", b"\x00", b"\xff\xfe",
    b"Content-Type: message/rfc822\n\n" * 20, b"Final-Recipient: rfc822;\n",
    b"Status: 9.9.9\n", b'charset="utf-7"', b"charset=idna", b"charset=us-ascii\x00",
    b"+2AA-", b"\\udc80", b"Diagnostic-Code: smtp;", b"=\n=\n", b"\n--B\n" * 50,
    b"address not found 5.7.28 has been blocked " * 30,
]


def mutate(rng: random.Random, data: bytes) -> bytes:
    for _ in range(rng.randint(1, 6)):
        at = rng.randint(0, len(data))
        kind = rng.randrange(6)
        if kind == 0:
            data = data[:at] + rng.randbytes(rng.randint(1, 8)) + data[at + 4:]
        elif kind == 1:
            data = data[:at] + data[at + rng.randint(1, 4000):]
        elif kind == 2:
            data = data[:at] + data[at:at + rng.randint(1, 2000)] * 3 + data[at:]
        elif kind == 3:
            data = data[:at] + rng.choice(INSERTS) + data[at:]
        elif kind == 4:
            data = data[:at]
        else:
            data = bytes(b ^ 0x20 if rng.random() < 0.01 else b for b in data)
    return data


def peak_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mails", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from smtp_explain.classify import get_classifier
    from smtp_explain.decoding.bounce import decode_guarded
    from smtp_explain.render.as_json import dumps_bytes

    samples = [p.read_bytes() for p in sorted(CORPUS.glob("*.eml"))]
    classifier = get_classifier()
    rng = random.Random(args.seed)
    crashes = unserialisable = rows = problems = 0
    slowest = (0.0, b"")
    started = time.perf_counter()
    for number in range(args.mails):
        data = mutate(rng, rng.choice(samples))
        begin = time.perf_counter()
        try:
            results, problem = decode_guarded(f"fuzz-{number}", data, "en", classifier)
        except Exception as exc:
            crashes += 1
            print(f"crash: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        elapsed = time.perf_counter() - begin
        if elapsed > slowest[0]:
            slowest = (elapsed, data)
        rows += len(results)
        problems += problem is not None
        for row in results:
            try:
                dumps_bytes(row.to_dict())
            except Exception:
                unserialisable += 1
    total = time.perf_counter() - started
    out = ROOT / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    (out / "fuzz-slowest.eml").write_bytes(slowest[1])  # to look at, and to time again
    print(f"mails={args.mails} rows={rows} problems_or_notes={problems} crashes={crashes} "
          f"unserialisable={unserialisable} slowest_ms={slowest[0] * 1000:.1f} "
          f"slowest_size={len(slowest[1])} mails_per_s={args.mails / total:.0f} "
          f"peak_mib={peak_mib():.0f}")
    return 1 if crashes or unserialisable else 0


if __name__ == "__main__":
    sys.exit(main())
