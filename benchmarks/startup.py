"""Start-up time of the command line: median wall time of a few commands."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

CLI = str(Path(sys.executable).with_name("smtp-explain"))
COMMANDS = {
    "--version": [CLI, "--version"],
    "explain --json": [CLI, "explain", "--json", "550 5.1.1 <bob@example.org>: User unknown"],
    "code --json": [CLI, "code", "--json", "550"],
    "explain (Rich output)": [CLI, "550 5.1.1 <bob@example.org>: User unknown"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    for name, command in COMMANDS.items():
        subprocess.run(command, capture_output=True, check=False)  # warm caches
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            subprocess.run(command, capture_output=True, check=False)
            times.append(time.perf_counter() - start)
        print(f"{name:<24} median {statistics.median(times) * 1000:6.0f} ms   "
              f"min {min(times) * 1000:5.0f} ms  (target < 150 ms)")


if __name__ == "__main__":
    main()
