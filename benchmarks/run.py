"""Run every benchmark in turn (make bench)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
STEPS = [
    ("Classification throughput", ["classify_throughput.py"]),
    ("CLI start-up", ["startup.py"]),
    ("Bounce decoding against Sisimai", ["bounce_vs_sisimai.py"]),
    ("Peak memory on a 1 GiB mbox", ["mbox_memory.py"]),
    ("Mail server logs against pflogsumm (200 MiB), peak memory on 1 GiB",
     ["logs_vs_pflogsumm.py"]),
    ("Web API under load (200 clients, 60 s, asyncio clients)", ["web_load.py"]),
    ("Web API under load (200 clients, 60 s, wrk, 2 workers)",
     ["web_load.py", "--wrk", "--workers", "2"]),
    ("Spark local[2] against --jobs 2", ["spark_vs_jobs.py", "--mails", "2000",
                                         "--messages", "20000", "--rounds", "3"]),
]


def main() -> int:
    failed = 0
    for title, args in STEPS:
        print(f"\n== {title}", flush=True)
        failed += subprocess.run([sys.executable, str(HERE / args[0]), *args[1:]],
                                 cwd=HERE, check=False).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
