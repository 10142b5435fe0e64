"""``smtp-explain logs`` against Debian's pflogsumm on the same generated Postfix log.

Writes a realistic interleaved Postfix log (tests/loggen.py: deliveries, deferrals,
expiries, bounces with their notices, rejections, noise; classic syslog stamps,
which every pflogsumm version reads) of at least --size MiB, then times, in one
run and on the same file:

* ``pflogsumm FILE`` (counts and top lists, explains nothing);
* ``smtp-explain logs --json-lines FILE`` (one event per recipient outcome, every
  reply explained), and the same with ``--jobs 2``.

Each tool runs --repeat times; the best wall time counts. The ratio is
pflogsumm's time over ours (above 1: we are faster). Both tools' totals are
compared as a sanity check. Then the peak resident memory of ``logs
--json-lines`` on a log of --memory-size MiB (target: under 300 MB).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import orjson

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
import loggen  # noqa: E402

CLI = Path(sys.executable).with_name("smtp-explain")
MIB = 1 << 20


def write_log(path: Path, size: int, seed: int) -> int:
    """A Postfix log of at least ``size`` bytes; returns its line count."""
    written = lines = 0
    batch: list[str] = []
    with path.open("w", encoding="utf-8") as out:
        groups = loggen.postfix_items(seed, 10**9, "classic", spacing=1.5)
        for line in loggen.stream_lines(groups):
            batch.append(line)
            if len(batch) >= 4096:
                text = "\n".join(batch) + "\n"
                out.write(text)
                written += len(text)
                lines += len(batch)
                batch.clear()
                if written >= size:
                    break
    return lines


def _write_part(args: tuple[str, int, int]) -> int:
    return write_log(Path(args[0]), args[1], args[2])


def write_big_log(path: Path, size: int, parts: int = 4) -> int:
    """Parts written in parallel (independent seeds), then joined."""
    names = [f"{path}.part{n}" for n in range(parts)]
    with multiprocessing.Pool(min(parts, os.cpu_count() or 1)) as pool:
        lines = sum(pool.map(_write_part, [(name, size // parts, 1000 + n) for n, name in enumerate(names)]))
    with path.open("wb") as out:
        for name in names:
            with open(name, "rb") as part:
                shutil.copyfileobj(part, out)
            os.unlink(name)
    return lines


def timed(command: list[str], stdout: object = subprocess.DEVNULL) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, stdout=stdout, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def peak_memory(command: list[str]) -> tuple[float, int]:
    """(wall seconds, peak RSS in bytes of the biggest process of ``command``), measured
    in a fresh helper process so earlier runs do not count."""
    probe = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
             "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True); "
             "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True, text=True,
                         check=True).stdout.split()
    return float(out[0]), int(out[1]) * 1024


def pflogsumm_totals(path: Path) -> dict[str, int]:
    text = subprocess.run(["pflogsumm", str(path)], capture_output=True, text=True,
                          check=True).stdout
    totals = {}
    for key, pattern in (("sent", r"(\d+)\s+delivered"), ("bounced", r"(\d+)\s+bounced"),
                         ("deferred", r"\((\d+)\s+deferrals\)"), ("rejected", r"(\d+)\s+rejected"),
                         ("discarded", r"(\d+)\s+discarded")):
        found = re.search(pattern, text)
        totals[key] = int(found.group(1)) if found else -1
    return totals


def our_totals(path: Path, folder: Path) -> Counter[str]:
    events = folder / "events.jsonl"
    with events.open("wb") as out:
        subprocess.run([str(CLI), "logs", "--json-lines", str(path)], stdout=out,
                       stderr=subprocess.DEVNULL, check=True)
    counts: Counter[str] = Counter()
    with events.open("rb") as stream:
        for line in stream:
            counts[orjson.loads(line)["status"]] += 1
    events.unlink()
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=200, help="log size for the speed run, MiB")
    parser.add_argument("--memory-size", type=int, default=1024, help="log size for memory, MiB")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--folder", default=None, help="where to write the logs (default: temp)")
    args = parser.parse_args()
    if shutil.which("pflogsumm") is None:
        print("pflogsumm is not installed: apt-get install pflogsumm", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(dir=args.folder) as tmp:
        folder = Path(tmp)
        log = folder / "mail.log"
        start = time.perf_counter()
        lines = write_log(log, args.size * MIB, seed=7)
        size = log.stat().st_size
        print(f"log: {size / MIB:.0f} MiB, {lines} lines (written in {time.perf_counter() - start:.0f} s)")
        runs = {
            "pflogsumm": ["pflogsumm", str(log)],
            "smtp-explain logs --json-lines": [str(CLI), "logs", "--json-lines", str(log)],
            "smtp-explain logs --json-lines --jobs 2": [str(CLI), "logs", "--json-lines",
                                                       "--jobs", "2", str(log)],
        }
        best: dict[str, tuple[float, float]] = {}
        for _ in range(args.repeat):
            for name, command in runs.items():
                wall, cpu = timed(command)
                if name not in best or wall < best[name][0]:
                    best[name] = (wall, cpu)
        base = best["pflogsumm"][0]
        print(f"{'tool':42} {'wall s':>8} {'cpu s':>8} {'MiB/s':>7} {'ratio':>6}")
        for name, (wall, cpu) in best.items():
            print(f"{name:42} {wall:8.1f} {cpu:8.1f} {size / MIB / wall:7.1f} {base / wall:6.2f}")
        theirs, ours = pflogsumm_totals(log), our_totals(log, folder)
        print("totals (pflogsumm / smtp-explain): " + ", ".join(
            f"{key} {theirs[key]}/{ours.get(key, 0)}" for key in theirs))
        log.unlink()
        if args.memory_size:
            big = folder / "big.log"
            start = time.perf_counter()
            lines = write_big_log(big, args.memory_size * MIB)
            size = big.stat().st_size
            print(f"memory log: {size / MIB:.0f} MiB, {lines} lines "
                  f"(written in {time.perf_counter() - start:.0f} s)")
            for name, command in (
                    ("logs --json-lines", [str(CLI), "logs", "--json-lines", str(big)]),
                    ("logs --json-lines --jobs 2", [str(CLI), "logs", "--json-lines", "--jobs", "2",
                                                   str(big)])):
                wall, peak = peak_memory(command)
                print(f"peak RSS {name}: {peak / 1e6:.0f} MB (largest process), "
                      f"{wall:.0f} s, {size / MIB / wall:.1f} MiB/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
